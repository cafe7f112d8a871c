package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// vigie serve publishes a first snapshot, serves on the address it prints,
// and stops cleanly when its context ends (SIGTERM in main).
func TestServeCommand(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	if code, _, errs := runVigie(t, "--warehouse", wh, "serve", "--addr", "localhost"); code != 2 || !strings.Contains(errs, "HOTE:PORT") {
		t.Errorf("bad --addr: exit %d %s", code, errs)
	}
	if code, _, errs := runVigie(t, "--warehouse", wh, "serve", "--tls-cert", "c.pem"); code != 2 {
		t.Errorf("cert without key: exit %d %s", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServing(t, ctx, "--warehouse", wh, "serve", "--addr", "127.0.0.1:0")
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
	res, err = http.Get("http://" + addr + "/api/v1/me")
	if err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("me without a session: %v %v", res, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve stopped with exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// vigie daemon --serve runs the scheduler and serves the console in the
// same process; a console that cannot listen stops the daemon with an error.
func TestDaemonServesTheConsole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	err := os.WriteFile(cfg, []byte("outbox: "+filepath.Join(dir, "outbox")+"\nwork_dir: "+filepath.Join(dir, "work")+"\n"+
		"recipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-16001}]\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	if code, _, errs := runVigieIn(t, "mot-de-passe-du-demon\n", "--warehouse", wh, "users", "add", "ana", "--profil", "analyste"); code != 0 {
		t.Fatalf("users add: exit %d: %s", code, errs)
	}
	if code, _, errs := runSchedCLI(context.Background(), nil, "--warehouse", wh, "daemon", "--config", cfg, "--serve", "localhost"); code != 2 || !strings.Contains(errs, "HOTE:PORT") {
		t.Errorf("bad --serve: exit %d %s", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServing(t, ctx, "--warehouse", wh, "daemon", "--config", cfg, "--serve", "127.0.0.1:0")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm("http://"+addr+"/login", url.Values{"login": {"ana"}, "password": {"mot-de-passe-du-demon"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v %v", res, err)
	}
	res.Body.Close()
	// A second daemon's console on the same address cannot listen: that
	// daemon stops with an error (here refused earlier by the daemon lock).
	if code, _, errs := runSchedCLI(context.Background(), nil, "--warehouse", wh, "daemon", "--config", cfg, "--serve", addr); code != exitFailed {
		t.Errorf("second daemon: exit %d %s", code, errs)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("the daemon stopped with exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	// Alone, a daemon whose console address is taken stops at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, errs := runSchedCLI(context.Background(), nil, "--warehouse", wh, "daemon", "--config", cfg, "--serve", ln.Addr().String())
	if code != exitFailed || !strings.Contains(errs, "écoute sur") {
		t.Errorf("address taken: exit %d %s", code, errs)
	}
}

// startServing runs vigie with args until ctx ends and returns the console
// address it prints on standard error, and the channel of its exit status.
func startServing(t *testing.T, ctx context.Context, args ...string) (string, chan int) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, args, strings.NewReader(""), io.Discard, pw, func(string) string { return "" })
		pw.Close()
		done <- code
	}()
	addrRe := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	sc := bufio.NewScanner(pr)
	var lines []string
	addr := ""
	for addr == "" && sc.Scan() {
		lines = append(lines, sc.Text())
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" {
		t.Fatalf("vigie %s printed no console address:\n%s", strings.Join(args, " "), strings.Join(lines, "\n"))
	}
	return addr, done
}
