package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings accepted by --encoding.
const (
	EncodingAuto        = ""
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
)

// csvScan is what the Go pre-pass learns of a CSV file before DuckDB reads it.
type csvScan struct {
	path     string // the file DuckDB reads: the original, or a UTF-8 copy
	temp     bool   // path is a temporary copy to remove
	encoding string
	delim    byte
	header   []string // raw header cells
	// records lists, for each record after the header, its first physical
	// line (1-based) and its byte offset in path; blank lines are not records.
	lines   []int64
	offsets []int64
}

// scanCSV reads a CSV (or .csv.gz) file once: it checks the encoding,
// detects the separator from the header line and records where each record
// starts. A gzip file, or a Windows-1252 one, is written out as a plain
// UTF-8 copy in tmpDir for DuckDB to read.
func scanCSV(path, tmpDir, forceEncoding string) (*csvScan, error) {
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	enc := forceEncoding
	if enc == EncodingAuto {
		valid, err := isUTF8(path, gz)
		if err != nil {
			return nil, err
		}
		enc = EncodingUTF8
		if !valid {
			enc = EncodingWindows1252
		}
	}
	s := &csvScan{path: path, encoding: enc}
	if gz || enc == EncodingWindows1252 {
		tmp, err := os.CreateTemp(tmpDir, "extract-*.csv")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s.path, s.temp = tmp.Name(), true
		r, closeR, err := openDecoded(path, gz, enc)
		if err != nil {
			tmp.Close()
			return nil, err
		}
		bw := bufio.NewWriterSize(tmp, 1<<20)
		_, err = io.Copy(bw, r)
		closeR()
		if err == nil {
			err = bw.Flush()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := s.records(f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func openDecoded(path string, gz bool, enc string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	closers := []func() error{f.Close}
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: not a gzip file: %w", path, err)
		}
		closers = append(closers, zr.Close)
		r = zr
	}
	if enc == EncodingWindows1252 {
		r = charmap.Windows1252.NewDecoder().Reader(r)
	}
	return r, func() {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i]()
		}
	}, nil
}

// isUTF8 tells whether the whole (decompressed) file is valid UTF-8.
func isUTF8(path string, gz bool) (bool, error) {
	r, closeR, err := openDecoded(path, gz, EncodingUTF8)
	if err != nil {
		return false, err
	}
	defer closeR()
	buf := make([]byte, 1<<20)
	var carry []byte
	for {
		n, err := r.Read(buf)
		chunk := append(carry, buf[:n]...)
		// Keep an incomplete rune at the end for the next chunk.
		cut := len(chunk)
		for i := 0; i < utf8.UTFMax && cut > 0; i++ {
			if utf8.RuneStart(chunk[cut-1]) {
				if utf8.FullRune(chunk[cut-1:]) {
					cut = len(chunk) // the last rune is complete
				} else {
					cut--
				}
				break
			}
			cut--
		}
		if cut < len(chunk)-utf8.UTFMax {
			cut = len(chunk)
		}
		if !utf8.Valid(chunk[:cut]) {
			return false, nil
		}
		carry = append(carry[:0], chunk[cut:]...)
		if errors.Is(err, io.EOF) {
			return len(carry) == 0 || utf8.Valid(carry), nil
		}
		if err != nil {
			return false, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// records walks the file once, quote-aware, noting where each record starts.
// The header line gives the separator: the most frequent of ; , and tab
// outside quotes, ; on a tie.
func (s *csvScan) records(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		line      int64 = 1
		offset    int64
		inQuote   bool
		atField   = true // at the start of a field
		recStart  = true
		recLine   int64
		recOffset int64
		header    = true
		headBuf   []byte
		blank     = true
	)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
		offset = 3
	}
	for {
		c, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if recStart {
			recStart, recLine, recOffset, blank = false, line, offset, true
		}
		offset++
		if header {
			headBuf = append(headBuf, c)
		}
		switch {
		case c == '"':
			if inQuote {
				if next, _ := br.Peek(1); len(next) == 1 && next[0] == '"' {
					_, _ = br.ReadByte()
					offset++
					if header {
						headBuf = append(headBuf, '"')
					}
				} else {
					inQuote = false
				}
			} else if atField {
				inQuote = true
			}
			atField, blank = false, false
		case c == '\n':
			line++
			if inQuote {
				continue
			}
			if header {
				s.setHeader(headBuf)
				header, headBuf = false, nil
			} else if !blank {
				s.lines = append(s.lines, recLine)
				s.offsets = append(s.offsets, recOffset)
			}
			recStart, atField = true, true
		case c == '\r':
			// part of a CRLF line end
		default:
			if header {
				atField = c == ';' || c == ',' || c == '\t'
			} else {
				atField = c == s.delim
			}
			if c != ' ' && c != '\t' {
				blank = false
			}
		}
	}
	if header {
		if len(headBuf) == 0 {
			return errors.New("the file is empty: a header line is expected")
		}
		s.setHeader(headBuf)
	} else if !recStart && !blank {
		s.lines = append(s.lines, recLine)
		s.offsets = append(s.offsets, recOffset)
	}
	return nil
}

func (s *csvScan) setHeader(b []byte) {
	b = bytes.TrimRight(b, "\r\n")
	counts := map[byte]int{}
	inQuote := false
	for _, c := range b {
		if c == '"' {
			inQuote = !inQuote
		} else if !inQuote && (c == ';' || c == ',' || c == '\t') {
			counts[c]++
		}
	}
	s.delim = ';'
	if counts[','] > counts[s.delim] {
		s.delim = ','
	}
	if counts['\t'] > counts[s.delim] {
		s.delim = '\t'
	}
	var cells []string
	for _, f := range splitQuoted(string(b), s.delim) {
		cells = append(cells, f)
	}
	s.header = cells
}

// splitQuoted splits one CSV line on sep, honouring double quotes.
func splitQuoted(line string, sep byte) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"' && inQuote && i+1 < len(line) && line[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			inQuote = !inQuote
		case c == sep && !inQuote:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}
