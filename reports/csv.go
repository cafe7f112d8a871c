package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSV for a spreadsheet: the files that a person opens in Excel or
// LibreOffice (written into a report folder, delivered, or exported from the
// console). A spreadsheet evaluates a cell that starts with =, +, - or @ as a
// formula (and some also after a tab or a carriage return): such a text cell
// is written with a leading apostrophe, which the spreadsheet shows as text,
// as the workbooks write text cells as text. Numbers stay numbers. The
// command line's --format csv on standard output, which scripts read, is not
// written this way: it stays exact.

// NeutralizeCell returns a text cell that a spreadsheet will not evaluate.
func NeutralizeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SpreadsheetCSV writes CSV for a spreadsheet: separated by ';' (what a
// French spreadsheet opens directly), UTF-8 with a byte-order mark (so that
// accents read right), CRLF line ends, decimal commas, dates dd/mm/yyyy, text
// cells neutralised.
type SpreadsheetCSV struct {
	w   *csv.Writer
	rec []string
}

// NewSpreadsheetCSV starts a CSV for a spreadsheet on w: the byte-order mark,
// then the header.
func NewSpreadsheetCSV(w io.Writer, header []string) (*SpreadsheetCSV, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	c := &SpreadsheetCSV{w: csv.NewWriter(w)}
	c.w.Comma, c.w.UseCRLF = ';', true
	h := make([]string, len(header))
	for i, s := range header {
		h[i] = NeutralizeCell(s)
	}
	if err := c.w.Write(h); err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	return c, nil
}

// Write writes one row of values: string, time.Time, integers, floats, bool,
// or nil for an empty cell.
func (c *SpreadsheetCSV) Write(row []any) error {
	c.rec = c.rec[:0]
	for _, v := range row {
		c.rec = append(c.rec, spreadsheetCell(v))
	}
	if err := c.w.Write(c.rec); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// Close flushes the rows written.
func (c *SpreadsheetCSV) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

func spreadsheetCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return NeutralizeCell(x)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("02/01/2006")
		}
		return x.Format("02/01/2006 15:04")
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float32:
		return strings.Replace(strconv.FormatFloat(float64(x), 'f', -1, 32), ".", ",", 1)
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case bool:
		if x {
			return "oui"
		}
		return "non"
	default:
		return NeutralizeCell(fmt.Sprint(x))
	}
}

// WriteSpreadsheetCSV writes a CSV for a spreadsheet to path, atomically,
// mode 0600 (a report folder's files hold personal data).
func WriteSpreadsheetCSV(path string, header []string, rows [][]any) error {
	return writeAtomic(path, func(w io.Writer) error {
		c, err := NewSpreadsheetCSV(w, header)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := c.Write(r); err != nil {
				return err
			}
		}
		return c.Close()
	})
}
