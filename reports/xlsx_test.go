package reports

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// cellDate reads a date cell back: it must be a number with a date format.
func cellDate(t *testing.T, f *excelize.File, sheet, cell string) time.Time {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Fatalf("%s!%s: type %v, want a number (an Excel date)", sheet, cell, typ)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var serial float64
	if _, err := fmt.Sscan(raw, &serial); err != nil {
		t.Fatalf("%s!%s = %q: not a serial date", sheet, cell, raw)
	}
	d, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := f.GetCellValue(sheet, cell)
	if shown != d.Format("02/01/2006") && shown != d.Format("02/01/2006 15:04") {
		t.Errorf("%s!%s shows %q, want dd/mm/yyyy of %s", sheet, cell, shown, d)
	}
	return d
}

func TestWorkbookTypesAndFormulas(t *testing.T) {
	t.Parallel()
	wb, err := NewWorkbook()
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"=HYPERLINK(\"http://x\")", day("2026-11-16"), 3, 0.25, "Chloé"},
		{"+33 6", time.Date(2026, 11, 17, 9, 30, 0, 0, time.UTC), 0, 0.0, "-2"},
		{"@SUM(A1)", nil, int64(12), 1.0, "Réorientation\x01"},
	}
	for i := 0; i < 3000; i++ {
		rows = append(rows, []any{fmt.Sprintf("D%04d", i), day("2026-01-01").AddDate(0, 0, i%300), i, float64(i%7) / 7, "x"})
	}
	err = wb.AddSheet(Sheet{Name: "Rendez-vous", Columns: []XColumn{
		{Header: "Texte", Kind: Text}, {Header: "Date", Kind: Date}, {Header: "Nombre", Kind: Int},
		{Header: "Taux", Kind: Percent}, {Header: "Nom", Kind: Text},
	}, Rows: rows, Charts: []XChart{{Title: "Taux", Type: excelize.Bar, Categories: 0, Values: []int{3}, Percent: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := wb.AddSheet(Sheet{Name: "Contrôles: vide/[x]", Columns: []XColumn{{Header: "a"}}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.xlsx")
	if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
		path = filepath.Join(d, "w.xlsx")
	}
	if err := wb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != "Rendez-vous|Contrôles- vide--x-" {
		t.Errorf("sheets %q", got)
	}
	const s = "Rendez-vous"
	for _, c := range []string{"A2", "A3", "A4", "E3"} {
		formula, _ := f.GetCellFormula(s, c)
		if formula != "" {
			t.Errorf("%s is a formula %q", c, formula)
		}
		typ, _ := f.GetCellType(s, c)
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s type %v, want text", c, typ)
		}
	}
	want := map[string]string{"A2": `=HYPERLINK("http://x")`, "A3": "+33 6", "A4": "@SUM(A1)", "E2": "Chloé", "E3": "-2", "E4": "Réorientation ", "A1": "Texte"}
	for c, w := range want {
		if got, _ := f.GetCellValue(s, c); got != w {
			t.Errorf("%s = %q, want %q", c, got, w)
		}
	}
	if d := cellDate(t, f, s, "B2"); !d.Equal(day("2026-11-16")) {
		t.Errorf("B2 = %v", d)
	}
	if d := cellDate(t, f, s, "B3"); !d.Equal(time.Date(2026, 11, 17, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("B3 = %v", d)
	}
	if v, _ := f.GetCellValue(s, "B4"); v != "" {
		t.Errorf("empty date B4 = %q", v)
	}
	for c, w := range map[string]string{"C2": "3", "C4": "12", "D2": "0.25", "D4": "1"} {
		typ, _ := f.GetCellType(s, c)
		raw, _ := f.GetCellValue(s, c, excelize.Options{RawCellValue: true})
		if (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || raw != w {
			t.Errorf("%s = %q (type %v), want the number %s", c, raw, typ, w)
		}
	}
	if v, _ := f.GetCellValue(s, "D2"); v != "25.0%" {
		t.Errorf("D2 shows %q, want a percentage", v)
	}
	panes, err := f.GetPanes(s)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	if last, _ := f.GetCellValue(s, "A3004"); last != "D2999" {
		t.Errorf("last row A3004 = %q", last)
	}
	// the autofilter and the chart are in the file
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var hasChart, hasFilter bool
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			hasChart = true
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			b := new(strings.Builder)
			_, _ = fmt.Fprint(b, readAll(rc))
			rc.Close()
			hasFilter = strings.Contains(b.String(), `<autoFilter ref="$A$1:$E$3004"`)
			// Excel repairs a file whose column widths are not in ascending order.
			cols := regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(b.String(), -1)
			if len(cols) != 5 {
				t.Errorf("%d column widths, want 5", len(cols))
			}
			for i, c := range cols {
				if c[1] != strconv.Itoa(i+1) {
					t.Errorf("column width %d is for column %s: not in ascending order", i+1, c[1])
				}
			}
		}
	}
	if !hasChart || !hasFilter {
		t.Errorf("chart %v, autofilter %v", hasChart, hasFilter)
	}
}

// TestWorkbookLayout reads a dashboard workbook back: the summary sheet opens
// on a title block above its table, long text wraps in wide-enough columns,
// every sheet prints landscape, fitted to the width, its header row repeated,
// and the creator is vigie.
func TestWorkbookLayout(t *testing.T) {
	t.Parallel()
	paths, err := WriteStructure(t.TempDir(), sampleReport("ML-16001"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil || props.Creator != "vigie" {
		t.Errorf("creator %q (%v)", props.Creator, err)
	}
	for cell, want := range map[string]string{"A1": "Tableau de bord — ML-16001 — Mission Locale ML-16001 Sud-Charente",
		"A2": "Situation au 23/11/2026 (contrôle du 23/11/2026)", "A7": "Famille", "A8": "RDV"} {
		if v, _ := f.GetCellValue("Synthèse", cell); v != want {
			t.Errorf("Synthèse!%s = %q, want %q", cell, v, want)
		}
	}
	if v, _ := f.GetCellValue("Synthèse", "A3"); !strings.Contains(v, "Constats ouverts : 39") {
		t.Errorf("Synthèse!A3 = %q, want the headline figures", v)
	}
	names, err := f.GetDefinedName(), error(nil)
	titles := map[string]string{}
	for _, n := range names {
		if n.Name == "_xlnm.Print_Titles" {
			titles[n.Scope] = n.RefersTo
		}
	}
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v, want landscape fitted to one page wide", sheet, pl)
		}
		sp, err := f.GetSheetProps(sheet)
		if err != nil || sp.FitToPage == nil || !*sp.FitToPage {
			t.Errorf("%s: not fitted to the page (%v)", sheet, err)
		}
		head := "$1:$1"
		if sheet == "Synthèse" {
			head = "$7:$7"
		}
		if !strings.HasSuffix(titles[sheet], "!"+head) {
			t.Errorf("%s: repeated rows %q, want %s", sheet, titles[sheet], head)
		}
	}
	// The Constat column (J) of Contrôles wraps; its values fit its width
	// or wrap, never overflow; the Règle column is wide enough for a code.
	cols, _ := f.GetCols("Contrôles")
	detailW, _ := f.GetColWidth("Contrôles", "J")
	longest := 0
	for _, v := range cols[9][1:] {
		longest = max(longest, len([]rune(v)))
	}
	style, _ := f.GetCellStyle("Contrôles", "J2")
	st, _ := f.GetStyle(style)
	if longest+2 > int(detailW) && (st.Alignment == nil || !st.Alignment.WrapText) {
		t.Errorf("Constat: %d characters in a column of %g that does not wrap", longest, detailW)
	}
	if st.Alignment == nil || !st.Alignment.WrapText {
		t.Error("the Constat column does not wrap its long text")
	}
	ruleStyle, _ := f.GetCellStyle("Contrôles", "A2")
	if rs, _ := f.GetStyle(ruleStyle); rs.Alignment != nil && rs.Alignment.WrapText {
		t.Error("the Règle column wraps though its codes fit")
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				name, _ := excelize.ColumnNumberToName(c + 1)
				w, _ := f.GetColWidth(sheet, name)
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				sid, _ := f.GetCellStyle(sheet, cell)
				s, _ := f.GetStyle(sid)
				wraps := s != nil && s.Alignment != nil && s.Alignment.WrapText
				if sheet == "Synthèse" && r < 5 || wraps || r == 0 && sheet != "Synthèse" || sheet == "Synthèse" && r == 6 {
					continue // the title block, wrapping cells and header rows
				}
				if n := len([]rune(v)); float64(n) > w {
					t.Errorf("%s!%s: %q (%d characters) overflows a column of %g", sheet, cell, v, n, w)
				}
			}
		}
	}
}
