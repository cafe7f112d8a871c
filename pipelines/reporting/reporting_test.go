package reporting

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	"github.com/arml-na/vigie/reports"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// loaded returns a warehouse holding testdata/reports/extraction and two
// weekly controls runs (2026-11-16 and 2026-11-23).
func loaded(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded.Ingest(t, ctx, w, filepath.Join("..", "..", "testdata", "reports", "extraction"), ingest.Options{MaxRejectRatio: 1e-9}); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	for _, d := range []string{"2026-11-16", "2026-11-23"} {
		if _, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: day(d)}); err != nil {
			t.Fatalf("controls %s: %v", d, err)
		}
	}
	return w
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed to read the PDFs: apt-get install poppler-utils")
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// xlsxText returns every cell of every sheet, one per line.
func xlsxText(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// filesText is the text of every PDF and workbook under dir.
func filesText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		switch filepath.Ext(p) {
		case ".pdf":
			b.WriteString(pdfText(t, p))
		case ".xlsx":
			b.WriteString(xlsxText(t, p))
		case ".txt":
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		default:
			t.Errorf("unexpected file %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%s holds %d files, want 4", dir, n)
	}
	return b.String()
}

func TestReportRun(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	out := t.TempDir()
	if d := os.Getenv("VIGIE_KEEP_REPORTS"); d != "" {
		out = d
	}
	gen := time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)
	res, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Out: out, GeneratedAt: gen, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Structures != 2 || len(res.Files) != 2*4+2 || len(res.ByStructure["ML-16001"]) != 4 || len(res.Region) != 2 {
		t.Fatalf("result %+v", res)
	}
	a := filepath.Join(out, "ML-16001", "2026-11-23")
	b := filepath.Join(out, "ML-17002", "2026-11-23")
	textA, textB := filesText(t, a), filesText(t, b)

	// Each structure's files hold its own rows, and none of the other's.
	own := map[string][]string{
		"A": {"ML-16001", "D16-001", "Chloé", "Lefèvre", "Dupré", "Jérôme", "Réorientation", "E16-2", "CERFA-16-001", "Antenne d'Angoulême"},
		"B": {"ML-17002", "D17-001", "D17-002", "Kévin", "Saintongeais", "Martinez", "E17-1", "CERFA-17-001", "Royan"},
	}
	for _, w := range own["A"] {
		if !strings.Contains(textA, w) {
			t.Errorf("ML-16001's files lack %q", w)
		}
		if strings.Contains(textB, w) {
			t.Errorf("ML-17002's files hold %q of ML-16001", w)
		}
	}
	for _, w := range []string{"Oléronaise", "Anaïs"} { // D17-002: in no nominative list
		if strings.Contains(textA, w) || strings.Contains(textB, w) {
			t.Errorf("a report holds %q", w)
		}
	}
	for _, w := range own["B"] {
		if !strings.Contains(textB, w) {
			t.Errorf("ML-17002's files lack %q", w)
		}
		if strings.Contains(textA, w) {
			t.Errorf("ML-16001's files hold %q of ML-17002", w)
		}
	}

	dash := pdfText(t, filepath.Join(a, "tableau-de-bord-ML-16001-2026-11-23.pdf"))
	for _, want := range []string{"Mission Locale de la Charente", "Situation au 23/11/2026", "RDV-02", "SIE-02", "SIE-03", "RGS-02",
		"Taux d'absence par conseiller", "25/11/2026 14:30", "Jérôme Lefèvre", "Semaine du lundi 16/11/2026 au dimanche 22/11/2026",
		"Constats du contrôle du 23/11/2026", "16/11", "23/11", "mer. 25/11"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	asp := pdfText(t, filepath.Join(a, "liste-asp-ML-16001-2026-11-23.pdf"))
	for _, want := range []string{"D16-001", "Lefèvre", "Chloé", "28/02/2005", "01/03/2025", "18/11/2026", "19/11/2026", "CERFA-16-001", "Signature", "=Réorientation", "Anaëlle", "22/11/2026"} {
		if !strings.Contains(asp, want) {
			t.Errorf("ASP list lacks %q", want)
		}
	}

	f, err := excelize.OpenFile(filepath.Join(a, "classeur-ML-16001-2026-11-23.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Liste ASP")
	if len(rows) != 3 || rows[1][1] != "D16-001" || rows[1][3] != "Chloé" || rows[2][1] != "D16-004" {
		t.Errorf("Liste ASP rows %q", rows)
	}
	for cell, want := range map[string]string{"E2": "28/02/2005", "G2": "01/03/2025", "H2": "18/11/2026", "I2": "19/11/2026 14:05", "K2": "19/11/2026"} {
		typ, _ := f.GetCellType("Liste ASP", cell)
		v, _ := f.GetCellValue("Liste ASP", cell)
		raw, _ := f.GetCellValue("Liste ASP", cell, excelize.Options{RawCellValue: true})
		if v != want || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || strings.Contains(raw, "/") {
			t.Errorf("Liste ASP %s = %q (raw %q, type %v), want the date %s", cell, v, raw, typ, want)
		}
	}
	// D16-004's nom_usage starts with '=' and its CERFA number with '+': text, never formulas.
	for cell, want := range map[string]string{"C3": "=Réorientation", "J3": "+33-CERFA"} {
		v, _ := f.GetCellValue("Liste ASP", cell)
		formula, _ := f.GetCellFormula("Liste ASP", cell)
		typ, _ := f.GetCellType("Liste ASP", cell)
		if v != want || formula != "" || typ != excelize.CellTypeInlineString {
			t.Errorf("Liste ASP %s = %q (formula %q, type %v), want the text %q", cell, v, formula, typ, want)
		}
	}
	rdv, _ := f.GetRows("Rendez-vous")
	var dupre []string
	for _, r := range rdv {
		if len(r) > 0 && r[0] == "Chloé Dupré" {
			dupre = r
		}
	}
	// Chloé Dupré: 1 present, 1 absent over the 28 days before D.
	if len(dupre) < 10 || dupre[3] != "1" || dupre[4] != "1" {
		t.Errorf("Rendez-vous line of Chloé Dupré: %q", dupre)
	}
	if raw, _ := f.GetCellValue("Rendez-vous", "J2", excelize.Options{RawCellValue: true}); raw == "" {
		t.Error("no absence rate")
	}
	trend, _ := f.GetRows("Tendance")
	if len(trend) != 3 {
		t.Errorf("Tendance: %d rows, want a header and 2 runs", len(trend))
	}

	reg := filepath.Join(out, "region", "2026-11-23")
	regText := pdfText(t, filepath.Join(reg, "synthese-regionale-2026-11-23.pdf")) + xlsxText(t, filepath.Join(reg, "classeur-regional-2026-11-23.xlsx"))
	for _, want := range []string{"ML-16001", "ML-17002", "Mission Locale de Saintes", "Synthèse régionale"} {
		if !strings.Contains(regText, want) {
			t.Errorf("regional files lack %q", want)
		}
	}
	for _, name := range []string{"Chloé", "Kévin", "Saintongeais", "Oléronaise", "D16-001", "D17-001"} {
		if strings.Contains(regText, name) {
			t.Errorf("regional files hold %q", name)
		}
	}
}

func TestReportOneStructure(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	out := t.TempDir()
	res, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Structure: "ML-17002", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Structures != 1 || res.RegionDir != "" || len(res.Files) != 4 {
		t.Errorf("result %+v", res)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "ML-17002" {
		t.Errorf("out holds %v", entries)
	}
	if _, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Structure: "ML-99999", Out: out}); err == nil {
		t.Error("an unknown structure was accepted")
	}
	if _, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Structure: "../etc", Out: out}); err == nil {
		t.Error("a bad structure code was accepted")
	}
}

