package main

import (
	"os"
	"os/exec"
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

	// The counsellors' lists of the structures named, and of those only.
	lists := t.TempDir()
	if code, _, errs := runVigie(t, "--warehouse", wh, "report", "--as-of", "2026-11-23", "--structure", "ML-16001", "--conseillers", "ML-16001", "--out", lists, "-q"); code != 0 {
		t.Fatalf("report --conseillers: exit %d: %s", code, errs)
	}
	counsellors, _ := filepath.Glob(filepath.Join(lists, "ML-16001", "2026-11-23", "conseillers", "*", "constats-*.pdf"))
	if len(counsellors) == 0 {
		t.Error("report --conseillers wrote no counsellor's list")
	}
	if others, _ := filepath.Glob(filepath.Join(out, "*", "2026-11-23", "conseillers")); len(others) != 0 {
		t.Errorf("report without --conseillers wrote %v", others)
	}
	for _, args := range [][]string{{"--conseillers", "ML 16001"}, {"--rien-a-signaler"}, {"--conseillers", "*", "--region-only"}} {
		if code, _, errs := runVigie(t, append([]string{"--warehouse", wh, "report", "--as-of", "2026-11-23", "--out", lists}, args...)...); code != 2 {
			t.Errorf("report %v: exit %d, want 2: %s", args, code, errs)
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

// TestWeeklyASPPDF: --pdf writes each structure's signed list (its own young
// people only) and still prints the contract's columns on stdout.
func TestWeeklyASPPDF(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	out := t.TempDir()
	code, stdout, errs := runVigie(t, "--warehouse", wh, "weekly-asp", "--as-of", "2026-11-23", "--format", "csv", "--pdf", out)
	if code != 0 {
		t.Fatalf("weekly-asp --pdf: exit %d: %s", code, errs)
	}
	if recs := readCSV(t, stdout); len(recs) < 2 || recs[0][0] != "code_structure" {
		t.Errorf("stdout is not the list: %q", stdout)
	}
	text := func(code string) string {
		p := filepath.Join(out, code, "2026-11-23", "liste-asp-"+code+"-2026-11-23.pdf")
		if !strings.Contains(errs, p) {
			t.Errorf("stderr does not name %s: %s", p, errs)
		}
		b, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", p, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s (poppler-utils): %v", p, err)
		}
		return string(b)
	}
	a, b := text("ML-16001"), text("ML-17002")
	for _, want := range []string{"Liste ASP", "Semaine du lundi 16/11/2026 au dimanche 22/11/2026", "D16-001", "Chloé", "Lefèvre",
		"28/02/2005", "CERFA-16-001", "Signature", "diffusion restreinte", "page 1/1"} {
		if !strings.Contains(a, want) {
			t.Errorf("ML-16001's list lacks %q", want)
		}
	}
	if !strings.Contains(b, "CERFA-17-001") {
		t.Error("ML-17002's list lacks CERFA-17-001")
	}
	for _, other := range []string{"D16-001", "Chloé", "CERFA-16-001"} {
		if strings.Contains(b, other) {
			t.Errorf("ML-17002's list holds %q of ML-16001", other)
		}
	}
	if code, _, _ := runVigie(t, "--warehouse", wh, "weekly-asp", "--as-of", "2026-11-23", "--structure", "ML-99", "--pdf", out); code != 1 {
		t.Errorf("unknown structure: exit %d, want 1", code)
	}
}
