package reports

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Kind is how a workbook column's values are written.
type Kind int

// Column kinds. Dates are real Excel dates (numbers) shown dd/mm/yyyy;
// numbers are numbers; text is always text, never a formula.
const (
	Text Kind = iota
	Date
	DateTime
	Int
	Float
	Percent // a ratio: 0.125 shows as 12,5 %
)

// XColumn is one column of a sheet.
type XColumn struct {
	Header string
	Kind   Kind
	Width  float64 // 0: from the content, between 8 and 60
}

// XChart is a native Excel chart drawn next to a sheet's table, from its
// columns (0-based indexes).
type XChart struct {
	Title      string
	Type       excelize.ChartType // excelize.Bar (horizontal), excelize.Col, excelize.ColStacked, excelize.Line
	Categories int                // column of the category labels
	Values     []int              // one series per column
	Percent    bool               // the value axis shows percentages
}

// Sheet is one sheet of a workbook: a header row and rows of values
// (string, time.Time, int, int64, float64, or nil for an empty cell).
type Sheet struct {
	Name    string
	Columns []XColumn
	Rows    [][]any
	Charts  []XChart
	// Title, when set, is a block of lines above the table: the first is
	// the title, the others its figures (the summary sheet).
	Title []string
}

// maxTextWidth is the widest a text column gets; longer values wrap.
const maxTextWidth = 60

// Workbook builds an XLSX file sheet by sheet; every sheet is written with
// excelize's stream writer, so large sheets stay cheap.
type Workbook struct {
	f      *excelize.File
	styles map[Kind]int
	wrap   int // text that wraps in its cell
	header int
	title  int // the first line of a sheet's title block
	n      int
}

// NewWorkbook starts an empty workbook.
func NewWorkbook() (*Workbook, error) {
	f := excelize.NewFile()
	// Fast deflate: a workbook of thousands of rows compresses a few percent
	// less and writes several times faster.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, pooledDeflate)
		return zw
	})
	wb := &Workbook{f: f, styles: map[Kind]int{}}
	text := 49 // "@"
	formats := map[Kind]*excelize.Style{
		Text:     {NumFmt: text, Alignment: &excelize.Alignment{Vertical: "top"}},
		Date:     {CustomNumFmt: strPtr("dd/mm/yyyy"), Alignment: &excelize.Alignment{Vertical: "top"}},
		DateTime: {CustomNumFmt: strPtr("dd/mm/yyyy hh:mm"), Alignment: &excelize.Alignment{Vertical: "top"}},
		Int:      {NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}},
		Float:    {NumFmt: 4, Alignment: &excelize.Alignment{Vertical: "top"}},
		Percent:  {CustomNumFmt: strPtr("0.0%"), Alignment: &excelize.Alignment{Vertical: "top"}},
	}
	for k, s := range formats {
		id, err := f.NewStyle(s)
		if err != nil {
			return nil, fmt.Errorf("xlsx style: %w", err)
		}
		wb.styles[k] = id
	}
	id, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"284678"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	wb.header = id
	if wb.wrap, err = f.NewStyle(&excelize.Style{NumFmt: text, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	if wb.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "284678"}}); err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	return wb, nil
}

func strPtr(s string) *string { return &s }

// deflaters reuses the compressors of the workbooks' zip entries: a
// flate.Writer allocates about a megabyte, and a workbook has a dozen
// entries (hundreds of workbooks on a Monday, one per counsellor).
var deflaters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed) // the level is valid: no error
	return fw
}}

// pooledDeflate is a zip compressor taken from deflaters, returned on Close.
func pooledDeflate(out io.Writer) (io.WriteCloser, error) {
	fw := deflaters.Get().(*flate.Writer)
	fw.Reset(out)
	return &pooledWriter{fw}, nil
}

type pooledWriter struct{ *flate.Writer }

func (p *pooledWriter) Close() error {
	if p.Writer == nil {
		return nil
	}
	err := p.Writer.Close()
	deflaters.Put(p.Writer)
	p.Writer = nil
	return err
}

