package console

import (
	"html"
	"strings"
	"testing"

	"github.com/arml-na/vigie/reports"
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
