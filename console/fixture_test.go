package console

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The fixture region: two structures. Everything of B (ML-17002) that a
// page of A (ML-16001) must never show: its code, name, dossiers, site,
// counsellor and young people's names.
var markersOfB = []string{"ML-17002", "Saintes", "D17-001", "D17-002", "L17A", "U17A", "Royan", "Martinez", "Saintongeais", "Oléronaise", "Kévin",
	"J2-17", "S17-9", "17415"}

const (
	structA  = "ML-16001"
	structB  = "ML-17002"
	password = "mot-de-passe-de-test"
)

var extraction = filepath.Join("..", "testdata", "reports", "extraction")

// fakeClock is the console's and the store's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	wh    string
	srv   *Server
	store *accounts.Store
	ts    *httptest.Server
	clock *fakeClock
}

// buildWarehouse ingests the fixture extraction and runs the controls.
func buildWarehouse(t testing.TB, path string, asOf ...string) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	if err := runIngest(ctx, w); err != nil {
		t.Fatal(err)
	}
	wave2, err := os.ReadFile(filepath.Join("testdata", "wave2.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, string(wave2)); err != nil {
		t.Fatal(err)
	}
	if len(asOf) == 0 {
		asOf = []string{"2026-11-16", "2026-11-23"}
	}
	for _, d := range asOf {
		day, _ := time.Parse(time.DateOnly, d)
		if err := runControls(ctx, w, day); err != nil {
			t.Fatal(err)
		}
	}
}

// runIngest and runControls run a pipeline as its command does: under a run
// record the caller opens (steps.Run).
func runIngest(ctx context.Context, w *warehouse.Warehouse) error {
	return w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		_, err := ingest.Run(ctx, w, extraction, ingest.Options{RunID: id})
		return err
	})
}

func runControls(ctx context.Context, w *warehouse.Warehouse, day time.Time) error {
	return w.Record(ctx, warehouse.RunInfo{Command: "controls"}, func(id int64) error {
		_, err := controls.Run(ctx, w, controls.Options{AsOf: day, SkipList: true, RunID: id})
		return err
	})
}

// newFixture builds the region, publishes its snapshot, creates one account
// of each profile and starts the console on a loopback port.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{wh: filepath.Join(dir, "vigie.duckdb"), clock: &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}}
	buildWarehouse(t, f.wh)
	if err := EnsureSnapshot(ctx, f.wh, sqlfiles.FS(), time.Second, func(string) {}); err != nil {
		t.Fatal(err)
	}
	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(f.wh), accounts.FileName), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = f.clock.Now
	f.store = store
	known := func(c string) bool { return c == structA || c == structB }
	for _, a := range []accounts.NewAccount{
		{Login: "std-a", Profil: accounts.Standard, CodeStructure: structA},
		{Login: "av-a", Profil: accounts.Avance, CodeStructure: structA},
		{Login: "std-b", Profil: accounts.Standard, CodeStructure: structB},
		{Login: "ana", Profil: accounts.Analyste},
		{Login: "exp", Profil: accounts.Expert},
		{Login: "val", Profil: accounts.Valideur},
		{Login: "adm", Profil: accounts.Admin},
	} {
		a.Password = password
		if err := store.Add(ctx, a, known, "test", "test"); err != nil {
			t.Fatal(err)
		}
	}
	reports := filepath.Join(dir, "rapports")
	for _, p := range []string{structA + "/2026-11-23/tableau-de-bord-" + structA + "-2026-11-23.pdf", structB + "/2026-11-23/tableau-de-bord-" + structB + "-2026-11-23.pdf"} {
		if err := os.MkdirAll(filepath.Join(reports, filepath.Dir(p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(reports, p), []byte("%PDF-1.4 "+p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	defs, err := schedules.LoadDefinitions("")
	if err != nil {
		t.Fatal(err)
	}
	f.srv, err = New(ctx, Config{WarehousePath: f.wh, Store: store, SQL: sqlfiles.FS(), Schedules: defs, ReportsDir: reports,
		PollInterval: 100 * time.Millisecond, Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(testLogWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(func() {
		f.ts.Close()
		f.srv.Close()
	})
	return f
}

// client is a browser-like client: a cookie jar, no redirects followed, the
// CSRF token of its session.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	csrf string
	// bearer, when set, authenticates instead of the cookie.
	bearer string
}

func (f *fixture) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: f.ts.URL, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	code     int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values, hdr map[string]string) resp {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) resp { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) post(path string, form url.Values) resp {
	if form == nil {
		form = url.Values{}
	}
	if c.csrf != "" && form.Get("csrf") == "" {
		form.Set("csrf", c.csrf)
	}
	return c.do(http.MethodPost, path, form, nil)
}

func (c *client) postJSON(path string, v any) resp {
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	} else if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	rb, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, body: string(rb), header: res.Header}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in and accepts the terms of use.
func (f *fixture) login(t testing.TB, login string) *client {
	t.Helper()
	c := f.client(t)
	r := c.do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {password}}, nil)
	if r.code != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", login, r.code, r.body)
	}
	r = c.get("/cgu")
	m := csrfRe.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token on the CGU page: %d %s", r.code, r.body)
	}
	c.csrf = m[1]
	if r := c.post("/cgu", url.Values{"accepte": {"oui"}}); r.code != http.StatusSeeOther || r.location != "/" {
		t.Fatalf("CGU: %d %s", r.code, r.location)
	}
	return c
}

// testLogWriter sends the console's log to the test's log.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