// AddSheet writes one sheet: a styled, frozen header row with an autofilter,
// column widths, typed cells, and the sheet's charts.
func (wb *Workbook) AddSheet(s Sheet) error {
	f := wb.f
	name := sheetName(s.Name)
	if wb.n == 0 {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	wb.n++
	ncol := len(s.Columns)
	lastCol, err := excelize.ColumnNumberToName(ncol)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	// The table starts below the title block and a blank line.
	top := 1
	if len(s.Title) > 0 {
		top = len(s.Title) + 2
	}
	lastRow := len(s.Rows) + top
	// Filters, charts and print setup belong to the worksheet; they are set
	// before the stream writer takes it over.
	if err := f.AutoFilter(name, fmt.Sprintf("A%d:%s%d", top, lastCol, lastRow), nil); err != nil {
		return fmt.Errorf("sheet %s: autofilter: %w", name, err)
	}
	for i, c := range s.Charts {
		if err := wb.addChart(name, ncol, top, lastRow, i, c, s.Columns); err != nil {
			return fmt.Errorf("sheet %s: chart %q: %w", name, c.Title, err)
		}
	}
	if err := wb.printSetup(name, top); err != nil {
		return fmt.Errorf("sheet %s: print setup: %w", name, err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	// Each column gets its width and the style of its kind, which every
	// cell given as a plain value takes; a text column whose values are
	// longer than its width wraps them. Last column first: the stream
	// writer puts each new column before the others, and Excel wants the
	// <col> elements in ascending order.
	for i := len(s.Columns) - 1; i >= 0; i-- {
		c := s.Columns[i]
		w, wrap := columnWidth(c, s.Rows, i)
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		style := wb.styles[c.Kind]
		if wrap {
			style = wb.wrap
		}
		if err := sw.SetColStyle(i+1, i+1, style); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	headCell, _ := excelize.CoordinatesToCellName(1, top+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top, TopLeftCell: headCell, ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	for i, line := range s.Title {
		var v any = cleanText(line)
		if i == 0 {
			v = excelize.Cell{StyleID: wb.title, Value: cleanText(line)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{v}); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	head := make([]any, ncol)
	for i, c := range s.Columns {
		head[i] = excelize.Cell{StyleID: wb.header, Value: cleanText(c.Header)}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", top), head, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	row := make([]any, ncol)
	for r, vals := range s.Rows {
		for i := range row {
			var v any
			if i < len(vals) {
				v = vals[i]
			}
			row[i] = wb.cell(s.Columns[i].Kind, v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+top+1)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", name, r+top+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	return nil
}

// cell turns a value into a typed cell. A value of the column's kind is
// returned as it is and takes the column's style (no per-cell allocation);
// text is written as an inline string with the text format, so a value
// starting with =, +, - or @ stays text.
func (wb *Workbook) cell(k Kind, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if x.IsZero() {
			return nil
		}
		if k == Text {
			return frDate(x)
		}
		// Excel dates have no zone: the wall-clock value is what is shown.
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), 0, time.UTC)
	case string:
		return wb.text(k, cleanText(x))
	case int, int64, int32, float64, float32:
		return x
	case bool:
		if x {
			return wb.text(k, "oui")
		}
		return wb.text(k, "non")
	default:
		return wb.text(k, cleanText(fmt.Sprint(x)))
	}
}

// text is a text cell in a column of kind k: styled as text when the
// column is not.
func (wb *Workbook) text(k Kind, s string) any {
	switch {
	case s == "":
		return nil
	case k == Text:
		return s
	default:
		return excelize.Cell{StyleID: wb.styles[Text], Value: s}
	}
}

// printSetup prints a sheet landscape, fitted to the page's width, its
// header row (row top) repeated on every page.
func (wb *Workbook) printSetup(sheet string, top int) error {
	landscape, one, tall := "landscape", 1, 0
	a4 := 9
	if err := wb.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := wb.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return wb.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sheet), top, top)})
}

func (wb *Workbook) addChart(sheet string, ncol, top, lastRow, idx int, c XChart, cols []XColumn) error {
	if lastRow <= top {
		return nil // no data, no chart
	}
	catCol, err := excelize.ColumnNumberToName(c.Categories + 1)
	if err != nil {
		return err
	}
	q := quoteSheet(sheet)
	vary := false
	ch := &excelize.Chart{
		VaryColors: &vary,
		Type:       c.Type,
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		Dimension:  excelize.ChartDimension{Width: 640, Height: uint(220 + 14*min(lastRow, 40))},
	}
	if len(c.Values) == 1 {
		ch.Legend.Position = "none"
	}
	if c.Percent {
		ch.YAxis.NumFmt = excelize.ChartNumFmt{CustomNumFmt: "0%"}
	}
	for _, v := range c.Values {
		col, err := excelize.ColumnNumberToName(v + 1)
		if err != nil {
			return err
		}
		ch.Series = append(ch.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", q, col, top),
			Categories: fmt.Sprintf("%s!$%s$%d:$%s$%d", q, catCol, top+1, catCol, lastRow),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", q, col, top+1, col, lastRow),
		})
	}
	anchorCol, err := excelize.ColumnNumberToName(ncol + 2)
	if err != nil {
		return err
	}
	return wb.f.AddChart(sheet, fmt.Sprintf("%s%d", anchorCol, top+1+idx*30), ch)
}

func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// sheetName makes a valid Excel sheet name: at most 31 characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

// cleanText removes the control characters XML cannot carry; most texts
// have none and are returned as they are, without a copy.
func cleanText(s string) string {
	if strings.IndexFunc(s, notXMLChar) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if notXMLChar(r) {
			return ' '
		}
		return r
	}, s)
}

func notXMLChar(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// columnWidth is a column's width: its declared width, or from its
// header, kind and values, widened for the values of a text column up to
// maxTextWidth; wrap says whether longer text must wrap in its cells.
func columnWidth(c XColumn, rows [][]any, i int) (width float64, wrap bool) {
	w := 8
	for _, word := range strings.Fields(c.Header) {
		w = max(w, utf8.RuneCountInString(word)+2)
	}
	switch c.Kind {
	case Date:
		return max(c.Width, float64(max(w, 12))), false
	case DateTime:
		return max(c.Width, float64(max(w, 17))), false
	case Int, Float, Percent:
		return max(c.Width, float64(max(w, 10))), false
	}
	longest := 0
	for j, r := range rows {
		if j > 500 { // enough to judge
			break
		}
		if i < len(r) {
			if s, ok := r[i].(string); ok {
				longest = max(longest, utf8.RuneCountInString(s))
			}
		}
	}
	width = max(c.Width, float64(min(max(w, longest+2), maxTextWidth)))
	return width, float64(longest+2) > width
}

// Finish sets the workbook's properties: its title, vigie as its creator,
// the generation instant.
func (wb *Workbook) Finish(title string, generatedAt time.Time) error {
	props := &excelize.DocProperties{Title: title, Creator: "vigie", LastModifiedBy: "vigie"}
	if !generatedAt.IsZero() {
		props.Created = generatedAt.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := wb.f.SetDocProps(props); err != nil {
		return fmt.Errorf("workbook properties: %w", err)
	}
	return nil
}

// WriteFile writes the workbook to path atomically, mode 0600.
func (wb *Workbook) WriteFile(path string) error {
	defer wb.f.Close()
	return writeAtomic(path, func(w io.Writer) error { return wb.f.Write(w) })
}
