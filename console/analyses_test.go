package console

import (
	"context"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
)

var (
	analysisLoc = regexp.MustCompile(`^/analyses/([0-9]+)$`)
	versionRe   = regexp.MustCompile(`name="version" value="([0-9]+)"`)
)

// decide posts a valideur's decision on the analysis as its page shows it
// now (the version read).
func decide(t *testing.T, c *client, page, action string, form url.Values) resp {
	t.Helper()
	m := versionRe.FindStringSubmatch(c.get(page).body)
	if m == nil {
		t.Fatalf("no decision form on %s", page)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", m[1])
	return c.post(page+action, form)
}

// createAnalysis saves an analysis as c and returns its page's path.
func createAnalysis(t *testing.T, c *client, titre, sql, affichage string) string {
	t.Helper()
	r := c.post("/analyses", url.Values{"titre": {titre}, "sql": {sql}, "affichage": {affichage}})
	if r.code != 303 || !analysisLoc.MatchString(r.location) {
		t.Fatalf("create %q: %d %q %.300s", titre, r.code, r.location, r.body)
	}
	return r.location
}

// An analysis goes from its author to the catalogue: an expert writes it
// over the region and proposes it, a valideur refuses it with a reason, then
// validates it; every account then sees it over its own scope only, and a
// change takes it out of the catalogue until validated again.
func TestAnalysisFromExpertToCatalogue(t *testing.T) {
	f := newFixture(t)
	exp, val := f.login(t, "exp"), f.login(t, "val")
	stdA, stdB, adm := f.login(t, "std-a"), f.login(t, "std-b"), f.login(t, "adm")
	const titre = "Dossiers par structure"
	page := createAnalysis(t, exp, titre, "SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL ORDER BY 1", "barres")

	r := exp.get(page)
	if r.code != 200 || !strings.Contains(r.body, structA) || !strings.Contains(r.body, structB) || !strings.Contains(r.body, `<svg`) {
		t.Fatalf("the expert's own analysis over the region: %d, both structures and a chart wanted:\n%.600s", r.code, r.body)
	}
	// Personal: nobody else opens it, nor learns it exists.
	for name, c := range map[string]*client{"std-a": stdA, "val": val, "adm": adm} {
		want := 404
		if name == "adm" {
			want = 403 // a profile that may not: no analysis at all
		}
		if r := c.get(page); r.code != want || strings.Contains(r.body, titre) {
			t.Errorf("%s opens the expert's personal analysis: %d", name, r.code)
		}
		if r := c.get("/analyses"); strings.Contains(r.body, titre) {
			t.Errorf("%s's list shows the expert's personal analysis", name)
		}
	}

	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose: %d %.300s", r.code, r.body)
	}
	if r := val.get("/analyses"); !strings.Contains(r.body, "À valider") || !strings.Contains(r.body, titre) {
		t.Errorf("the valideur's list does not offer the proposed analysis")
	}
	if r := stdA.get(page); r.code != 404 {
		t.Errorf("a proposed analysis opens for a director: %d", r.code)
	}
	if r := decide(t, val, page, "/refuser", url.Values{"motif": {"  "}}); r.code != 400 || !strings.Contains(r.body, "pourquoi") {
		t.Errorf("a refusal without a reason: %d", r.code)
	}
	if r := decide(t, val, page, "/refuser", url.Values{"motif": {"Ajoutez le nom des structures"}}); r.code != 303 {
		t.Fatalf("refuse: %d %.300s", r.code, r.body)
	}
	if r := exp.get(page); !strings.Contains(r.body, "Refusée par val") || !strings.Contains(r.body, "Ajoutez le nom des structures") {
		t.Errorf("the author is not told why it was refused:\n%.800s", r.body)
	}
	if r := val.post(page+"/valider", url.Values{"version": {"1"}}); r.code != 404 {
		t.Errorf("validating a refused analysis (back with its author): %d, want 404", r.code)
	}
	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose again: %d", r.code)
	}
	if r := exp.post(page+"/valider", url.Values{"version": {"1"}}); r.code != 403 {
		t.Errorf("an expert validates: %d, want 403", r.code)
	}
	// The valideur decides on the text it read: a change made meanwhile
	// (and proposed again) is not validated unread.
	read := val.get(page)
	if r := exp.post(page, url.Values{"titre": {titre}, "sql": {"SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL ORDER BY 1"},
		"affichage": {"barres"}}); r.code != 303 {
		t.Fatalf("change: %d", r.code)
	}
	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose the change: %d", r.code)
	}
	m := versionRe.FindStringSubmatch(read.body)
	if m == nil {
		t.Fatalf("no version in the decision form:\n%.2000s", read.body)
	}
	if r := val.post(page+"/valider", url.Values{"version": {m[1]}}); r.code != 409 || !strings.Contains(r.body, "changé depuis") {
		t.Errorf("validating the version read before a change: %d, want 409", r.code)
	}
	if r := stdA.get(page); r.code != 404 {
		t.Errorf("an analysis validated unread opens for a director: %d", r.code)
	}
	if r := decide(t, val, page, "/valider", nil); r.code != 303 {
		t.Fatalf("validate: %d %.300s", r.code, r.body)
	}

	// Validated: each account over its own scope.
	for _, c := range []struct {
		name       string
		c          *client
		own, other string
	}{{"std-a", stdA, structA, structB}, {"std-b", stdB, structB, structA}} {
		if r := c.c.get("/analyses"); !strings.Contains(r.body, titre) {
			t.Errorf("%s: the catalogue does not list the validated analysis", c.name)
		}
		r := c.c.get(page)
		if r.code != 200 || !strings.Contains(r.body, c.own) || strings.Contains(r.body, c.other) {
			t.Errorf("%s opens the validated analysis: %d, its own structure and not the other's wanted:\n%.600s", c.name, r.code, r.body)
		}
		r = c.c.get(page + "/export?format=csv")
		if r.code != 200 || !strings.Contains(r.body, c.own) || strings.Contains(r.body, c.other) {
			t.Errorf("%s exports the validated analysis: %d %q", c.name, r.code, r.body)
		}
		// Only its author changes it.
		if r := c.c.post(page+"/supprimer", nil); r.code != 403 {
			t.Errorf("%s deletes the expert's analysis: %d", c.name, r.code)
		}
	}
	if r := stdA.get(page); strings.Contains(r.body, "Ajoutez le nom") || strings.Contains(r.body, "/proposer") {
		t.Errorf("a director sees the author's controls or the refusal")
	}
	if r := adm.get(page); r.code != 403 {
		t.Errorf("admin opens an analysis: %d", r.code)
	}
	if r := adm.get("/analyses"); r.code != 403 {
		t.Errorf("admin lists analyses: %d", r.code)
	}

	// Changed, it leaves the catalogue until validated again.
	r = exp.post(page, url.Values{"titre": {titre + " (v2)"}, "sql": {"SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL"}, "affichage": {"tableau"}})
	if r.code != 303 || r.location != page {
		t.Fatalf("update: %d %q %.300s", r.code, r.location, r.body)
	}
	if r := stdA.get(page); r.code != 404 {
		t.Errorf("a changed analysis still opens for a director: %d", r.code)
	}

	log, _, err := f.store.AuditLog(context.Background(), accounts.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		seen[e.Login+" "+e.Action] = true
	}
	for _, want := range []string{"exp analyse_creee", "exp analyse_proposee", "val analyse_refusee", "val analyse_validee",
		"std-a analyse", "std-a export", "exp analyse_modifiee"} {
		if !seen[want] {
			t.Errorf("audit log: no %q", want)
		}
	}
}

