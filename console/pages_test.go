package console

import (
	"strings"
	"testing"
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
