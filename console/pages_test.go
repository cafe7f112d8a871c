package console

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestRegionalFiltersOfferSitesOfTheChosenStructure: a regional dashboard
// offers the sites and counsellors of the structure chosen (the region's
// thousands in one list help nobody); before a structure is chosen it says
// so, and a site reached from a chart stays selected.
func TestRegionalFiltersOfferSitesOfTheChosenStructure(t *testing.T) {
	f := newFixture(t)
	ana := f.login(t, "ana")
	site, counsellor := `<option value="L17A"`, `<option value="U17A"`
	r := ana.get("/constats")
	if r.code != 200 || !strings.Contains(r.body, "abord une structure") || strings.Contains(r.body, site) || strings.Contains(r.body, counsellor) {
		t.Errorf("region, no structure chosen: %d, lists B's site or counsellor, or no hint", r.code)
	}
	r = ana.get("/constats?structure=" + structB)
	if r.code != 200 || !strings.Contains(r.body, site) || !strings.Contains(r.body, counsellor) || strings.Contains(r.body, "abord une structure") {
		t.Errorf("region, structure B chosen: %d, B's site and counsellor not offered", r.code)
	}
	r = ana.get("/constats?lieu=L17A")
	if r.code != 200 || !strings.Contains(r.body, site+` selected`) {
		t.Errorf("region, site chosen from a chart: %d, not kept selected", r.code)
	}
	std := f.login(t, "std-a")
	if r := std.get("/constats"); r.code != 200 || !strings.Contains(r.body, `<option value="L16`) || strings.Contains(r.body, "abord une structure") {
		t.Errorf("structure account: %d, its own sites not offered", r.code)
	}
}

// Error pages speak French, from their title on: an address that does not
// exist, a method a page does not take, an object out of reach, a bad filter.
func TestErrorPagesAreFrench(t *testing.T) {
	f := newFixture(t)
	dir := f.login(t, "std-a")
	for _, c := range []struct {
		who          *client
		method, path string
		code         int
		title        string
	}{
		{f.client(t), "GET", "/nulle-part", 404, "Introuvable"},
		{dir, "GET", "/nulle-part", 404, "Introuvable"},
		{dir, "DELETE", "/constats", 405, "Méthode non permise"},
		{dir, "GET", "/dossiers/INCONNU", 404, "Introuvable"},
		{dir, "GET", "/journal", 403, "Accès refusé"},
		{dir, "GET", "/constats?gravite=grave", 400, "Demande incorrecte"},
		{f.client(t), "GET", "/static/nulle-part.css", 404, "Introuvable"},
		{f.client(t), "GET", "/static/", 404, "Introuvable"},
	} {
		r := c.who.do(c.method, c.path, nil, nil)
		if r.code != c.code || !strings.Contains(r.body, "<h1>"+c.title+"</h1>") || !strings.Contains(r.body, "<title>"+c.title+" · vigie</title>") {
			t.Errorf("%s %s: %d, want %d and the title %q:\n%.400s", c.method, c.path, r.code, c.code, c.title, r.body)
		}
		for _, english := range []string{"page not found", "Method Not Allowed", "Not Found", "Forbidden", "Bad Request"} {
			if strings.Contains(r.body, english) {
				t.Errorf("%s %s says %q", c.method, c.path, english)
			}
		}
		if c.code == 405 && !strings.Contains(r.header.Get("Allow"), "GET") {
			t.Errorf("%s %s: Allow %q, want the methods it takes", c.method, c.path, r.header.Get("Allow"))
		}
	}
	if r := f.client(t).get("/static/style.css"); r.code != 200 {
		t.Errorf("the style sheet: %d", r.code)
	}
	// The API: a route asked with a method it does not take is 405 with
	// Allow, in JSON; an unknown route 404.
	for _, c := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{"GET", "/api/v1/query", 405, "POST"},
		{"PUT", "/api/v1/query", 405, "POST"},
		{"DELETE", "/api/v1/me", 405, "GET"},
		{"GET", "/api/v1/nulle-part", 404, ""},
	} {
		r := dir.do(c.method, c.path, nil, map[string]string{"X-CSRF-Token": dir.csrf})
		if r.code != c.code || r.header.Get("Allow") != c.allow || !strings.HasPrefix(r.body, `{"error":"`) {
			t.Errorf("%s %s: %d, Allow %q, %s; want %d, Allow %q, a JSON error", c.method, c.path, r.code, r.header.Get("Allow"), r.body, c.code, c.allow)
		}
	}
}