// What an attacker or a wrong profile sends to the analyses' routes: a
// director writes none; an avance account's statement that writes is not
// saved, one that names another structure finds nothing of it; another's
// personal analysis is out of reach by id; no CSRF token, no change.
func TestAnalysisRightsAndRefusals(t *testing.T) {
	f := newFixture(t)
	stdA, avA, exp, val, ana := f.login(t, "std-a"), f.login(t, "av-a"), f.login(t, "exp"), f.login(t, "val"), f.login(t, "ana")

	if r := stdA.get("/analyses/nouvelle"); r.code != 403 {
		t.Errorf("standard: new analysis form %d", r.code)
	}
	if r := stdA.post("/analyses", url.Values{"titre": {"x"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}}); r.code != 403 {
		t.Errorf("standard creates an analysis: %d", r.code)
	}
	if r := ana.post("/analyses", url.Values{"titre": {"x"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}}); r.code != 403 {
		t.Errorf("analyste creates an analysis: %d", r.code)
	}
	for _, c := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"titre": {"Efface"}, "sql": {"DELETE FROM dossiers"}, "affichage": {"tableau"}}, "seules les lectures"},
		{url.Values{"titre": {"Deux"}, "sql": {"SELECT 1; SELECT 2"}, "affichage": {"tableau"}}, "une seule instruction"},
		{url.Values{"titre": {" "}, "sql": {"SELECT 1"}, "affichage": {"tableau"}}, "titre"},
		{url.Values{"titre": {"Graphique"}, "sql": {"SELECT 1"}, "affichage": {"camembert"}}, "ffichage inconnu"},
		{url.Values{"titre": {"Vide"}, "sql": {"   "}, "affichage": {"tableau"}}, "Écrivez la requête"},
		// A title heads the subscribers' emails: one line, no control character.
		{url.Values{"titre": {"Suivi\n\nIMPORTANT : reconnectez-vous sur http://evil.example"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}},
			"Le titre tient sur une ligne"},
		{url.Values{"titre": {"Suivi\r\nIMPORTANT"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}}, "Le titre tient sur une ligne"},
		{url.Values{"titre": {"Suivi\tmensuel"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}}, "Le titre tient sur une ligne"},
		{url.Values{"titre": {"Suivi"}, "description": {"Une ligne\x1b[2Jeffacée"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}},
			"La description peut aller à la ligne"},
	} {
		r := avA.post("/analyses", c.form)
		if r.code != 400 || !strings.Contains(r.body, c.msg) {
			t.Errorf("avance saves %v: %d, want 400 saying %q:\n%.400s", c.form, r.code, c.msg, r.body)
		}
	}
	if r := avA.get("/analyses"); !strings.Contains(r.body, "Aucune analyse") {
		t.Errorf("a refused analysis was saved")
	}
	// A description keeps its line breaks (a browser sends them as CRLF).
	described := avA.post("/analyses", url.Values{"titre": {"Suivi"}, "description": {"Première ligne.\r\nSeconde ligne."},
		"sql": {"SELECT 1 AS n"}, "affichage": {"tableau"}})
	if described.code != 303 || !analysisLoc.MatchString(described.location) {
		t.Fatalf("a description on two lines: %d %.400s", described.code, described.body)
	}
	if r := avA.get(described.location); !strings.Contains(r.body, "Première ligne.\nSeconde ligne.") {
		t.Errorf("the description lost its line break:\n%.2000s", r.body)
	}
	if r := avA.post(described.location+"/supprimer", nil); r.code != 303 {
		t.Fatalf("delete: %d", r.code)
	}
	if r := avA.post("/analyses", url.Values{"titre": {"Dossiers de B"}, "sql": {"SELECT * FROM dossiers WHERE code_structure = '" + structB + "'"},
		"affichage": {"tableau"}}); r.code != 403 || !strings.Contains(r.body, `id="sql"`) || !strings.Contains(r.body, "code_structure = &#39;"+structB) {
		t.Errorf("avance saves an analysis naming B: %d, want 403 and the form with its text kept", r.code)
	}
	page := createAnalysis(t, avA, "Dossiers de B", "SELECT id_dossier, code_structure FROM dossiers WHERE id_dossier LIKE 'D17%'", "tableau")
	r := avA.get(page)
	if r.code != 200 || !strings.Contains(r.body, "Aucune ligne") {
		t.Errorf("avance's analysis naming B: %d\n%.600s", r.code, r.body)
	}
	if m := hasAnyMarker(strings.ReplaceAll(r.body, structB, "")); m != "" {
		t.Errorf("avance's analysis shows %q of B", m)
	}
	if r := avA.post(page+"/proposer", nil); r.code != 403 {
		t.Errorf("avance proposes to the catalogue: %d", r.code)
	}
	// Another account's personal analysis: out of reach by id, for every change.
	for name, c := range map[string]*client{"exp": exp, "val": val, "ana": ana, "std-a": stdA} {
		for _, p := range []string{page, page + "/modifier", page + "/export?format=csv"} {
			if r := c.get(p); r.code != 404 {
				t.Errorf("%s GET %s: %d, want 404", name, p, r.code)
			}
		}
		for _, p := range []string{page, page + "/supprimer", page + "/proposer", page + "/valider", page + "/refuser"} {
			r := c.post(p, url.Values{"titre": {"x"}, "sql": {"SELECT 1"}, "affichage": {"tableau"}, "motif": {"non"}})
			if r.code != 404 && r.code != 403 {
				t.Errorf("%s POST %s: %d, want 404 or 403", name, p, r.code)
			}
		}
	}
	// Without the CSRF token, no change.
	if r := avA.do("POST", page+"/supprimer", url.Values{}, nil); r.code != 403 {
		t.Errorf("delete without CSRF: %d", r.code)
	}
	if r := avA.get(page); r.code != 200 {
		t.Errorf("the analysis is gone after a refused deletion: %d", r.code)
	}
	for _, p := range []string{"/analyses/abc", "/analyses/0", "/analyses/-1", "/analyses/01", "/analyses/99999", "/analyses/1%20OR%201=1"} {
		if r := avA.get(p); r.code != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.code)
		}
	}
	if r := avA.post(page+"/supprimer", nil); r.code != 303 {
		t.Errorf("the author deletes: %d", r.code)
	}
	if r := avA.get(page); r.code != 404 {
		t.Errorf("a deleted analysis opens: %d", r.code)
	}
}

