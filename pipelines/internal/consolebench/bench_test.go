package consolebench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arml-na/vigie/console"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/benchregion"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// serveEnv names the warehouse the console child process serves.
const serveEnv = "VIGIE_BENCH_CONSOLE_WAREHOUSE"

const benchPassword = "mot-de-passe-de-banc"

// TestMain runs the console in a child process when serveEnv is set, so
// that its peak memory is the console's alone.
func TestMain(m *testing.M) {
	if path := os.Getenv(serveEnv); path != "" {
		if err := serveChild(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveChild serves the console of path on a loopback port, prints the
// address, serves until its standard input closes, then prints its peak
// resident memory (VmHWM).
func serveChild(path string) error {
	ctx := context.Background()
	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(path), accounts.FileName), sqlfiles.FS())
	if err != nil {
		return err
	}
	defer store.Close()
	defs, err := schedules.LoadDefinitions("")
	if err != nil {
		return err
	}
	srv, err := console.New(ctx, console.Config{WarehousePath: path, Store: store, SQL: sqlfiles.FS(), Schedules: defs,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go func() { _ = hs.Serve(ln) }()
	fmt.Printf("addr %s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = hs.Close()
	fmt.Printf("peak %d\n", benchenv.Peak())
	return nil
}

func TestBenchRegion(t *testing.T) {
	w := benchregion.Child(t, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	for _, d := range []string{"2026-11-16", "2026-11-23"} {
		day, _ := time.Parse(time.DateOnly, d)
		if _, err := recorded.Controls(t, context.Background(), w, controls.Options{AsOf: day, SkipList: true}); err != nil {
			t.Fatal(err)
		}
	}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login opens a session for login and accepts the terms of use.
func login(b *testing.B, base, login string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"login": {login}, "password": {benchPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login %s: %v %v", login, err, res)
	}
	res.Body.Close()
	res, err = c.Get(base + "/cgu")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(body)
	if m == nil {
		b.Fatalf("no CSRF token for %s", login)
	}
	res, err = c.PostForm(base+"/cgu", url.Values{"accepte": {"oui"}, "csrf": {string(m[1])}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	return c
}

func get(c *http.Client, u string) (time.Duration, int64, error) {
	start := time.Now()
	res, err := c.Get(u)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s", u, res.Status)
	}
	return time.Since(start), n, err
}

func p95(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[(len(ds)*95+99)/100-1]
}

// BenchmarkConsole: 20 logged-in clients (10 analysts, 10 directors of
// different structures) on loopback load the home page and a filtered
// findings page; then one XLSX export of 10,000 findings. Targets: p95 under
// 300 ms for both pages, the export under 3 s, the console's peak resident
// memory under 1 GiB.
func BenchmarkConsole(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	path := benchregion.Build(b)
	if err := console.EnsureSnapshot(ctx, path, sqlfiles.FS(), time.Minute, func(string) {}); err != nil {
		b.Fatal(err)
	}
	w, err := warehouse.OpenReadOnly(ctx, path, sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	codes, err := schedules.KnownStructures(ctx, w)
	w.Close()
	if err != nil || len(codes) < 10 {
		b.Fatalf("structures: %v %v", codes, err)
	}
	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(path), accounts.FileName), sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	known := func(string) bool { return true }
	var logins []string
	for i := 0; i < 10; i++ {
		for _, n := range []accounts.NewAccount{
			{Login: "ana" + strconv.Itoa(i), Profil: accounts.Analyste, Password: benchPassword},
			{Login: "dir" + strconv.Itoa(i), Profil: accounts.Standard, CodeStructure: codes[i*len(codes)/10], Password: benchPassword},
		} {
			if err := store.Add(ctx, n, known, "bench", "bench"); err != nil {
				b.Fatal(err)
			}
			logins = append(logins, n.Login)
		}
	}
	store.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "addr ") {
		b.Fatalf("console child: %q", lines.Text())
	}
	base := "http://" + strings.TrimPrefix(lines.Text(), "addr ")

	clients := make([]*http.Client, len(logins))
	for i, l := range logins {
		clients[i] = login(b, base, l)
	}
	const rounds = 10
	var mu sync.Mutex
	var home, filtered []time.Duration
	var errs []error
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fam := controls.Families[i%len(controls.Families)]
			for r := 0; r < rounds; r++ {
				d1, _, err1 := get(c, base+"/")
				d2, _, err2 := get(c, base+"/constats?famille="+fam+"&gravite=alerte&tri=detection&ordre=desc&page=2")
				mu.Lock()
				home, filtered = append(home, d1), append(filtered, d2)
				for _, e := range []error{err1, err2} {
					if e != nil {
						errs = append(errs, e)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	pages := time.Since(start)
	dExport, size, err := get(clients[0], base+"/constats/export?format=xlsx&limit=10000")
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	_ = stdin.Close()
	var peak int64
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "peak "); ok {
			peak, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatal(err)
	}
	if len(errs) > 0 {
		b.Fatalf("%d failed requests, e.g. %v", len(errs), errs[0])
	}
	ph, pf := p95(home), p95(filtered)
	b.ReportMetric(float64(ph.Milliseconds()), "home-p95-ms")
	b.ReportMetric(float64(pf.Milliseconds()), "filtered-p95-ms")
	b.ReportMetric(dExport.Seconds(), "xlsx-export-s")
	b.ReportMetric(float64(peak>>20), "console-peak-MiB")
	b.Logf("scale %g, %d structures: %d requests by 20 clients in %s; home p95 %s, filtered findings p95 %s; XLSX export of up to 10,000 findings %s (%d KiB); console peak %d MiB",
		scale, len(codes), len(home)+len(filtered), pages.Round(time.Millisecond), ph, pf, dExport.Round(time.Millisecond), size>>10, peak>>20)
	if scale >= 1 {
		if ph > 300*time.Millisecond || pf > 300*time.Millisecond {
			b.Errorf("p95 over 300 ms: home %s, filtered %s", ph, pf)
		}
		if dExport > 3*time.Second {
			b.Errorf("XLSX export %s, over 3 s", dExport)
		}
		if peak > 1<<30 {
			b.Errorf("console peak %d MiB, over 1 GiB", peak>>20)
		}
	}
}
