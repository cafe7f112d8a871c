package demo

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// tableWriter streams one table to one CSV file (`;`-separated, UTF-8, a
// header line, fields quoted as encoding/csv would), optionally gzipped, to
// a temporary name that commit renames into place.
type tableWriter struct {
	table, file string
	path, tmp   string
	f           *os.File
	bw          *bufio.Writer
	gz          *gzip.Writer
	async       *asyncWriter
	enc         *transform.Writer // Windows-1252 encoder, or nil
	w           *bufio.Writer     // where rows go: bw, or a buffer in front of the compressor
	row         []byte
	first       bool
	rows        int
	err         error
}

func newTableWriter(dir, table string, gz, windows1252 bool, header []string) (*tableWriter, error) {
	file := table + ".csv"
	if gz {
		file += ".gz"
	}
	f, err := os.CreateTemp(dir, "."+file+".tmp-*") // mode 0600: the files hold identities
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", file, err)
	}
	t := &tableWriter{table: table, file: file, path: filepath.Join(dir, file), tmp: f.Name(), f: f, first: true}
	t.bw = bufio.NewWriterSize(f, 1<<18)
	t.w = t.bw
	if gz {
		// Compression runs in its own goroutine, so generating and
		// compressing the two big tables use both cores; bytes keep their
		// order, so the output stays deterministic.
		t.gz, _ = gzip.NewWriterLevel(t.bw, gzip.BestSpeed) // a valid level never errors
		t.async = newAsyncWriter(t.gz)
		t.w = bufio.NewWriterSize(t.async, 1<<18)
	}
	if windows1252 {
		// As many spreadsheet exports on Windows write it (’, œ, € and
		// « » included); ingest detects it.
		t.enc = transform.NewWriter(t.bw, charmap.Windows1252.NewEncoder())
		t.w = bufio.NewWriterSize(t.enc, 1<<16)
	}
	for _, h := range header {
		t.str(h)
	}
	t.rows = -1 // the header is not a row
	if err := t.end(); err != nil {
		t.abort()
		return nil, err
	}
	return t, nil
}

// sep starts a field.
func (t *tableWriter) sep() {
	if !t.first {
		t.row = append(t.row, ';')
	}
	t.first = false
}

// str writes a text field, quoted when it holds the separator, a quote, a
// line break or a leading space.
func (t *tableWriter) str(s string) {
	t.sep()
	quote := len(s) > 0 && (s[0] == ' ' || s[0] == '\t')
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case ';', '"', '\n', '\r':
			quote = true
		}
	}
	if !quote {
		t.row = append(t.row, s...)
		return
	}
	t.row = append(t.row, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			t.row = append(t.row, '"')
		}
		t.row = append(t.row, s[i])
	}
	t.row = append(t.row, '"')
}

// empty writes an empty field (NULL).
func (t *tableWriter) empty() { t.sep() }

// id writes prefix followed by n padded with zeros to width digits.
func (t *tableWriter) id(prefix string, n, width int) {
	t.sep()
	t.row = appendID(t.row, prefix, n, width)
}

func appendID(b []byte, prefix string, n, width int) []byte {
	b = append(b, prefix...)
	return appendPadded(b, n, width)
}

func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// dateFormat selects how dates are written; both are legal in the contract.
type dateFormat int

const (
	frDate  dateFormat = iota // dd/mm/yyyy
	isoDate                   // yyyy-mm-dd
)

// date writes d, or an empty field for noDay.
func (t *tableWriter) date(d day, f dateFormat) {
	t.sep()
	if d == noDay {
		return
	}
	t.row = appendDate(t.row, d, f)
}

func appendDate(b []byte, d day, f dateFormat) []byte {
	y, m, dd := d.ymd()
	if f == isoDate {
		b = appendPadded(b, y, 4)
		b = append(b, '-')
		b = appendPadded(b, m, 2)
		b = append(b, '-')
		return appendPadded(b, dd, 2)
	}
	b = appendPadded(b, dd, 2)
	b = append(b, '/')
	b = appendPadded(b, m, 2)
	b = append(b, '/')
	return appendPadded(b, y, 4)
}

// dtFormat selects how date-times are written; all are legal in the contract.
type dtFormat int

const (
	frMinutes   dtFormat = iota // dd/mm/yyyy hh:mm
	frSeconds                   // dd/mm/yyyy hh:mm:ss
	isoSeconds                  // yyyy-mm-dd hh:mm:ss
	isoT                        // yyyy-mm-ddThh:mm
	isoTSeconds                 // yyyy-mm-ddThh:mm:ss
)

