package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/controls"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// pagesOfA are every page and export a structure-scoped account may open.
func pagesOfA() []string {
	p := []string{"/", "/constats", "/constats?suivi=resolu", "/constats?tri=structure&ordre=desc", "/asp", "/asp?as_of=2026-11-23",
		"/rapports", "/constats/export?format=csv", "/constats/export?format=xlsx", "/asp/export?format=csv&as_of=2026-11-23",
		"/asp/export?format=xlsx&as_of=2026-11-23", "/dossiers/D16-001",
		"/api/v1/me", "/api/v1/structures", "/api/v1/findings", "/api/v1/findings?limit=1000", "/api/v1/asp?as_of=2026-11-23"}
	for _, f := range controls.Families {
		p = append(p, "/constats?famille="+f)
	}
	return p
}

func hasAnyMarker(s string) string {
	for _, m := range markersOfB {
		if strings.Contains(s, m) {
			return m
		}
	}
	return ""
}

func TestStructureAccountSeesNothingOfAnother(t *testing.T) {
	f := newFixture(t)
	ana := f.login(t, "ana")
	// Positive control: the region sees B on the same pages.
	seen := ""
	for _, p := range pagesOfA() {
		if r := ana.get(strings.Replace(p, "D16-001", "D17-001", 1)); r.code == http.StatusOK {
			seen += r.body
		}
	}
	for _, m := range []string{"ML-17002", "D17-001", "Saintes"} {
		if !strings.Contains(seen, m) {
			t.Fatalf("positive control: the analyst's pages never show %q", m)
		}
	}
	for _, login := range []string{"std-a", "av-a"} {
		c := f.login(t, login)
		for _, p := range pagesOfA() {
			r := c.get(p)
			if r.code != http.StatusOK {
				t.Errorf("%s %s: %d %s", login, p, r.code, r.body)
				continue
			}
			if m := hasAnyMarker(r.body); m != "" {
				t.Errorf("%s %s shows %q of structure B", login, p, m)
			}
		}
		// B asked for explicitly: 403; B's objects by id: 404; B's sites and
		// counsellors as filters: nothing.
		for _, c0 := range []struct {
			path string
			code int
		}{
			{"/api/v1/findings?structure=" + structB, 403},
			{"/api/v1/asp?structure=" + structB, 403},
			{"/constats?structure=" + structB, 403},
			{"/constats/export?format=xlsx&structure=" + structB, 403},
			{"/asp?structure=" + structB, 403},
			{"/asp/export?format=pdf&structure=" + structB, 403},
			{"/asp/export?format=csv&structure=" + structB, 403},
			{"/rapports/" + structB + "/2026-11-23/tableau-de-bord-" + structB + "-2026-11-23.pdf", 403},
			{"/dossiers/D17-001", 403},
			{"/dossiers/D99-999", 404},
			{"/region/executions", 403},
			{"/region/executions/1", 403},
			{"/region/livraisons", 403},
			{"/region/planification", 403},
			{"/journal", 403},
			{"/comptes", 403},
			{"/constats?lieu=L17A", 200},
			{"/constats?conseiller=U17A", 200},
			{"/api/v1/findings?dossier=D17-001", 200},
			{"/rapports/..%2F" + structB + "/2026-11-23/x.pdf", 400},
		} {
			r := c.get(c0.path)
			if r.code != c0.code {
				t.Errorf("%s %s: %d, want %d", login, c0.path, r.code, c0.code)
			}
			// What the caller typed may be echoed (in links, in the message):
			// only that is taken out before looking for B.
			body := r.body
			for _, m := range markersOfB {
				if strings.Contains(c0.path, m) {
					body = strings.ReplaceAll(body, m, "")
				}
			}
			if m := hasAnyMarker(body); m != "" {
				t.Errorf("%s %s shows %q", login, c0.path, m)
			}
		}
		r := c.get("/api/v1/findings?dossier=D17-001")
		if !strings.Contains(r.body, `"total":0`) {
			t.Errorf("%s: B's dossier by filter: %s", login, r.body)
		}
		// Its own report is there; B's is refused.
		if r := c.get("/rapports/" + structA + "/2026-11-23/tableau-de-bord-" + structA + "-2026-11-23.pdf"); r.code != 200 || !strings.Contains(r.body, "%PDF") {
			t.Errorf("%s own report: %d", login, r.code)
		}
	}
	// The standard profile runs no SQL.
	std := f.login(t, "std-a")
	if r := std.postJSON("/api/v1/query", map[string]string{"sql": "SELECT 1"}); r.code != 403 {
		t.Errorf("standard SQL: %d", r.code)
	}
	if r := std.get("/sql"); r.code != 403 {
		t.Errorf("standard SQL page: %d", r.code)
	}
	// Admin: accounts and audit, no young person's data.
	adm := f.login(t, "adm")
	for _, p := range []string{"/comptes", "/journal"} {
		if r := adm.get(p); r.code != 200 {
			t.Errorf("admin %s: %d", p, r.code)
		}
	}
	// The admin sees where an account's subscriptions go.
	if _, err := f.store.SetEmail(context.Background(), "std-a", "claire.martin@ml16.fr", "test", "cli"); err != nil {
		t.Fatal(err)
	}
	if r := adm.get("/comptes"); !strings.Contains(r.body, "claire.martin@ml16.fr") {
		t.Errorf("the accounts page does not show an account's email:\n%.2000s", r.body)
	}
	for _, p := range []string{"/api/v1/findings", "/api/v1/structures", "/constats", "/asp", "/api/v1/asp"} {
		if r := adm.get(p); r.code != 403 {
			t.Errorf("admin %s: %d", p, r.code)
		}
	}
	if r := adm.postJSON("/api/v1/query", map[string]string{"sql": "SELECT 1"}); r.code != 403 {
		t.Errorf("admin SQL: %d", r.code)
	}
}