func TestReportWithoutControls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded.Ingest(t, ctx, w, filepath.Join("..", "..", "testdata", "reports", "extraction"), ingest.Options{MaxRejectRatio: 1e-9}); err != nil {
		t.Fatal(err)
	}
	// No controls for the date: refused, saying what to run, nothing written
	// (never a dashboard saying « 0 constat » as if all were well); and so
	// with only an older week's controls.
	out := t.TempDir()
	for _, before := range []string{"", "2026-11-16"} {
		if before != "" {
			if _, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: day(before)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Run(ctx, w, Options{AsOf: day("2026-11-23"), Out: out})
		var refused *warehouse.RefusedError
		if !errors.As(err, &refused) || !errors.Is(err, ErrNotControlled) || !strings.Contains(err.Error(), "vigie controls --as-of 2026-11-23") {
			t.Errorf("report without the date's controls (controls before: %q): %v", before, err)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("a refused report wrote %d entries", len(entries))
		}
	}
	// The ASP list does not depend on the controls run.
	if _, err := WriteASPLists(ctx, w, Options{AsOf: day("2026-11-23"), Out: out}); err != nil {
		t.Fatal(err)
	}
	if asp := pdfText(t, filepath.Join(out, "ML-16001", "2026-11-23", "liste-asp-ML-16001-2026-11-23.pdf")); !strings.Contains(asp, "CERFA-16-001") {
		t.Error("ASP list without its row")
	}
}

