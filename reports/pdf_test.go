package reports

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
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

func pdfPages(t *testing.T, text string) int {
	return strings.Count(text, "\f")
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

var genAt = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC) // 07:30 in Paris

func TestASPListPDF(t *testing.T) {
	t.Parallel()
	rows := []ASPRow{
		{CodeStructure: "ML-16001", IDDossier: "D001", NomUsage: "Lefèvre", Prenom: "Chloé", DateNaissance: day("2005-02-28"),
			IDDispositif: "P1", DateEntree: day("2025-03-01"), DateSortie: day("2026-11-18"), DateSaisieSortie: time.Date(2026, 11, 19, 14, 5, 0, 0, time.UTC),
			NumeroCerfa: "16001-2025-000016", DateEntreeCEJ: day("2026-11-19")},
	}
	for i := 0; i < 80; i++ { // enough to need a second page
		rows = append(rows, ASPRow{CodeStructure: "ML-16001", IDDossier: fmt.Sprintf("D1%03d", i),
			NomUsage: "Nom-de-famille-très-long-qui-doit-passer-à-la-ligne-" + itoa(i), Prenom: "Zoé", DateNaissance: day("2004-06-01"),
			DateEntree: day("2025-01-01"), DateSortie: day("2026-11-16")})
	}
	path := filepath.Join(t.TempDir(), "asp.pdf")
	if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
		path = filepath.Join(d, "asp.pdf")
	}
	err := WriteASPList(path, ASPList{CodeStructure: "ML-16001", NomStructure: "Mission Locale de la Charente",
		WeekFrom: day("2026-11-16"), WeekTo: day("2026-11-22"), Rows: rows, GeneratedAt: genAt})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	text := pdfText(t, path)
	for _, want := range []string{
		"Mission Locale de la Charente", "Semaine du lundi 16/11/2026 au dimanche 22/11/2026",
		"Lefèvre", "Chloé", "28/02/2005", "18/11/2026", "19/11/2026", "16001-2025-000016", // a CERFA number on one line
		"Nom du directeur / de la directrice", "Date :", "Signature",
		ConfidentialityNotice, "Généré par vigie le 23/11/2026 à 07:30",
		"Id dossier", "N° CERFA",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	n := pdfPages(t, text)
	if n < 2 {
		t.Fatalf("%d pages, want at least 2", n)
	}
	if !strings.Contains(text, "page 2/"+itoa(n)) {
		t.Errorf("no « page 2/%d » footer", n)
	}
	// the header row repeats on every page that holds rows
	for i, page := range strings.Split(text, "\f") {
		if strings.Contains(page, "Nom-de-famille") && !strings.Contains(page, "Id dossier") {
			t.Errorf("page %d holds rows without the table header", i+1)
		}
	}
}

func TestASPListRefusesForeignRowsAndBadCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := WriteASPList(filepath.Join(dir, "a.pdf"), ASPList{CodeStructure: "ML-1", Rows: []ASPRow{{CodeStructure: "ML-2", IDDossier: "X"}}})
	if err == nil {
		t.Error("a row of another structure was accepted")
	}
	for _, code := range []string{"../etc", "ML 1", "", "region", "a/b"} {
		if ValidStructureCode(code) == nil {
			t.Errorf("structure code %q accepted", code)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}

func TestTableCellTallerThanAPage(t *testing.T) {
	t.Parallel()
	for _, o := range []Orientation{Portrait, Landscape} {
		p := NewPDF(PageInfo{Title: "Essai", Structure: "ML-1", Period: "Situation au 23/11/2026", GeneratedAt: genAt}, o)
		long := strings.Repeat("Réorientation très longue ", 2000)
		p.Table(Table{Columns: []Column{{Header: "Règle", Weight: 1}, {Header: "Constat", Weight: 4}},
			Rows: [][]string{{"A", long}, {"B", "court"}, {"C", strings.Repeat("x", 3000)}}})
		path := filepath.Join(t.TempDir(), "t.pdf")
		if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
			path = filepath.Join(d, "t-"+string(o)+".pdf")
		}
		if err := p.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, path)
		n := pdfPages(t, text)
		if n < 2 || n > 4 {
			t.Errorf("%s: %d pages for a table of 3 rows", o, n)
		}
		if !strings.Contains(text, "…") || !strings.Contains(text, "court") {
			t.Errorf("%s: the cut cell is not marked, or a row is lost", o)
		}
		if strings.Count(text, "Constat") != n {
			t.Errorf("%s: header printed %d times on %d pages", o, strings.Count(text, "Constat"), n)
		}
	}
}

// TestPDFPagesAndFonts: every page of the dashboard, the ASP list and the
// regional summary is A4 landscape, and every font is embedded (vector text
// that prints the same everywhere), as pdfinfo and pdffonts read them.
func TestPDFPagesAndFonts(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	paths, err := WriteStructure(out, sampleReport("ML-16001"))
	if err != nil {
		t.Fatal(err)
	}
	reg := &RegionReport{AsOf: day("2026-11-23"), GeneratedAt: genAt, Structures: []StructureSummary{Summarize(sampleReport("ML-16001"))}}
	regPaths, err := WriteRegion(out, reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{paths[0], paths[2], regPaths[0]} {
		info, err := exec.Command("pdfinfo", "-f", "1", "-l", "999", p).Output()
		if err != nil {
			t.Fatalf("pdfinfo %s (poppler-utils): %v", p, err)
		}
		pages := 0
		for _, line := range strings.Split(string(info), "\n") {
			if strings.HasPrefix(line, "Page") && strings.Contains(line, " size: ") {
				pages++
				if !strings.HasSuffix(line, "841.89 x 595.28 pts (A4)") {
					t.Errorf("%s: %s, want A4 landscape", filepath.Base(p), line)
				}
			}
		}
		if pages == 0 {
			t.Errorf("%s: no page sizes in\n%s", p, info)
		}
		fonts, err := exec.Command("pdffonts", p).Output()
		if err != nil {
			t.Fatalf("pdffonts %s: %v", p, err)
		}
		lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
		if len(lines) < 3 {
			t.Fatalf("%s: no fonts:\n%s", p, fonts)
		}
		for _, l := range lines[2:] {
			// name type encoding emb sub uni object ID
			f := strings.Fields(l)
			if len(f) < 7 || f[len(f)-5] != "yes" {
				t.Errorf("%s: font not embedded: %s", filepath.Base(p), l)
			}
		}
	}
}
