package main

import (
	"path/filepath"
	"testing"
)

// TestCSVOnStandardOutputIsExact: --format csv on standard output is read by
// scripts, not by a spreadsheet: a text starting with =, +, - or @ comes out
// exactly as stored, unlike the CSV files written for a spreadsheet
// (reports.SpreadsheetCSV).
func TestCSVOnStandardOutputIsExact(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	code, out, errs := runVigie(t, "--warehouse", wh, "query", "--format", "csv",
		`SELECT '=1+1' AS formule, '+33 6' AS tel, '@a' AS arobase, '-x' AS tiret, -5 AS n, 0.25 AS r`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "formule,tel,arobase,tiret,n,r\r\n=1+1,+33 6,@a,-x,-5,0.25\r\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}