func TestAvanceSQLSeesOnlyItsStructure(t *testing.T) {
	f := newFixture(t)
	av := f.login(t, "av-a")
	ana := f.login(t, "ana")
	query := func(c *client, sql string) resp {
		t.Helper()
		return c.postJSON("/api/v1/query", map[string]string{"sql": sql})
	}
	// Positive control: the analyst sees both structures through SQL.
	if r := query(ana, "SELECT DISTINCT code_structure FROM dossiers ORDER BY 1"); r.code != 200 || !strings.Contains(r.body, structB) {
		t.Fatalf("analyst: %d %s", r.code, r.body)
	}
	r := query(av, "SELECT DISTINCT code_structure FROM dossiers ORDER BY 1")
	if r.code != 200 || r.body != `{"columns":["code_structure"],"rows":[["ML-16001"]]}`+"\n" {
		t.Fatalf("avance: %d %s", r.code, r.body)
	}
	// The tables of the second wave of rules: the analyst sees B's rows, the
	// avance account of A its own rows and none of B's.
	ownRows := []string{
		"SELECT * FROM zones_couverture",
		"SELECT * FROM j2_entrepreneurs",
		"SELECT * FROM j2_parcours",
		"SELECT * FROM j2_actions",
		"SELECT * FROM j2_participations",
		"SELECT * FROM identity_changes",
		"SELECT * FROM rafael_sent",
		"SELECT id_dossier, niveau_formation FROM dossiers",
		"SELECT * FROM situations WHERE origine = 'rafael'",
		"SELECT p.* FROM j2_participations p JOIN j2_actions a USING (id_action)",
		// TER-01 for the shared commune 16015: its detail names the other structure
		"SELECT code_structure, id_lie, detail FROM findings WHERE rule = 'TER-01'",
	}
	for _, q := range ownRows {
		if r := query(ana, q); r.code != 200 || (hasAnyMarker(r.body) == "" && !strings.Contains(q, "niveau_formation")) {
			t.Errorf("positive control, analyst %s: %d %.300s", q, r.code, r.body)
		}
		r := query(av, q)
		if r.code != 200 || !strings.Contains(r.body, "16") {
			t.Errorf("avance %s: %d %.300s", q, r.code, r.body)
		}
		if m := hasAnyMarker(r.body); m != "" {
			t.Errorf("avance %s: shows %q of B: %.300s", q, m, r.body)
		}
	}
	wh, _ := filepath.Abs(f.wh)
	csv, _ := filepath.Abs(filepath.Join(extraction, "dossiers.csv"))
	attacks := []string{
		"SELECT * FROM dossiers WHERE code_structure = 'ML-17002'",
		"SELECT * FROM dossiers WHERE id_dossier LIKE 'D17%'",
		"SELECT * FROM structures",
		"SELECT * FROM lieux",
		"SELECT * FROM utilisateurs",
		"SELECT * FROM rendez_vous",
		"SELECT * FROM findings",
		"SELECT * FROM indicator_rdv",
		"SELECT * FROM quarantine",
		"SELECT * FROM runs",
		"SELECT * FROM src.main.dossiers",
		"SELECT * FROM src.dossiers",
		"SELECT * FROM snapshot.main.dossiers",
		"SELECT * FROM memory.main.dossiers",
		"SELECT * FROM duckdb_databases()",
		"SELECT * FROM duckdb_tables()",
		"ATTACH '" + wh + "' AS w (READ_ONLY)",
		"ATTACH '" + wh + "' AS w (READ_ONLY); SELECT * FROM w.dossiers",
		"SELECT * FROM read_csv('" + csv + "')",
		"SELECT * FROM read_csv_auto('" + csv + "')",
		"SELECT * FROM read_text('" + csv + "')",
		"SELECT * FROM read_parquet('" + wh + "')",
		"SELECT * FROM glob('" + filepath.Dir(wh) + "/*')",
		"SELECT * FROM '" + csv + "'",
		"SET enable_external_access = true",
		"RESET enable_external_access",
		"SET lock_configuration = false",
		"PRAGMA database_list",
		"SELECT 1; SELECT * FROM dossiers",
		"COPY dossiers TO '/tmp/vigie-fuite.csv'",
		"CREATE TABLE x AS SELECT 1",
		"INSTALL httpfs",
		"LOAD httpfs",
		"EXPORT DATABASE '/tmp/vigie-fuite'",
		"SELECT * FROM dossiers UNION ALL SELECT * FROM src.dossiers",
		"WITH x AS (SELECT * FROM read_csv('" + csv + "')) SELECT * FROM x",
	}
	for _, a := range attacks {
		r := query(av, a)
		if r.code != 200 && r.code != 400 && r.code != 403 {
			t.Errorf("%s: %d %s", a, r.code, r.body)
		}
		if m := hasAnyMarker(r.body); m != "" {
			t.Errorf("%s: shows %q of B: %.300s", a, m, r.body)
		}
		if strings.Contains(r.body, wh) && !strings.Contains(a, wh) {
			t.Errorf("%s: shows the warehouse path", a)
		}
	}
	// Naming another structure, or one of its dossiers, is 403 (console.md:
	// « reached through SQL »); its own code, or an id no dossier has, runs.
	for _, c := range []struct {
		sql  string
		code int
	}{
		{"SELECT * FROM dossiers WHERE code_structure = 'ML-17002'", 403},
		{"SELECT * FROM dossiers WHERE code_structure = ' ml-17002 '", 403},
		{"SELECT count(*) FROM evenements WHERE id_dossier IN ('D16-001', 'D17-001')", 403},
		{"SELECT * FROM dossiers WHERE code_structure = '" + structA + "'", 200},
		{"SELECT * FROM dossiers WHERE id_dossier = 'D99-999'", 200},
		{"SELECT 'l''ML-17002 n''est pas un code' AS x", 200},
	} {
		r := query(av, c.sql)
		if r.code != c.code || (c.code == 403 && !strings.Contains(r.body, "autre structure")) {
			t.Errorf("%s: %d %s, want %d", c.sql, r.code, r.body, c.code)
		}
		attacks = append(attacks, c.sql) // audited as the others
	}
	if r := av.post("/sql", url.Values{"sql": {"SELECT * FROM dossiers WHERE id_dossier = 'D17-001'"}}); r.code != 403 {
		t.Errorf("SQL page naming B's dossier: %d", r.code)
	}
	attacks = append(attacks, "page")
	// After all that, the copy is still its own structure's and nothing was written.
	r = query(av, "SELECT count(*) FROM dossiers")
	if r.code != 200 || !strings.Contains(r.body, `[[4]]`) {
		t.Errorf("after the attacks: %d %s", r.code, r.body)
	}
	// The SQL page (form) runs over the same copy.
	page := av.post("/sql", url.Values{"sql": {"SELECT code_structure, id_dossier FROM dossiers"}})
	if page.code != 200 || !strings.Contains(page.body, "D16-001") || hasAnyMarker(page.body) != "" {
		t.Errorf("SQL page: %d", page.code)
	}
	// Every query is in the audit log.
	log, _, err := f.store.AuditLog(context.Background(), accounts.AuditFilter{Login: "av-a", Action: "requete_sql", Limit: 1000})
	// (the attacks, the own-rows queries, the first query, the count after the
	// attacks, the SQL page's)
	if want := len(attacks) + len(ownRows) + 3; err != nil || len(log) != want {
		t.Errorf("audit of SQL: %d lines, want %d (%v)", len(log), want, err)
	}
}