// Under TLS every answer tells the browser to come back over HTTPS only.
func TestHSTSUnderTLS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	for _, secure := range []bool{true, false} {
		rec := httptest.NewRecorder()
		securityHeaders(ok, secure).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); (got != "") != secure {
			t.Errorf("secure %v: Strict-Transport-Security %q", secure, got)
		}
	}
}

// Every rule family is named where a director picks it (the menu, the chart
// of the home page, the title of its findings), not only the first eight.
func TestEveryRuleFamilyIsNamed(t *testing.T) {
	f := newFixture(t)
	dir := f.login(t, "std-a")
	home := dir.get("/")
	for _, fam := range reports.Families {
		name := html.EscapeString(fam + " — " + reports.FamilyLabel[fam])
		if !strings.Contains(home.body, name) {
			t.Errorf("home page: family %s not named %q", fam, name)
		}
		if r := dir.get("/constats?famille=" + fam); r.code != 200 || !strings.Contains(r.body, "<h1>"+name) {
			t.Errorf("/constats?famille=%s: %d, title not %q", fam, r.code, name)
		}
	}
}

// A report file that names young people (the ASP list, the workbook) and was
// written before a dossier of its structure was archived is withheld: it
// may still name the young person anonymised since. Files without names,
// files written after, and other structures' files stay.
func TestNominativeReportsOlderThanAnArchivingAreWithheld(t *testing.T) {
	f := newFixture(t)
	reportsDir := filepath.Join(filepath.Dir(f.wh), "rapports")
	hourAgo := time.Now().Add(-time.Hour)
	write := func(code, date, name string, mod time.Time) string {
		t.Helper()
		p := filepath.Join(reportsDir, code, date, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("%PDF-1.4 "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
		return "/rapports/" + code + "/" + date + "/" + name
	}
	aspA := write(structA, "2026-11-23", "liste-asp-"+structA+"-2026-11-23.pdf", hourAgo)
	bookA := write(structA, "2026-11-23", "classeur-"+structA+"-2026-11-23.xlsx", hourAgo)
	dashA := "/rapports/" + structA + "/2026-11-23/tableau-de-bord-" + structA + "-2026-11-23.pdf"
	aspB := write(structB, "2026-11-23", "liste-asp-"+structB+"-2026-11-23.pdf", hourAgo)
	std, ana := f.login(t, "std-a"), f.login(t, "ana")
	for _, p := range []string{aspA, bookA, dashA} {
		if r := std.get(p); r.code != 200 {
			t.Fatalf("before any archiving, %s: %d", p, r.code)
		}
	}

	archiveDossier(t, f, "D16-001")
	aspLater := write(structA, "2026-11-30", "liste-asp-"+structA+"-2026-11-30.pdf", time.Now().Add(time.Minute))

	deadline := time.Now().Add(20 * time.Second)
	for r := std.get("/rapports"); !strings.Contains(r.body, "retiré"); r = std.get("/rapports") {
		if time.Now().After(deadline) {
			t.Fatalf("the reports page never withholds the old ASP list:\n%.2000s", r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range []string{aspA, bookA} {
		if r := std.get(p); r.code != 410 || strings.Contains(r.body, "%PDF") || !strings.Contains(r.body, "archivage") {
			t.Errorf("%s after an archiving of its structure: %d, want 410 and why", p, r.code)
		}
	}
	for who, c := range map[string][]string{"std-a": {dashA, aspLater}, "ana": {aspB}} {
		cl := std
		if who == "ana" {
			cl = ana
		}
		for _, p := range c {
			if r := cl.get(p); r.code != 200 || !strings.Contains(r.body, "%PDF") {
				t.Errorf("%s %s: %d, want the file (no name in it, written after, or another structure's)", who, p, r.code)
			}
		}
	}
}

// The regional pages read in French, and the audit log is the regional
// profiles' and the admin's, the admin reading no value an analyst searched
// for (a name typed in a query).
func TestRegionalPagesAndAuditLog(t *testing.T) {
	f := newFixture(t)
	ana, exp, val, adm := f.login(t, "ana"), f.login(t, "exp"), f.login(t, "val"), f.login(t, "adm")
	const searched = "Dupont-Lagarde"
	if r := ana.postJSON("/api/v1/query", map[string]string{"sql": "SELECT count(*) FROM dossiers WHERE nom_usage = '" + searched + "'"}); r.code != 200 {
		t.Fatalf("analyst's query: %d %s", r.code, r.body)
	}
	for name, c := range map[string]*client{"ana": ana, "exp": exp, "val": val} {
		if r := c.get("/journal"); r.code != 200 || !strings.Contains(r.body, searched) {
			t.Errorf("%s: /journal %d, or the query it logs is not shown whole", name, r.code)
		}
	}
	r := adm.get("/journal")
	if r.code != 200 || !strings.Contains(r.body, "requete_sql") || strings.Contains(r.body, searched) {
		t.Errorf("admin: /journal %d; it must list the query, without the name searched for", r.code)
	}
	runs := ana.get("/region/executions")
	for _, want := range []string{"<th>état</th>", "terminée", "<th>lignes lues</th>"} {
		if !strings.Contains(runs.body, want) {
			t.Errorf("/region/executions lacks %q", want)
		}
	}
	for _, english := range []string{"<th>status</th>", "<th>command</th>", ">done<"} {
		if strings.Contains(runs.body, english) {
			t.Errorf("/region/executions shows %q", english)
		}
	}
	if r := ana.get("/region/executions/1"); r.code != 200 || !strings.Contains(r.body, "<th>motif</th>") {
		t.Errorf("/region/executions/1: %d, or no French header", r.code)
	}
	if r := ana.get("/region/executions/99999"); r.code != 404 {
		t.Errorf("an unknown run: %d, want 404", r.code)
	}
	if r := ana.get("/region/livraisons"); r.code != 200 || !strings.Contains(r.body, "<th>destinataire</th>") || strings.Contains(r.body, "COALESCE") {
		t.Errorf("/region/livraisons: %d, or no French header", r.code)
	}
}

// A regional account naming a structure the warehouse does not know gets a
// 404 that says so, on every page, export and API answer taking a
// structure, not an empty answer that reads as nothing to report.
func TestUnknownStructureIs404(t *testing.T) {
	f := newFixture(t)
	ana := f.login(t, "ana")
	for _, p := range []string{"/api/v1/findings?structure=ML-99999", "/api/v1/asp?structure=ML-99999", "/constats?structure=ML-99999",
		"/constats/export?format=csv&structure=ML-99999", "/asp?structure=ML-99999", "/asp/export?format=pdf&structure=ML-99999"} {
		if r := ana.get(p); r.code != 404 || !strings.Contains(r.body, "aucune structure") {
			t.Errorf("%s: %d, want 404 saying the structure is unknown: %.200s", p, r.code, r.body)
		}
	}
	if r := ana.get("/api/v1/findings?structure=" + structB); r.code != 200 {
		t.Errorf("a known structure: %d", r.code)
	}
}

// archiveDossier archives one dossier by hand in the fixture's warehouse,
// which publishes a snapshot as it closes.
func archiveDossier(t *testing.T, f *fixture, id string) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, f.wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	err = w.Record(ctx, warehouse.RunInfo{Command: "archive"}, func(run int64) error {
		_, err := archive.Dossier(ctx, w, id, archive.MotifDemandeDuJeune, archive.Options{AsOf: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
			BackupDir: t.TempDir(), RunID: run})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// A dossier archived after the latest control run shows in no finding from
// the moment the console reads the archiving, not only after the next run.
func TestFindingsOfADossierArchivedSinceTheControls(t *testing.T) {
	f := newFixture(t)
	std := f.login(t, "std-a")
	if r := std.get("/api/v1/findings?dossier=D16-001"); r.code != 200 || strings.Contains(r.body, `"total":0`) {
		t.Fatalf("before the archiving, D16-001 has findings: %d %s", r.code, r.body)
	}
	archiveDossier(t, f, "D16-001")
	deadline := time.Now().Add(20 * time.Second)
	r := std.get("/api/v1/findings?dossier=D16-001")
	for ; !strings.Contains(r.body, `"total":0`) && time.Now().Before(deadline); r = std.get("/api/v1/findings?dossier=D16-001") {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(r.body, `"total":0`) {
		t.Errorf("after the archiving, D16-001's findings: %.300s", r.body)
	}
	if r := std.get("/constats"); r.code != 200 || strings.Contains(r.body, "D16-001") {
		t.Errorf("/constats after the archiving: %d, shows D16-001", r.code)
	}
	if r := std.get("/api/v1/findings?dossier=D16-002"); strings.Contains(r.body, `"total":0`) {
		t.Errorf("another dossier lost its findings: %.200s", r.body)
	}
}
