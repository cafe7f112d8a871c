package ingest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scanRecords runs the record scanner over data cut into chunks of the given
// sizes (the rest in one chunk), byte by byte when slow is set; err is the
// scanner's verdict at the end (an unterminated quote).
func scanRecords(data []byte, chunks []int, slow bool) (_ *csvScan, err error) {
	s := &csvScan{}
	r := recordScanner{s: s, line: 1, atField: true, recStart: true, header: true, maxRecord: DefaultMaxRecordBytes}
	feed := func(p []byte) {
		if !slow {
			r.feed(p)
			return
		}
		for _, c := range p {
			if r.err != nil { // as feed: a failed scan reads no further
				return
			}
			r.step(c)
		}
	}
	for _, n := range chunks {
		n = min(n, len(data))
		feed(data[:n])
		data = data[n:]
	}
	feed(data)
	if r.err != nil {
		return s, r.err
	}
	return s, r.end()
}

// TestRecordScannerFastPaths checks that the fast paths of feed (whole lines
// without quotes, runs of plain bytes, quoted runs) find the same records,
// lines and offsets as the byte-by-byte scanner, on hand-made cases and on
// random CSV text cut into random chunks: quotes opening a field or inside
// one, doubled quotes, line ends inside quotes, CRLF, blank lines, lines of
// spaces, separators of every kind.
func TestRecordScannerFastPaths(t *testing.T) {
	cases := []string{
		"a;b\n1;2\n3;4\n",
		"a;b\r\n1;\"x\r\ny\"\r\n\r\n  \r\n3;4",
		"a,b\n\"1\",\"2\"\"\"\n x\"y\",z\n\n",
		"a\tb\n\"\"\"\"\t\"\n\"\n\t\n",
		"a;b\n1;\"unterminated\n2;3\n",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "1", ";", ",", "\t", " ", "\"", "\"\"", "\n", "\r\n", "\r", "é"}
	for range 3000 {
		var b strings.Builder
		b.WriteString("id;x\n")
		for range rng.IntN(60) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for i, c := range cases {
		data := []byte(c)
		var chunks []int
		for range rng.IntN(4) {
			chunks = append(chunks, rng.IntN(len(data)+1))
		}
		want, werr := scanRecords(data, nil, true)
		got, gerr := scanRecords(data, chunks, false)
		if !slices.Equal(starts(got), starts(want)) ||
			got.delim != want.delim || !slices.Equal(got.header, want.header) || fmt.Sprint(gerr) != fmt.Sprint(werr) ||
			got.mixedEOL != want.mixedEOL {
			t.Fatalf("case %d %q cut at %v: records start at %v, byte by byte at %v", i, c, chunks, starts(got), starts(want))
		}
	}
}

// starts lists where the records of s start (nil for a scan refused).
func starts(s *csvScan) []recordStart {
	if s == nil {
		return nil
	}
	var out []recordStart
	for i := range s.records.len() {
		out = append(out, s.records.at(i))
	}
	return out
}

// TestRecordReaderAgreesWithTheScanner checks that the quarantine's reader
// of one record (recordReader) ends each record where the scanner starts the
// next one (only blank lines between them), on the same random CSV text as
// TestRecordScannerFastPaths, read in order and out of order.
func TestRecordReaderAgreesWithTheScanner(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "1", ";", ",", "\t", " ", "\"", "\"\"", "\n", "\r\n", "\r", "é"}
	path := filepath.Join(t.TempDir(), "f.csv")
	for i := range 2000 {
		var b strings.Builder
		b.WriteString("id;x\n")
		for range rng.IntN(60) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		data := []byte(b.String())
		s, err := scanRecords(data, nil, true)
		if err != nil {
			continue // a file the scan refuses is never read again
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		order := rng.Perm(s.records.len())
		if i%2 == 0 {
			slices.Sort(order)
		}
		rd := recordReader{f: f, delim: ';', max: DefaultMaxRecordBytes}
		for _, k := range order {
			start := s.records.at(k).offset
			next := int64(len(data))
			if k+1 < s.records.len() {
				next = s.records.at(k + 1).offset
			}
			rec, err := rd.record(start)
			if err != nil {
				t.Fatal(err)
			}
			end := start + int64(len(rec))
			if end > next || strings.Trim(string(data[end:next]), " \t\r\n") != "" ||
				end < int64(len(data)) && rec[len(rec)-1] != '\n' {
				t.Fatalf("case %d %q: record %d read as %q, the next starts at %d", i, data, k, rec, next)
			}
		}
		f.Close()
	}
}