func TestSessionsExpireEndAndDisable(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "std-a")
	if r := c.get("/api/v1/me"); r.code != 200 || !strings.Contains(r.body, `"code_structure":"ML-16001"`) {
		t.Fatalf("me: %d %s", r.code, r.body)
	}
	// The cookie: HttpOnly, SameSite=Strict, not readable by scripts.
	login := f.client(t).do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {password}}, nil)
	sc := login.header.Get("Set-Cookie")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") {
		t.Errorf("cookie: %s", sc)
	}
	if m := regexp.MustCompile(`vigie_session=([^;]+)`).FindStringSubmatch(sc); m == nil || len(m[1]) < 22 {
		t.Errorf("session token under 128 bits: %s", sc)
	}
	// 29 minutes idle: still in; 31: out.
	f.clock.Add(29 * time.Minute)
	if r := c.get("/api/v1/me"); r.code != 200 {
		t.Fatalf("after 29 min: %d", r.code)
	}
	f.clock.Add(31 * time.Minute)
	if r := c.get("/api/v1/me"); r.code != 401 {
		t.Errorf("after 31 min idle: %d", r.code)
	}
	if r := c.get("/"); r.code != 303 || r.location != "/login" {
		t.Errorf("page after expiry: %d %s", r.code, r.location)
	}
	// Logout ends the session server-side: the old cookie is refused.
	c = f.login(t, "std-a")
	jarCookies := c.hc.Jar.Cookies(mustURL(f.ts.URL))
	if r := c.post("/logout", nil); r.code != 303 {
		t.Fatalf("logout: %d", r.code)
	}
	replay := f.client(t)
	replay.hc.Jar.SetCookies(mustURL(f.ts.URL), jarCookies)
	if r := replay.get("/api/v1/me"); r.code != 401 {
		t.Errorf("replayed cookie after logout: %d", r.code)
	}
	// Disabled from another process (vigie users): out at the next request.
	c = f.login(t, "std-a")
	other, err := accounts.Open(context.Background(), filepath.Join(f.wh+".console", accounts.FileName), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetDisabled(context.Background(), "std-a", true, "test", "cli"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if r := c.get("/api/v1/me"); r.code != 401 || time.Since(start) > time.Second {
		t.Errorf("disabled account: %d after %s", r.code, time.Since(start))
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestCSRFAndTokens(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "ana")
	for _, form := range []url.Values{{"sql": {"SELECT 1"}}, {"sql": {"SELECT 1"}, "csrf": {"faux"}}} {
		if r := c.do(http.MethodPost, "/sql", form, nil); r.code != 403 {
			t.Errorf("SQL form without a good CSRF token: %d", r.code)
		}
	}
	if r := c.post("/sql", url.Values{"sql": {"SELECT 1 AS un"}}); r.code != 200 {
		t.Errorf("SQL form with the token: %d", r.code)
	}
	// JSON API from a browser session: the header carries the token.
	noToken := *c
	noToken.csrf = ""
	if r := noToken.postJSON("/api/v1/query", map[string]string{"sql": "SELECT 1"}); r.code != 403 {
		t.Errorf("API POST from a session without CSRF: %d", r.code)
	}
	if r := c.do(http.MethodPost, "/logout", url.Values{}, nil); r.code != 403 {
		t.Errorf("logout without CSRF: %d", r.code)
	}
	// A token call needs no CSRF, and is never held back by the CGU page.
	tok, err := f.store.NewAccessToken(context.Background(), "exp", 0, "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	bc := f.client(t)
	bc.bearer = tok
	if r := bc.postJSON("/api/v1/query", map[string]string{"sql": "SELECT count(*) AS n FROM structures"}); r.code != 200 || !strings.Contains(r.body, `[[2]]`) {
		t.Errorf("token query: %d %s", r.code, r.body)
	}
	if r := bc.get("/api/v1/me"); r.code != 200 || !strings.Contains(r.body, `"profil":"expert"`) || !strings.Contains(r.body, `"code_structure":null`) {
		t.Errorf("token me: %d %s", r.code, r.body)
	}
	bc.bearer = tok + "x"
	if r := bc.get("/api/v1/me"); r.code != 401 || !strings.Contains(r.body, `"error"`) {
		t.Errorf("bad token: %d %s", r.code, r.body)
	}
	if err := f.store.RevokeTokens(context.Background(), "exp", "test", "test"); err != nil {
		t.Fatal(err)
	}
	bc.bearer = tok
	if r := bc.get("/api/v1/me"); r.code != 401 {
		t.Errorf("revoked token: %d", r.code)
	}
}

func TestLoginLockoutAndSameAnswer(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	unknown := c.do(http.MethodPost, "/login", url.Values{"login": {"personne"}, "password": {password}}, nil)
	wrong := c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {"mauvais mot de passe"}}, nil)
	if unknown.code != 401 || wrong.code != 401 || unknown.body != wrong.body {
		t.Fatalf("unknown login %d / wrong password %d: the answers differ", unknown.code, wrong.code)
	}
	for range 4 {
		c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {"mauvais mot de passe"}}, nil)
	}
	locked := c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {password}}, nil)
	if locked.code != 401 || locked.body != wrong.body {
		t.Errorf("locked account: %d", locked.code)
	}
	f.clock.Add(15 * time.Minute)
	if r := c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {password}}, nil); r.code != 303 {
		t.Errorf("after 15 min: %d", r.code)
	}
	log, _, _ := f.store.AuditLog(context.Background(), accounts.AuditFilter{Login: "std-a", Limit: 100})
	n := map[string]int{}
	for _, e := range log {
		n[e.Action]++
		if e.Adresse != "127.0.0.1" {
			t.Errorf("audit address %q", e.Adresse)
		}
	}
	if n["echec_connexion"] != 5 || n["connexion"] != 1 || n["echec_connexion_compte_bloque"] != 1 {
		t.Errorf("audit: %v", n)
	}
}

