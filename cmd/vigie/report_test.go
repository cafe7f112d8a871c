package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	out := t.TempDir()
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	if code, _, errs := runVigie(t, "--warehouse", wh, "controls", "--as-of", "2026-11-23"); code != 0 {
		t.Fatalf("controls: exit %d: %s", code, errs)
	}
	code, stdout, errs := runVigie(t, "--warehouse", wh, "report", "--as-of", "2026-11-23", "--out", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	for _, p := range []string{
		"ML-16001/2026-11-23/tableau-de-bord-ML-16001-2026-11-23.pdf",
		"ML-16001/2026-11-23/classeur-ML-16001-2026-11-23.xlsx",
		"ML-17002/2026-11-23/liste-asp-ML-17002-2026-11-23.pdf",
		"region/2026-11-23/synthese-regionale-2026-11-23.pdf",
		"region/2026-11-23/classeur-regional-2026-11-23.xlsx",
	} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if !strings.Contains(stdout, "ML-16001: ") || !strings.Contains(stdout, "région: 2 structures") {
		t.Errorf("stdout: %s", stdout)
	}
	// What the command prints names no young person.
	for _, name := range []string{"Chloé", "Lefèvre", "Kévin", "Saintongeais", "2005"} {
		if strings.Contains(stdout+errs, name) {
			t.Errorf("output holds %q", name)
		}
	}

	asp := t.TempDir()
	if code, _, errs := runVigie(t, "--warehouse", wh, "report", "asp", "--as-of", "2026-11-23", "--structure", "ML-17002", "--out", asp, "-q"); code != 0 {
		t.Fatalf("report asp: exit %d: %s", code, errs)
	}
	entries, _ := os.ReadDir(filepath.Join(asp, "ML-17002", "2026-11-23"))
	if len(entries) != 1 || entries[0].Name() != "liste-asp-ML-17002-2026-11-23.pdf" {
		t.Errorf("report asp wrote %v", entries)
	}

	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"report", "--as-of", "2026-11-23"}, 2},                                       // no --out
		{[]string{"report", "--as-of", "23/11/2026", "--out", out}, 2},                         // bad date
		{[]string{"report", "--as-of", "2026-11-23", "--structure", "../x", "--out", out}, 2},  // bad code
		{[]string{"report", "--as-of", "2026-11-23", "--structure", "ML-99", "--out", out}, 1}, // unknown structure
		{[]string{"report", "--region-only", "--structure", "ML-16001", "--out", out}, 2},
	} {
		if code, _, errs := runVigie(t, append([]string{"--warehouse", wh}, c.args...)...); code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "..", "x")); err == nil {
		t.Error("a bad structure code made a folder")
	}
}
