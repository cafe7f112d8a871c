package reports

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
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
}

// Workbook builds an XLSX file sheet by sheet; every sheet is written with
// excelize's stream writer, so large sheets stay cheap.
type Workbook struct {
	f      *excelize.File
	styles map[Kind]int
	header int
	n      int
}

// NewWorkbook starts an empty workbook.
func NewWorkbook() (*Workbook, error) {
	f := excelize.NewFile()
	// Fast deflate: a workbook of thousands of rows compresses a few percent
	// less and writes several times faster.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
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
	return wb, nil
}

func strPtr(s string) *string { return &s }

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
	lastRow := len(s.Rows) + 1
	// Filters and charts belong to the worksheet; they are set before the
	// stream writer takes it over.
	if err := f.AutoFilter(name, fmt.Sprintf("A1:%s%d", lastCol, lastRow), nil); err != nil {
		return fmt.Errorf("sheet %s: autofilter: %w", name, err)
	}
	for i, c := range s.Charts {
		if err := wb.addChart(name, ncol, lastRow, i, c, s.Columns); err != nil {
			return fmt.Errorf("sheet %s: chart %q: %w", name, c.Title, err)
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	// Each column gets its width and the style of its kind, which every
	// cell given as a plain value takes. Last column first: the stream
	// writer puts each new column before the others, and Excel wants the
	// <col> elements in ascending order.
	for i := len(s.Columns) - 1; i >= 0; i-- {
		c := s.Columns[i]
		w := c.Width
		if w == 0 {
			w = autoWidth(c, s.Rows, i)
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if err := sw.SetColStyle(i+1, i+1, wb.styles[c.Kind]); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	head := make([]any, ncol)
	for i, c := range s.Columns {
		head[i] = excelize.Cell{StyleID: wb.header, Value: cleanText(c.Header)}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 30}); err != nil {
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
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", name, r+2, err)
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

func (wb *Workbook) addChart(sheet string, ncol, lastRow, idx int, c XChart, cols []XColumn) error {
	if lastRow < 2 {
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
			Name:       fmt.Sprintf("%s!$%s$1", q, col),
			Categories: fmt.Sprintf("%s!$%s$2:$%s$%d", q, catCol, catCol, lastRow),
			Values:     fmt.Sprintf("%s!$%s$2:$%s$%d", q, col, col, lastRow),
		})
	}
	anchorCol, err := excelize.ColumnNumberToName(ncol + 2)
	if err != nil {
		return err
	}
	return wb.f.AddChart(sheet, fmt.Sprintf("%s%d", anchorCol, 2+idx*30), ch)
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

func autoWidth(c XColumn, rows [][]any, i int) float64 {
	w := 8
	for _, word := range strings.Fields(c.Header) {
		w = max(w, utf8.RuneCountInString(word)+2)
	}
	switch c.Kind {
	case Date:
		return float64(max(w, 12))
	case DateTime:
		return float64(max(w, 17))
	case Int, Float, Percent:
		return float64(max(w, 10))
	}
	for j, r := range rows {
		if j > 500 { // enough to judge
			break
		}
		if i < len(r) {
			if s, ok := r[i].(string); ok {
				w = max(w, utf8.RuneCountInString(s)+2)
			}
		}
	}
	return float64(min(w, 60))
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
