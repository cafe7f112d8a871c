package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
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
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"--warehouse", wh, "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, pw, func(string) string { return "" })
		pw.Close()
		done <- code
	}()
	addrRe := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	sc := bufio.NewScanner(pr)
	addr := ""
	for addr == "" && sc.Scan() {
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" {
		t.Fatal("serve printed no address")
	}
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