func TestCGUAndPasswordGates(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {password}}, nil)
	for _, p := range []string{"/", "/constats", "/asp"} {
		if r := c.get(p); r.code != 303 || r.location != "/cgu" {
			t.Errorf("%s before the CGU: %d %s", p, r.code, r.location)
		}
	}
	if r := c.get("/api/v1/me"); r.code != 403 {
		t.Errorf("API from a session before the CGU: %d", r.code)
	}
	m := csrfRe.FindStringSubmatch(c.get("/cgu").body)
	c.csrf = m[1]
	if r := c.post("/cgu", url.Values{}); r.code != 400 {
		t.Errorf("CGU not ticked: %d", r.code)
	}
	c.post("/cgu", url.Values{"accepte": {"oui"}})
	if r := c.get("/"); r.code != 200 {
		t.Fatalf("home after the CGU: %d", r.code)
	}
	if ok, _ := f.store.AcceptedCGU(context.Background(), "std-a", CGUVersion); !ok {
		t.Error("acceptance not recorded")
	}
	// A new version: accepted again.
	f.srv.cfg.CGUVersion = "2027-01"
	if r := c.get("/"); r.code != 303 || r.location != "/cgu" {
		t.Errorf("new CGU version: %d %s", r.code, r.location)
	}
	c.post("/cgu", url.Values{"accepte": {"oui"}})
	// 90 days later the password must change first, and nothing else opens.
	f.clock.Add(90 * 24 * time.Hour)
	c = f.client(t)
	c.do(http.MethodPost, "/login", url.Values{"login": {"std-a"}, "password": {password}}, nil)
	for _, p := range []string{"/", "/constats", "/asp", "/cgu"} {
		if r := c.get(p); r.code != 303 || r.location != "/mot-de-passe" {
			t.Errorf("%s with an old password: %d %s", p, r.code, r.location)
		}
	}
	pg := c.get("/mot-de-passe")
	c.csrf = csrfRe.FindStringSubmatch(pg.body)[1]
	f.srv.cfg.CGUVersion = "2027-06"
	if r := c.post("/cgu", url.Values{"accepte": {"oui"}}); r.code != 303 || r.location != "/mot-de-passe" {
		t.Errorf("CGU accepted with an old password: %d %s", r.code, r.location)
	}
	if ok, _ := f.store.AcceptedCGU(context.Background(), "std-a", "2027-06"); ok {
		t.Error("an acceptance was recorded before the password change")
	}
	f.srv.cfg.CGUVersion = "2027-01"
	for _, bad := range []url.Values{
		{"actuel": {password}, "nouveau": {"court"}, "confirmation": {"court"}},
		{"actuel": {password}, "nouveau": {password}, "confirmation": {password}},
		{"actuel": {"faux-mot-de-passe"}, "nouveau": {"un-nouveau-mot-de-passe"}, "confirmation": {"un-nouveau-mot-de-passe"}},
		{"actuel": {password}, "nouveau": {"un-nouveau-mot-de-passe"}, "confirmation": {"un-autre-mot-de-passe"}},
	} {
		if r := c.post("/mot-de-passe", bad); r.code != 400 {
			t.Errorf("password change %v: %d", bad, r.code)
		}
	}
	if r := c.post("/mot-de-passe", url.Values{"actuel": {password}, "nouveau": {"un-nouveau-mot-de-passe"}, "confirmation": {"un-nouveau-mot-de-passe"}}); r.code != 303 {
		t.Fatalf("password change: %d %s", r.code, r.body)
	}
	if r := c.get("/"); r.code != 200 {
		t.Errorf("home after the change: %d %s", r.code, r.location)
	}
}

