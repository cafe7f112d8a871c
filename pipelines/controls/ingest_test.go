package controls

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestFromExtraction loads a small extraction (French dates, codes as i-milo
// writes them, lists, SIRETs with spaces) through the ingestion and checks
// the findings and the ASP list built on it.
func TestFromExtraction(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	ctx := context.Background()
	ir, err := ingested(t, ctx, w, filepath.Join("..", "..", "testdata", "controls", "extraction"), ingest.Options{})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if ir.Quarantined != 0 {
		t.Fatalf("ingest quarantined %d rows: %+v", ir.Quarantined, ir.Samples)
	}
	res := runAt(t, w, "2026-11-23")
	found := index(res.Findings)
	cases := []struct {
		rule, id, want string
	}{
		{"PCJ-01", "C1", "erreur"}, // PACEA exit on the CEJ entry day
		{"PCJ-01", "C2", ""},       // PACEA exit the day before
		{"PCJ-02", "C1", ""},
		{"DOS-04", "D1", "erreur"}, // "2A" alone is no NIR
		{"DOS-04", "D2", ""},       // valid Corsican NIR
		{"DOS-03", "D3", "alerte"},
		{"DOS-03", "D2", ""},
		{"SIE-02", "PA1", ""}, // La Poste, digit sum 45
		{"SIE-02", "PA2", "erreur"},
		{"SIE-01", "PA2", "alerte"},
		{"USR-01", "U2", "erreur"},
		{"USR-01", "U3", "erreur"},
		{"USR-05", "U3", "alerte"},
		{"USR-03", "U3", "erreur"},
		{"USR-03", "U1", ""},
		{"PAC-05", "P3", ""},
	}
	for _, c := range cases {
		f, ok := found[c.rule+"|"+c.id]
		switch {
		case c.want == "" && ok:
			t.Errorf("%s: unexpected %s finding: %s", c.id, c.rule, f.Detail)
		case c.want != "" && !ok:
			t.Errorf("%s: missing %s finding", c.id, c.rule)
		case ok && f.Gravite != c.want:
			t.Errorf("%s: %s gravité %s, want %s", c.id, c.rule, f.Gravite, c.want)
		}
	}
	asp, err := WeeklyASP(ctx, w, date("2026-11-23"), "ML-16001")
	if err != nil {
		t.Fatal(err)
	}
	if len(asp) != 1 || asp[0].IDDispositif != "P1" || asp[0].NumeroCerfa != "CERFA-001" ||
		asp[0].DateEntreeCEJ.Format("2006-01-02") != "2026-11-10" || asp[0].DateNaissance.Format("2006-01-02") != "2000-02-29" {
		t.Errorf("ASP list: %+v", asp)
	}
}