// dateTime writes a local date-time: day d, minute of the day min, second sec.
func (t *tableWriter) dateTime(d day, min, sec int, f dtFormat) {
	t.sep()
	if d == noDay {
		return
	}
	df := isoDate
	if f == frMinutes || f == frSeconds {
		df = frDate
	}
	t.row = appendDate(t.row, d, df)
	if f == isoT || f == isoTSeconds {
		t.row = append(t.row, 'T')
	} else {
		t.row = append(t.row, ' ')
	}
	t.row = appendPadded(t.row, min/60, 2)
	t.row = append(t.row, ':')
	t.row = appendPadded(t.row, min%60, 2)
	if f == frSeconds || f == isoSeconds || f == isoTSeconds {
		t.row = append(t.row, ':')
		t.row = appendPadded(t.row, sec, 2)
	}
}

// month writes yyyy-mm of a month index (y*12 + m-1).
func (t *tableWriter) month(mi int) {
	t.sep()
	t.row = appendPadded(t.row, mi/12, 4)
	t.row = append(t.row, '-')
	t.row = appendPadded(t.row, mi%12+1, 2)
}

// boolStyle selects how booleans are written.
type boolStyle int

const (
	ouiNon   boolStyle = iota // oui/non
	oneZero                   // 1/0
	vraiFaux                  // vrai/faux
)

var boolWords = [...][2]string{ouiNon: {"non", "oui"}, oneZero: {"0", "1"}, vraiFaux: {"faux", "vrai"}}

func (t *tableWriter) boolean(v bool, s boolStyle) {
	t.sep()
	i := 0
	if v {
		i = 1
	}
	t.row = append(t.row, boolWords[s][i]...)
}

// optBool writes a boolean that may be unknown (empty).
func (t *tableWriter) optBool(v, known bool, s boolStyle) {
	if !known {
		t.empty()
		return
	}
	t.boolean(v, s)
}

// decimal writes an amount in cents with a decimal point or comma.
func (t *tableWriter) decimal(c int, comma bool) {
	t.sep()
	t.row = strconv.AppendInt(t.row, int64(c/100), 10)
	if comma {
		t.row = append(t.row, ',')
	} else {
		t.row = append(t.row, '.')
	}
	t.row = appendPadded(t.row, c%100, 2)
}

// end finishes the row.
func (t *tableWriter) end() error {
	t.row = append(t.row, '\n')
	if t.err == nil {
		_, t.err = t.w.Write(t.row)
	}
	t.row = t.row[:0]
	t.first = true
	t.rows++
	return t.err
}

// commit flushes, syncs and closes the file, then renames it into place.
func (t *tableWriter) commit() error {
	err := t.err
	if t.enc != nil {
		if err == nil {
			err = t.w.Flush()
		}
		if e := t.enc.Close(); err == nil {
			err = e
		}
	}
	if t.async != nil {
		if err == nil {
			err = t.w.Flush()
		}
		if e := t.async.Close(); err == nil {
			err = e
		}
		if e := t.gz.Close(); err == nil {
			err = e
		}
	}
	if err == nil {
		err = t.bw.Flush()
	}
	if err == nil {
		err = t.f.Sync()
	}
	if e := t.f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(t.tmp, t.path)
	}
	if err != nil {
		os.Remove(t.tmp)
		return fmt.Errorf("write %s: %w", t.file, err)
	}
	return nil
}

// abort drops the temporary file.
func (t *tableWriter) abort() {
	if t.async != nil {
		t.async.Close()
	}
	t.f.Close()
	os.Remove(t.tmp)
}

// asyncWriter hands copies of what it is given to a goroutine that writes
// them, in order, to w. Close waits for the goroutine and returns the first
// write error.
type asyncWriter struct {
	ch     chan []byte
	free   chan []byte
	done   chan error
	closed bool
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{ch: make(chan []byte, 3), free: make(chan []byte, 4), done: make(chan error, 1)}
	for i := 0; i < 4; i++ {
		a.free <- make([]byte, 0, 1<<18)
	}
	go func() {
		var err error
		for b := range a.ch {
			if err == nil {
				_, err = w.Write(b)
			}
			a.free <- b
		}
		a.done <- err
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	if a.closed {
		return 0, errors.New("write after close")
	}
	b := <-a.free
	a.ch <- append(b[:0], p...)
	return len(p), nil
}

func (a *asyncWriter) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	close(a.ch)
	return <-a.done
}
