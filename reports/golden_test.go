package reports

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/reports/golden")

// dumpWorkbook renders every cell of every sheet as "A1 kind value", kind
// being n (number) or s (text), with the number format of dates, so the
// comparison is by data, never by bytes.
func dumpWorkbook(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		b.WriteString("## " + s + "\n")
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, raw := range row {
				if raw == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				typ, _ := f.GetCellType(s, ref)
				kind := "n"
				if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
					kind = "s"
				}
				shown, _ := f.GetCellValue(s, ref)
				if kind == "n" && shown != raw {
					raw += " → " + shown
				}
				b.WriteString(ref + " " + kind + " " + strings.ReplaceAll(raw, "\n", `\n`) + "\n")
			}
		}
	}
	return b.String()
}

func TestStructureWorkbookGolden(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	paths, err := WriteStructure(out, sampleReport("ML-16001"))
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "structure-workbook.txt", dumpWorkbook(t, paths[1]))
}

// TestMondayPDFGolden compares, by their text (pdftotext), the director's
// action page and email, and a counsellor's list, with their golden files.
func TestMondayGolden(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-16001")
	paths, err := WriteStructure(t.TempDir(), r)
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdfText(t, paths[0]), "\f")
	msg, err := os.ReadFile(paths[3])
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "director-action-page.txt", pages[0]+"\n----- courriel -----\n"+string(msg))
	var mine []Finding
	for _, f := range r.Findings {
		if f.IDConseiller == "U2" {
			mine = append(mine, f)
		}
	}
	files, err := WriteCounsellors(t.TempDir(), []*CounsellorList{{CodeStructure: "ML-16001", NomStructure: r.NomStructure, IDConseiller: "U2",
		Conseiller: "Jérôme Lefèvre", AsOf: r.AsOf, ControlAsOf: r.AsOf, GeneratedAt: genAt, Findings: mine}}, false)
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "counsellor-list.txt", pdfText(t, files["U2"][0]))
}

// compareGolden compares got with testdata/reports/golden/name, line by
// line; -update rewrites the file.
func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("..", "testdata", "reports", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -tags duckdb_arrow ./reports -run Golden -update)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got  %q\n want %q\n(run with -update if the change is meant)", golden, i+1, g, w)
			}
		}
	}
}
