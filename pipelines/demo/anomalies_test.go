package demo

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// findingsByFamily generates a region with the anomaly factor, ingests it,
// runs every control and counts the findings of each rule family.
func findingsByFamily(t *testing.T, scale, factor float64) map[string]int {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	extraction := filepath.Join(dir, "extraction")
	if _, err := Generate(ctx, extraction, Options{Scale: scale, Seed: 7, AsOf: testAsOf, AnomalyFactor: factor}); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := recorded.Ingest(t, ctx, w, extraction, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: testAsOf})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, f := range res.Findings {
		fam, _, _ := strings.Cut(f.Rule, "-")
		n[fam]++
		n[f.Rule]++
	}
	return n
}

// drawnFamilies are the rule families whose findings come from anomalies
// drawn row by row; fixedFamilies those placed in the region's fixed part.
var (
	drawnFamilies = []string{"RDV", "FOR", "PCJ", "SIE", "PAC", "RAF"}
	fixedFamilies = []string{"RGS", "TER"}
)

// TestAnomalyFactorDoublesFindings: a region generated with
// AnomalyFactor 2 gives the controls about twice the findings of the demo's
// region in every family whose anomalies are drawn row by row, and the same
// in the families of the region's fixed part.
func TestAnomalyFactorDoublesFindings(t *testing.T) {
	t.Parallel()
	one, two := findingsByFamily(t, 0.02, 1), findingsByFamily(t, 0.02, 2)
	var sum1, sum2 int
	for _, fam := range drawnFamilies {
		sum1, sum2 = sum1+one[fam], sum2+two[fam]
		if r := float64(two[fam]) / float64(one[fam]); one[fam] == 0 || r < 1.5 || r > 3.5 {
			t.Errorf("%s: %d findings at factor 2 against %d at factor 1, want about twice", fam, two[fam], one[fam])
		}
	}
	if r := float64(sum2) / float64(sum1); r < 1.8 || r > 2.5 {
		t.Errorf("families %v: %d findings at factor 2 against %d at factor 1 (%.2f×), want 1.8× to 2.5×", drawnFamilies, sum2, sum1, r)
	}
	for _, fam := range fixedFamilies {
		if one[fam] == 0 || two[fam] != one[fam] {
			t.Errorf("%s: %d findings at factor 2 against %d at factor 1, want the same (the region's fixed part)", fam, two[fam], one[fam])
		}
	}
	t.Logf("families %v: %d findings at factor 1, %d at factor 2", drawnFamilies, sum1, sum2)
}

// TestAnomalyFactorOneIsTheDemo: factor 1 and the zero value give the
// demo's files byte for byte, factor 2 other ones; a factor out of range
// is refused.
func TestAnomalyFactorOneIsTheDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	gen := func(factor float64) map[string]string {
		dir := t.TempDir()
		if _, err := Generate(ctx, dir, Options{Scale: 0.005, Seed: 3, AsOf: testAsOf, AnomalyFactor: factor}); err != nil {
			t.Fatal(err)
		}
		return hashes(t, dir)
	}
	demo, one, two := gen(0), gen(1), gen(2)
	for name, h := range demo {
		if one[name] != h {
			t.Errorf("%s: factor 1 differs from the demo", name)
		}
	}
	if two["dossiers.csv"] == demo["dossiers.csv"] || two["situations.csv"] == demo["situations.csv"] {
		t.Error("factor 2 gave the demo's dossiers or situations")
	}
	for _, f := range []float64{-1, MaxAnomalyFactor + 1, math.NaN()} {
		if _, err := Generate(ctx, t.TempDir(), Options{Scale: 0.005, AsOf: testAsOf, AnomalyFactor: f}); err == nil {
			t.Errorf("anomaly factor %v accepted", f)
		}
	}
}
