package reports

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpreadsheetCSV: text cells a spreadsheet would evaluate are written as
// text; numbers, dates and plain text are unchanged; the file reads back
// with ';', a byte-order mark and mode 0600.
func TestSpreadsheetCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "export.csv")
	rows := [][]any{
		{"=HYPERLINK(\"http://x\",\"clic\")", -5, 0.25, day("2026-11-23")},
		{"+33 6 12", int64(-1234), -0.5, nil},
		{"-2", 0, 1.0, "@SUM(A1)"},
		{"\tcmd", 7, 2.5, "Réorientation ; « a abandonné »"},
		{"ML-16001", 12, 3.0, "D1"},
	}
	if err := WriteSpreadsheetCSV(path, []string{"Texte", "Nombre", "Taux", "Autre"}, rows); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", st, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\ufeff") {
		t.Error("no byte-order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Texte", "Nombre", "Taux", "Autre"},
		{"'=HYPERLINK(\"http://x\",\"clic\")", "-5", "0,25", "23/11/2026"},
		{"'+33 6 12", "-1234", "-0,5", ""},
		{"'-2", "0", "1", "'@SUM(A1)"},
		{"'\tcmd", "7", "2,5", "Réorientation ; « a abandonné »"},
		{"ML-16001", "12", "3", "D1"},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, recs[i], want[i])
		}
	}
	// Every text cell that starts with a formula character was neutralised.
	for _, rec := range recs {
		for _, c := range rec {
			if c != "" && strings.ContainsRune("=+@\t", rune(c[0])) {
				t.Errorf("cell %q would be evaluated", c)
			}
		}
	}
}