func TestReportRegionOnlyAndFileLists(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	out := t.TempDir()
	res, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Out: out, RegionOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 2 || len(res.Region) != 2 || len(res.ByStructure) != 0 || res.Structures != 2 {
		t.Errorf("region only: %+v", res)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "region" {
		t.Errorf("region only wrote %v", entries)
	}
	if _, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Out: out, RegionOnly: true, Structure: "ML-16001"}); err == nil {
		t.Error("region only with one structure was accepted")
	}
	res, err = WriteASPLists(context.Background(), w, Options{AsOf: day("2026-11-23"), Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"ML-16001", "ML-17002"} {
		if fs := res.ByStructure[code]; len(fs) != 1 || filepath.Base(fs[0]) != "liste-asp-"+code+"-2026-11-23.pdf" {
			t.Errorf("ASP files of %s: %v", code, fs)
		}
	}
	if text := pdfText(t, res.ByStructure["ML-17002"][0]); !strings.Contains(text, "CERFA-17-001") || strings.Contains(text, "CERFA-16-001") {
		t.Errorf("ML-17002's ASP list:\n%s", text)
	}
}

// cancelOnWrite cancels a run's context at its first progress line, as a
// SIGTERM arriving once the first structure's files are written.
type cancelOnWrite struct{ cancel context.CancelFunc }

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return len(p), nil
}

// TestStoppedReportRunLeavesOnlyWholeFiles: a report run stopped half-way
// (SIGTERM once the first structure's files are written) says it was
// cancelled, writes no regional summary, and leaves only whole files, each
// readable: no temporary file, no half of a PDF or a workbook.
func TestStoppedReportRunLeavesOnlyWholeFiles(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Run(ctx, w, Options{AsOf: day("2026-11-23"), Out: out, Workers: 1, Progress: cancelOnWrite{cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a report run stopped half-way: %v, want cancelled", err)
	}
	if _, err := os.Stat(reports.RegionDir(out, day("2026-11-23"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a stopped run wrote the regional summary: %v", err)
	}
	files := 0
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		switch filepath.Ext(p) {
		case ".pdf":
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !strings.HasSuffix(strings.TrimSpace(string(raw)), "%%EOF") || pdfText(t, p) == "" {
				t.Errorf("%s is not a whole PDF", p)
			}
		case ".xlsx":
			if xlsxText(t, p) == "" {
				t.Errorf("%s is an empty workbook", p)
			}
		case ".txt":
		default:
			t.Errorf("a stopped run left %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 4 {
		t.Errorf("a run stopped once the first structure's files were written left %d files, want that structure's 4", files)
	}
}

// The monthly report does not send the week's ASP list to sign again (the
// Monday report did; a list sent twice could be transmitted twice), nor ask
// for it in the director's message; the weekly one does.
func TestMonthlyReportDoesNotAskForTheASPListAgain(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	for _, period := range []string{controls.Weekly, controls.Monthly} {
		out := t.TempDir()
		res, err := Run(context.Background(), w, Options{AsOf: day("2026-11-23"), Structure: "ML-17002", Out: out, Period: period})
		if err != nil {
			t.Fatal(err)
		}
		asp, message := false, ""
		for _, f := range res.Files {
			if strings.HasPrefix(filepath.Base(f), "liste-asp-") {
				asp = true
			}
			if strings.HasPrefix(filepath.Base(f), reports.MessagePrefix) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				message = string(b)
			}
		}
		weekly := period == controls.Weekly
		if asp != weekly || strings.Contains(message, "à signer") != weekly {
			t.Errorf("%s report: ASP list file %v, message asks to sign %v; want %v for both:\n%s", period, asp, strings.Contains(message, "à signer"), weekly, message)
		}
	}
}