var attrRe = regexp.MustCompile(`(?i)(src|href|action)\s*=\s*"([^"]*)"`)

func TestHeadersAndNothingFromOutside(t *testing.T) {
	f := newFixture(t)
	ana := f.login(t, "ana")
	av := f.login(t, "av-a")
	pages := []string{"/", "/constats", "/constats?famille=PCJ&gravite=erreur", "/dossiers/D16-001", "/asp", "/sql",
		"/rapports", "/region/executions", "/region/executions/1", "/region/livraisons", "/region/planification", "/journal"}
	check := func(c *client, p string) {
		r := c.get(p)
		if r.code != 200 {
			t.Errorf("%s: %d", p, r.code)
			return
		}
		h := r.header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s CSP: %q", p, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if h.Get(k) != v {
				t.Errorf("%s %s: %q", p, k, h.Get(k))
			}
		}
		if strings.Contains(r.body, "<script") || strings.Contains(r.body, " style=") || strings.Contains(r.body, "<style") {
			t.Errorf("%s holds an inline script or style", p)
		}
		for _, m := range attrRe.FindAllStringSubmatch(r.body, -1) {
			v := m[2]
			if !(strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//")) && !strings.HasPrefix(v, "?") && !strings.HasPrefix(v, "#") && v != "http://www.w3.org/2000/svg" {
				t.Errorf("%s references %q", p, v)
			}
		}
	}
	for _, p := range pages {
		check(ana, p)
	}
	for _, p := range []string{"/", "/constats", "/asp", "/sql"} {
		check(av, p)
	}
	if r := f.client(t).get("/login"); r.header.Get("Content-Security-Policy") == "" {
		t.Error("login page without CSP")
	}
	if r := f.client(t).get("/healthz"); r.code != 200 || r.body != "ok" {
		t.Errorf("healthz: %d %q", r.code, r.body)
	}
}

