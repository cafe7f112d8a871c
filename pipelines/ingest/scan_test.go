package ingest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// scanRecords runs the record scanner over data cut into chunks of the given
// sizes (the rest in one chunk), byte by byte when slow is set.
func scanRecords(data []byte, chunks []int, slow bool) *csvScan {
	s := &csvScan{}
	r := recordScanner{s: s, line: 1, atField: true, recStart: true, header: true, maxRecord: DefaultMaxRecordBytes}
	feed := func(p []byte) {
		if !slow {
			r.feed(p)
			return
		}
		for _, c := range p {
			r.step(c)
		}
	}
	for _, n := range chunks {
		n = min(n, len(data))
		feed(data[:n])
		data = data[n:]
	}
	feed(data)
	_ = r.end()
	return s
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
		want := scanRecords(data, nil, true)
		got := scanRecords(data, chunks, false)
		if !slices.Equal(got.lines, want.lines) || !slices.Equal(got.offsets, want.offsets) ||
			got.delim != want.delim || !slices.Equal(got.header, want.header) {
			t.Fatalf("case %d %q cut at %v: lines %v offsets %v, byte by byte lines %v offsets %v",
				i, c, chunks, got.lines, got.offsets, want.lines, want.offsets)
		}
	}
}
