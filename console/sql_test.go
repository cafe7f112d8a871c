package console

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestSQLThatCrashesTheEngineLeavesTheConsoleUp: the SQL a user types runs
// in a process of its own, as vigie query does, so a statement that brings
// DuckDB down (here a view over Arrow memory that is gone, as older versions
// left after an XLSX load) gets a French message, and the console goes on
// serving everybody.
func TestSQLThatCrashesTheEngineLeavesTheConsoleUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	f := newFixture(t)
	ana := f.login(t, "ana")
	// Closing the warehouse after the view publishes a snapshot holding it.
	warehousetest.DanglingView(t, f.wh)
	deadline := time.Now().Add(20 * time.Second)
	var r resp
	for {
		r = ana.postJSON("/api/v1/query", map[string]string{"sql": "SELECT * FROM xlsx_rows"})
		if !strings.Contains(r.body, "la table « xlsx_rows » n'existe pas") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.code != 400 || !strings.Contains(r.body, "le moteur DuckDB s'est arrêté brutalement") {
		t.Fatalf("a crashing query: %d %s", r.code, r.body)
	}
	page := ana.post("/sql", url.Values{"sql": {"SELECT * FROM xlsx_rows"}})
	if page.code != 400 || !strings.Contains(page.body, "arrêté brutalement") {
		t.Errorf("the SQL page: %d", page.code)
	}
	if r := f.client(t).get("/healthz"); r.code != 200 {
		t.Errorf("after the crash, healthz: %d", r.code)
	}
	if r := ana.postJSON("/api/v1/query", map[string]string{"sql": "SELECT count(*) AS n FROM dossiers"}); r.code != 200 || !strings.Contains(r.body, `"rows":[[`) {
		t.Errorf("after the crash, a plain query: %d %s", r.code, r.body)
	}
	if r := ana.get("/constats"); r.code != 200 {
		t.Errorf("after the crash, a page: %d", r.code)
	}
}

// What the SQL page and the query API say of a statement they refuse or that
// fails is French: the reason, then DuckDB's own words for the analyst's SQL.
func TestSQLRefusalsAreFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	f := newFixture(t)
	ana := f.login(t, "ana")
	for _, c := range []struct{ sql, want string }{
		{"DELETE FROM dossiers", "equête refusée : seules les lectures (SELECT) sont permises, une instruction à la fois, sans accès aux fichiers"},
		{"SELECT 1; SELECT 2", "equête refusée : une seule instruction à la fois"},
		{"SELECT * FROM nulle_part", "equête en erreur : nom inconnu : la table « nulle_part »"},
		{"SELECT * FROM read_csv('/etc/passwd')", "equête en erreur : interdit : les fichiers de la machine ne sont pas accessibles"},
	} {
		api := ana.postJSON("/api/v1/query", map[string]string{"sql": c.sql})
		page := ana.post("/sql", url.Values{"sql": {c.sql}})
		for _, r := range []struct {
			where string
			resp  resp
		}{{"API", api}, {"page", page}} {
			if r.resp.code != 400 || !strings.Contains(r.resp.body, c.want) {
				t.Errorf("%s, %q: %d, want 400 and %q in:\n%.600s", r.where, c.sql, r.resp.code, c.want, r.resp.body)
			}
			for _, english := range []string{"only read-only", "exactly one", "query refused", "missing context", "query:", " Error:", "does not exist", "disabled by configuration"} {
				if strings.Contains(r.resp.body, english) {
					t.Errorf("%s, %q says %q in English", r.where, c.sql, english)
				}
			}
		}
	}
}