func TestAPIStatusCodesAndFindings(t *testing.T) {
	f := newFixture(t)
	anon := f.client(t)
	for _, p := range []string{"/api/v1/me", "/api/v1/findings", "/api/v1/structures", "/api/v1/asp"} {
		if r := anon.get(p); r.code != 401 || !strings.HasPrefix(r.body, `{"error":`) {
			t.Errorf("anonymous %s: %d %s", p, r.code, r.body)
		}
	}
	ana := f.login(t, "ana")
	for _, p := range []string{"/api/v1/findings?limit=abc", "/api/v1/findings?gravite=grave", "/api/v1/findings?as_of=23/11/2026",
		"/api/v1/findings?suivi=x", "/api/v1/findings?structure=ML%27%3B", "/api/v1/findings?limit=-1", "/api/v1/asp?as_of=demain"} {
		if r := ana.get(p); r.code != 400 || !strings.HasPrefix(r.body, `{"error":`) {
			t.Errorf("%s: %d %s", p, r.code, r.body)
		}
	}
	if r := ana.get("/api/v1/inconnu"); r.code != 404 {
		t.Errorf("unknown route: %d", r.code)
	}
	if r := ana.get("/dossiers/D99-999"); r.code != 404 {
		t.Errorf("unknown dossier: %d", r.code)
	}
	var all struct {
		AsOf  string `json:"as_of"`
		Total int    `json:"total"`
		Items []map[string]any
	}
	r := ana.get("/api/v1/findings?limit=1000")
	if err := json.Unmarshal([]byte(r.body), &all); err != nil || all.AsOf != "2026-11-23" || all.Total == 0 || len(all.Items) != all.Total {
		t.Fatalf("findings: %v %s", err, r.body)
	}
	keys := []string{"rule", "gravite", "code_structure", "objet", "id_objet", "id_dossier", "detail", "suivi"}
	for _, k := range keys {
		if _, ok := all.Items[0][k]; !ok {
			t.Errorf("item without %s", k)
		}
	}
	// Paging covers every item once; filters narrow.
	seen := map[string]bool{}
	for off := 0; off < all.Total; off += 2 {
		var pg struct{ Items []map[string]any }
		_ = json.Unmarshal([]byte(ana.get("/api/v1/findings?limit=2&offset="+itoa(off)).body), &pg)
		for _, it := range pg.Items {
			seen[it["rule"].(string)+it["id_objet"].(string)+it["code_structure"].(string)+it["detail"].(string)] = true
		}
	}
	if len(seen) != all.Total {
		t.Errorf("paging saw %d distinct of %d", len(seen), all.Total)
	}
	var narrowed struct {
		Total int
		Items []map[string]any
	}
	_ = json.Unmarshal([]byte(ana.get("/api/v1/findings?structure=ML-17002&gravite=erreur&limit=1000").body), &narrowed)
	for _, it := range narrowed.Items {
		if it["code_structure"] != structB || it["gravite"] != "erreur" {
			t.Errorf("filtered item %v", it)
		}
	}
	if narrowed.Total >= all.Total {
		t.Errorf("filter did not narrow: %d of %d", narrowed.Total, all.Total)
	}
	// An earlier as_of reads the earlier run.
	var early struct {
		AsOf string `json:"as_of"`
	}
	_ = json.Unmarshal([]byte(ana.get("/api/v1/findings?as_of=2026-11-20").body), &early)
	if early.AsOf != "2026-11-16" {
		t.Errorf("as_of 2026-11-20 read the run of %s", early.AsOf)
	}
	var sts []map[string]string
	_ = json.Unmarshal([]byte(ana.get("/api/v1/structures").body), &sts)
	if len(sts) != 2 || sts[0]["code_structure"] != structA || sts[0]["nom"] == "" {
		t.Errorf("structures: %v", sts)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestNewFamiliesDashboards: the dashboards of the families of issue 14 list
// their findings for the region, and a structure account of A sees A's only.
func TestNewFamiliesDashboards(t *testing.T) {
	f := newFixture(t)
	ana := f.login(t, "ana")
	std := f.login(t, "std-a")
	for _, c := range []struct {
		family   string
		ofA, ofB []string
		other    string
	}{
		{"ACR", []string{"ACR-02", "ACR-03", "ACR-05", "J2-16-P1", "J2-16-A1", "J2-16-E1"}, []string{"J2-17-P1", "J2-17-A1", "J2-17-E1"}, "RAF-01"},
		{"RAF", []string{"RAF-01", "RAF-02", "S16-9"}, []string{"S17-9"}, "ACR-02"},
		// Commune 16015 is in A's and B's coverage: the region reads whom
		// TER-01 names (rules.md), A reads that another structure covers it.
		{"TER", []string{"TER-01", "La commune 16015 est aussi dans la zone de couverture"}, []string{"de ML-17002 :", "de ML-16001 :"}, "RAF-01"},
	} {
		for _, p := range []string{"/constats?famille=" + c.family, "/api/v1/findings?limit=1000&famille=" + c.family} {
			r := ana.get(p)
			if strings.Contains(r.body, c.other) && strings.HasPrefix(p, "/constats") {
				t.Errorf("analyst %s shows %s of another family", p, c.other)
			}
			for _, want := range append(append([]string{}, c.ofA...), c.ofB...) {
				if r.code != 200 || !strings.Contains(r.body, want) {
					t.Errorf("analyst %s: %d, %q missing", p, r.code, want)
				}
			}
			r = std.get(p)
			if c.family == "TER" && !strings.Contains(r.body, "au moins une autre Mission Locale de la région") {
				t.Errorf("std-a %s: TER-01's detail does not say another structure covers the commune", p)
			}
			for _, want := range c.ofA {
				if r.code != 200 || !strings.Contains(r.body, want) {
					t.Errorf("std-a %s: %d, %q missing", p, r.code, want)
				}
			}
			if m := hasAnyMarker(r.body); m != "" {
				t.Errorf("std-a %s shows %q of B", p, m)
			}
		}
	}
}