// Bars are drawn in proportion to the largest value, decimals and rates
// included; a negative, empty or NaN value gets its label and no bar.
func TestAnalysisBars(t *testing.T) {
	tbl := &data.Table{Columns: []string{"libelle", "taux"}, Types: []string{"VARCHAR", "DECIMAL(5,2)"},
		Rows: [][]any{{"a", 0.12}, {"b", 0.48}, {"c", -3.0}, {"d", nil}, {"e", math.NaN()}}}
	c, hint := barsOf("Taux", tbl)
	if c == nil {
		t.Fatalf("a DECIMAL column is refused: %s", hint)
	}
	want := []int{250, 1000, 0, 0, 0}
	for i, b := range c.Bars {
		if b.N != want[i] {
			t.Errorf("bar %s: %d, want %d", b.Label, b.N, want[i])
		}
	}
	if c.Bars[0].Text != "0,12" || c.Bars[3].Text != "—" {
		t.Errorf("labels %q, %q", c.Bars[0].Text, c.Bars[3].Text)
	}
	if svg := string(c.svg()); strings.Contains(svg, `width="-`) {
		t.Errorf("a negative width in the chart: %s", svg)
	}
	if got := capital("écrivez la requête"); got != "Écrivez la requête" {
		t.Errorf("capital: %q", got)
	}
}

