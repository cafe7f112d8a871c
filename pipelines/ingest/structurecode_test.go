package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// A structure code names report folders and files: longer than 32
// characters (or with any other character than letters, digits, - and _)
// it is quarantined with its line, not loaded.
func TestIngestQuarantinesLongStructureCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	max32 := "ML-" + strings.Repeat("A", 29)
	long33 := "ML-" + strings.Repeat("B", 30)
	structures := basicFile(t, "structures.csv") + max32 + ";Trente-deux;16;;\n" + long33 + ";Trente-trois;16;;\n" + "ML/16;Barre;16;;\n"
	res, err := recorded(t, ctx, w, extraction(t, map[string]string{"structures.csv": structures}), Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if n := count(t, w, `SELECT count(*) FROM structures WHERE code_structure = ?`, max32); n != 1 {
		t.Errorf("a 32-character code was not loaded")
	}
	if n := count(t, w, `SELECT count(*) FROM quarantine WHERE run_id = ? AND column_name = 'code_structure' AND value IN (?, 'ML/16') AND line IN (5, 6) AND reason LIKE '%32 caractères%'`, res.RunID, long33); n != 2 {
		t.Errorf("%d of the 33-character and the ML/16 codes quarantined with their line and reason, want 2", n)
	}
}