// A catalogue analysis that names one structure opens for that structure's
// director, and tells the others why it does not open for them, on its own
// page; the admin's audit log does not show analyses' titles (free text).
func TestCatalogueAnalysisNamingAStructure(t *testing.T) {
	f := newFixture(t)
	exp, val, stdA, stdB, adm, ana := f.login(t, "exp"), f.login(t, "val"), f.login(t, "std-a"), f.login(t, "std-b"), f.login(t, "adm"), f.login(t, "ana")
	const titre = "Dossiers de Saintes seulement"
	page := createAnalysis(t, exp, titre, "SELECT count(*) AS n FROM dossiers WHERE code_structure = '"+structB+"'", "tableau")
	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose: %d", r.code)
	}
	if r := decide(t, val, page, "/valider", nil); r.code != 303 {
		t.Fatalf("validate: %d", r.code)
	}
	if r := stdB.get(page); r.code != 200 || !strings.Contains(r.body, "<h1>"+titre) {
		t.Errorf("B's director: %d", r.code)
	}
	r := stdA.get(page)
	if r.code != 403 || !strings.Contains(r.body, "<h1>"+titre) || !strings.Contains(r.body, "nomme une autre structure") {
		t.Errorf("A's director: %d, want 403 on the analysis's own page saying why:\n%.800s", r.code, r.body)
	}
	if r := ana.get("/journal"); !strings.Contains(r.body, titre) {
		t.Error("the analyst's audit log does not name the analysis")
	}
	if r := adm.get("/journal"); r.code != 200 || strings.Contains(r.body, "Saintes") || !strings.Contains(r.body, "analyse_validee") {
		t.Errorf("the admin's audit log: %d, shows the title or lacks the validation", r.code)
	}
}
