package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
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
	path      string // the file DuckDB reads: the original, or a UTF-8 copy
	temp      bool   // path is a temporary copy to remove
	encoding  string
	maxRecord int64 // Limits.MaxRecordBytes: every record is shorter
	delim     byte
	header    []string // raw header cells
	// records lists, for each record after the header, its first physical
	// line (1-based) and its byte offset in path; blank lines are not records.
	records recordList
	// mixedEOL is the first line whose end (CRLF or LF, outside quotes)
	// is of the other kind than those before, 0 if there is none.
	mixedEOL int64
}

// scanCSV reads a CSV (or .csv.gz) file once: it checks the encoding,
// detects the separator from the header line and records where each record
// starts, in one streaming pass. A gzip file, or a Windows-1252 one, is
// written out as a plain UTF-8 copy in tmpDir for DuckDB to read. A file
// found not to be UTF-8 half-way is read again as Windows-1252.
func scanCSV(ctx context.Context, path, tmpDir, forceEncoding string, lim Limits) (*csvScan, error) {
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	var s *csvScan
	var err error
	if forceEncoding != EncodingWindows1252 {
		s, err = scanPass(ctx, path, tmpDir, gz, EncodingUTF8, forceEncoding == EncodingAuto, lim)
	}
	if forceEncoding == EncodingWindows1252 || errors.Is(err, errNotUTF8) {
		s, err = scanPass(ctx, path, tmpDir, gz, EncodingWindows1252, forceEncoding == EncodingAuto, lim)
	}
	if err != nil || s.mixedEOL == 0 {
		return s, err
	}
	// Line ends of both kinds: DuckDB reads a copy whose line ends are all
	// LF (the same lines; the values as they were).
	copyPath, err := normalizeEOL(s, tmpDir)
	if s.temp {
		os.Remove(s.path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s : %w", path, err)
	}
	n, err := scanPass(ctx, copyPath, tmpDir, false, EncodingUTF8, false, lim)
	if err != nil {
		os.Remove(copyPath)
		return nil, err
	}
	n.temp, n.encoding, n.mixedEOL = true, s.encoding, s.mixedEOL
	return n, nil
}

// normalizeEOL writes, in tmpDir, a copy of the file of s whose line ends
// outside quotes (see quoteState) are all LF, a CR before a LF dropped, and
// returns its path. Inside quotes nothing changes.
func normalizeEOL(s *csvScan, tmpDir string) (string, error) {
	in, err := os.Open(s.path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(tmpDir, "extract-lf-*.csv")
	if err != nil {
		return "", err
	}
	r, w := bufio.NewReaderSize(in, 1<<20), bufio.NewWriterSize(out, 1<<20)
	q := quoteState{delim: s.delim}
	cr := false // a CR outside quotes, written unless a LF follows
	for err == nil {
		var c byte
		if c, err = r.ReadByte(); err != nil {
			break
		}
		end := q.next(c)
		if cr && !end {
			w.WriteByte('\r')
		}
		cr = c == '\r' && !q.inQuote
		if !cr {
			w.WriteByte(c)
		}
	}
	if cr {
		w.WriteByte('\r')
	}
	if err == io.EOF {
		err = w.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// errNotUTF8 stops a pass that finds bytes that are not UTF-8.
var errNotUTF8 = errors.New("not UTF-8")

func scanPass(ctx context.Context, path, tmpDir string, gz bool, enc string, checkEncoding bool, lim Limits) (_ *csvScan, err error) {
	var mix *mixCheck
	if checkEncoding && enc == EncodingWindows1252 {
		mix = &mixCheck{line: 1}
	}
	r, closeR, err := openDecoded(path, gz, enc, mix)
	if err != nil {
		return nil, err
	}
	checkUTF8 := checkEncoding && enc == EncodingUTF8
	defer closeR()
	s := &csvScan{path: path, encoding: enc, maxRecord: lim.MaxRecordBytes}
	var tmp *os.File
	if gz || enc == EncodingWindows1252 {
		if tmp, err = os.CreateTemp(tmpDir, "extract-*.csv"); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s.path, s.temp = tmp.Name(), true
		defer func() {
			if cerr := tmp.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("%s: %w", path, cerr)
			}
			if err != nil {
				os.Remove(tmp.Name())
			}
		}()
	}
	var u utf8Check
	phaseHook("scan")
	rec := recordScanner{s: s, line: 1, atField: true, recStart: true, header: true, maxRecord: lim.MaxRecordBytes}
	buf := make([]byte, 1<<20)
	first := true
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, rerr := io.ReadFull(r, buf)
		chunk := buf[:n]
		if total += int64(n); total > lim.MaxFileBytes {
			return nil, &FileError{File: path, Reason: fmt.Sprintf("le fichier dépasse %s une fois décompressé (limite de taille d'un fichier) : c'est plus qu'une extraction nationale ; vérifiez le fichier", mib(lim.MaxFileBytes))}
		}
		if tmp != nil && n > 0 {
			if _, err := tmp.Write(chunk); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		if checkUTF8 && !u.feed(chunk) {
			return nil, errNotUTF8
		}
		if first {
			first = false
			if bytes.HasPrefix(chunk, []byte{0xEF, 0xBB, 0xBF}) {
				chunk = chunk[3:]
				rec.offset = 3
			}
		}
		rec.feed(chunk)
		if rec.err != nil {
			return nil, &FileError{File: path, Line: rec.errLine, Reason: rec.err.Error()}
		}
		if len(rec.s.header) > lim.MaxColumns {
			return nil, &FileError{File: path, Line: 1, Reason: fmt.Sprintf("l'en-tête a %d colonnes, plus que la limite de %d", len(rec.s.header), lim.MaxColumns)}
		}
		var gzErr *gzipError
		if errors.As(rerr, &gzErr) {
			return nil, &FileError{File: path, Reason: "n'est pas un fichier gzip lisible (" + gzErr.reason() + ")"}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("%s: %w", path, rerr)
		}
	}
	if checkUTF8 && !u.done() {
		return nil, errNotUTF8
	}
	if err := rec.end(); err != nil {
		return nil, &FileError{File: path, Line: rec.errLine, Reason: err.Error()}
	}
	if len(s.header) > lim.MaxColumns {
		return nil, &FileError{File: path, Line: 1, Reason: fmt.Sprintf("l'en-tête a %d colonnes, plus que la limite de %d", len(s.header), lim.MaxColumns)}
	}
	if mix != nil {
		if err := mix.verdict(path); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// gzipStream tells the decompressor's failures from the end of the data: a
// stream cut short reads as io.ErrUnexpectedEOF, which io.ReadFull also
// returns for a last short chunk, and a file loaded up to its break would
// be a silent loss.
type gzipStream struct{ r io.Reader }

func (g gzipStream) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = &gzipError{err}
	}
	return n, err
}

// gzipError is a .gz file that does not decompress to its end.
type gzipError struct{ err error }

func (e *gzipError) Error() string { return "gzip: " + e.err.Error() }
func (e *gzipError) Unwrap() error { return e.err }

func (e *gzipError) reason() string {
	switch {
	case errors.Is(e.err, io.ErrUnexpectedEOF):
		return "le fichier s'arrête avant la fin de ses données compressées : copie incomplète ?"
	case errors.Is(e.err, gzip.ErrChecksum):
		return "somme de contrôle fausse : le fichier est abîmé"
	}
	return "données compressées abîmées : " + e.err.Error()
}

func openDecoded(path string, gz bool, enc string, mix *mixCheck) (io.Reader, func(), error) {
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
			return nil, nil, &FileError{File: path, Reason: "n'est pas un fichier gzip lisible (" + readerError(err, path) + ")"}
		}
		closers = append(closers, zr.Close)
		r = gzipStream{zr}
	}
	if mix != nil {
		r = io.TeeReader(r, mix)
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

// utf8Check validates a stream of chunks as UTF-8, a rune possibly cut
// between two chunks.
type utf8Check struct{ carry []byte }

// feed checks the next chunk; false once the stream is not UTF-8.
func (u *utf8Check) feed(p []byte) bool {
	if len(u.carry) > 0 {
		// Complete the rune cut at the end of the previous chunk.
		i := 0
		for ; !utf8.FullRune(u.carry) && i < len(p); i++ {
			u.carry = append(u.carry, p[i])
		}
		if !utf8.FullRune(u.carry) {
			return true // still cut: p was tiny
		}
		if !utf8.Valid(u.carry) {
			return false
		}
		u.carry, p = u.carry[:0], p[i:]
	}
	// Keep an incomplete rune at the end for the next chunk.
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		return false
	}
	u.carry = append(u.carry, p[cut:]...)
	return true
}

// done tells whether the stream ended on a complete rune.
func (u *utf8Check) done() bool { return len(u.carry) == 0 }

// recordList is where each record of a file starts, in blocks of a fixed
// size: the largest file at scale 10 has 15 million records, and one slice
// grown by append copied itself again and again into fresh memory, the
// garbage collector spinning meanwhile to stop the scanner in the middle of
// a copy (a third of the Go pass's CPU, measured on that file).
type recordList struct {
	blocks [][]recordStart
	n      int
}

// recordStart is a record's first physical line (1-based) and its byte
// offset.
type recordStart struct{ line, offset int64 }

const recordBlock = 1 << 16

func (l *recordList) add(line, offset int64) {
	if l.n%recordBlock == 0 {
		l.blocks = append(l.blocks, make([]recordStart, 0, recordBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, recordStart{line, offset})
	l.n++
}

// len is the number of records.
func (l *recordList) len() int { return l.n }

// at returns where record i starts.
func (l *recordList) at(i int) recordStart { return l.blocks[i/recordBlock][i%recordBlock] }

// recordScanner walks the bytes of a CSV file, quote-aware, noting where
// each record starts. The header line gives the separator: the most frequent
// of ; , and tab outside quotes, ; on a tie.
type recordScanner struct {
	s             *csvScan
	line, offset  int64
	inQuote       bool
	quotePending  bool // a " inside quotes: an escaped "" or the closing quote
	atField       bool // at the start of a field
	recStart      bool
	recLine       int64
	recOffset     int64
	header, blank bool
	headBuf       []byte
	// maxRecord bounds a record's bytes; quoteLine is where the open quote
	// opened; err and errLine stop the scan.
	maxRecord int64
	quoteLine int64
	err       error
	errLine   int64
	// lastByte is the byte before the next one; crlf and lf count the
	// line ends outside quotes of each kind (DuckDB's reader refuses a file
	// that mixes them).
	lastByte byte
	crlf, lf int64
}

func (r *recordScanner) feed(p []byte) {
	defer r.checkLength()
	for i := 0; i < len(p) && r.err == nil; {
		if r.header || r.quotePending {
			r.step(p[i])
			i++
			continue
		}
		if r.inQuote {
			// Inside quotes only the next quote matters; the line ends
			// before it belong to the field.
			seg := p[i:]
			if q := bytes.IndexByte(seg, '"'); q >= 0 {
				seg = seg[:q]
			}
			r.line += int64(bytes.Count(seg, []byte{'\n'}))
			r.offset += int64(len(seg))
			if len(seg) > 0 {
				r.lastByte = seg[len(seg)-1]
			}
			i += len(seg)
			if i < len(p) {
				r.step(p[i])
				i++
			}
			continue
		}
		nl := bytes.IndexByte(p[i:], '\n')
		end := len(p) - i
		if nl >= 0 {
			end = nl
		}
		q := bytes.IndexByte(p[i:i+end], '"')
		if r.recStart && nl >= 0 && q < 0 {
			// A whole line without a quote: one record, or a blank line.
			if int64(nl) > r.maxRecord {
				r.fail(r.line, fmt.Errorf("la ligne dépasse %s (limite de longueur d'une ligne)", mib(r.maxRecord)))
				return
			}
			if !blankLine(p[i : i+nl]) {
				r.s.records.add(r.line, r.offset)
			}
			if nl > 0 {
				r.lastByte = p[i+nl-1]
			}
			r.lineEnd()
			r.lastByte = '\n'
			r.line++
			r.offset += int64(nl + 1)
			i += nl + 1
			continue
		}
		// The bytes before the next quote or line end, then that byte.
		if q >= 0 {
			end = q
		}
		if end > 0 {
			r.plain(p[i : i+end])
			i += end
		}
		if i < len(p) {
			r.step(p[i])
			i++
		}
	}
}

// quoteState follows CSV text byte by byte as recordScanner reads it, for
// the passes that read it again (a record for the quarantine, a copy with
// one kind of line end): a quote opens a quoted field only at the start of a
// field, "" inside quotes is a quote, a LF outside quotes ends a line.
type quoteState struct {
	delim   byte
	inQuote bool
	pending bool // a quote inside quotes: "" or the closing one
	inField bool // past the start of a field
}

// next takes the next byte and tells whether it ends a line.
func (q *quoteState) next(c byte) bool {
	if q.pending {
		q.pending = false
		if c == '"' {
			return false
		}
		q.inQuote = false
	}
	if q.inQuote {
		q.pending = c == '"'
		return false
	}
	switch c {
	case '"':
		q.inQuote, q.inField = !q.inField, true
	case '\n':
		q.inField = false
		return true
	case '\r':
	default:
		q.inField = c != q.delim
	}
	return false
}

// lineEnd counts a line end outside quotes (r.lastByte is the byte before
// it), and notes the first line whose end is of the other kind than those
// before: DuckDB's reader detects one kind and fails on the other, so such a
// file is read from a copy with every line end made a LF (normalizeEOL).
func (r *recordScanner) lineEnd() {
	if r.lastByte == '\r' {
		r.crlf++
	} else {
		r.lf++
	}
	if r.crlf > 0 && r.lf > 0 && r.s.mixedEOL == 0 {
		r.s.mixedEOL = r.line
	}
}

// checkLength stops the scan once the record under way, or the header,
// is longer than the limit: an unterminated quote or a giant cell is found
// within a chunk of the limit, whatever the size of the file.
func (r *recordScanner) checkLength() {
	if r.err != nil {
		return
	}
	switch {
	case r.header && int64(len(r.headBuf)) > r.maxRecord:
		r.fail(1, fmt.Errorf("l'en-tête dépasse %s (limite de longueur d'une ligne)", mib(r.maxRecord)))
	case !r.recStart && r.offset-r.recOffset > r.maxRecord:
		if r.inQuote {
			r.fail(r.quoteLine, fmt.Errorf("le guillemet ouvert à cette ligne n'est pas fermé dans les %s qui suivent : guillemets mal fermés (un champ ne peut dépasser cette limite)", mib(r.maxRecord)))
			return
		}
		r.fail(r.recLine, fmt.Errorf("la ligne dépasse %s (limite de longueur d'une ligne)", mib(r.maxRecord)))
	}
}

func (r *recordScanner) fail(line int64, err error) {
	if r.err == nil {
		r.err, r.errLine = err, line
	}
}

// plain takes, outside quotes, bytes that hold no quote and no line end.
func (r *recordScanner) plain(seg []byte) {
	r.startRecord()
	r.offset += int64(len(seg))
	r.lastByte = seg[len(seg)-1]
	r.blank = r.blank && blankLine(seg)
	// A carriage return leaves atField as it was (see step).
	for k := len(seg) - 1; k >= 0; k-- {
		if seg[k] != '\r' {
			r.atField = seg[k] == r.s.delim
			break
		}
	}
}

// startRecord notes, at the first byte of a record, where it starts.
func (r *recordScanner) startRecord() {
	if r.recStart {
		r.recStart, r.recLine, r.recOffset, r.blank = false, r.line, r.offset, true
	}
}

// blankLine tells whether a line is empty (a carriage return aside): DuckDB's
// reader skips such a line, while a line of spaces or tabs is a record to it
// (read, or rejected for its number of fields).
func blankLine(b []byte) bool {
	for _, c := range b {
		if c != '\r' {
			return false
		}
	}
	return true
}

// step takes one byte, outside the fast path of feed.
func (r *recordScanner) step(c byte) {
	s := r.s
	if r.quotePending {
		r.quotePending = false
		if c == '"' { // "" inside quotes: one quote character
			r.offset++
			r.lastByte = c
			if r.header {
				r.headBuf = append(r.headBuf, c)
			}
			return
		}
		r.inQuote = false
	}
	r.startRecord()
	r.offset++
	if r.header {
		r.headBuf = append(r.headBuf, c)
	}
	switch {
	case c == '"':
		if r.inQuote {
			r.quotePending = true
		} else if r.atField {
			r.inQuote, r.quoteLine = true, r.line
		}
		r.atField, r.blank, r.lastByte = false, false, c
	case c == '\n':
		if !r.inQuote {
			r.lineEnd()
		}
		r.lastByte = c
		r.line++
		if r.inQuote {
			return
		}
		if r.header {
			s.setHeader(r.headBuf)
			r.header, r.headBuf = false, nil
		} else if !r.blank {
			s.records.add(r.recLine, r.recOffset)
		}
		r.recStart, r.atField = true, true
	case c == '\r':
		// part of a CRLF line end
		r.lastByte = c
	default:
		r.lastByte = c
		if r.header {
			r.atField = c == ';' || c == ',' || c == '\t'
		} else {
			r.atField = c == s.delim
		}
		r.blank = false
	}
}

func (r *recordScanner) end() error {
	s := r.s
	if r.inQuote && !r.quotePending {
		r.errLine = r.quoteLine
		return errors.New("le guillemet ouvert à cette ligne n'est jamais fermé : le reste du fichier serait lu comme un seul champ ; corrigez les guillemets de cette ligne")
	}
	if r.header {
		if len(r.headBuf) == 0 {
			return errors.New("le fichier est vide : une ligne d'en-tête est attendue")
		}
		s.setHeader(r.headBuf)
	} else if !r.recStart && !r.blank {
		s.records.add(r.recLine, r.recOffset)
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

// prefetch runs the Go pass of every CSV file of an extraction, in load
// order, in one goroutine, so that it overlaps DuckDB's work on the files
// before.
type prefetch struct {
	results map[string]chan scanResult // by table
	cancel  context.CancelFunc
	done    chan struct{}
}

type scanResult struct {
	sc  *csvScan
	err error
}

func isCSV(file string) bool {
	lower := strings.ToLower(file)
	return strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".csv.gz")
}

func startScans(ctx context.Context, files map[string]string, tmpDir, enc string, lim Limits) *prefetch {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetch{results: map[string]chan scanResult{}, cancel: cancel, done: make(chan struct{})}
	var order []string
	for _, t := range Tables {
		if f, ok := files[t.Name]; ok && isCSV(f) {
			p.results[t.Name] = make(chan scanResult, 1)
			order = append(order, t.Name)
		}
	}
	go func() {
		defer close(p.done)
		for _, name := range order {
			if err := ctx.Err(); err != nil {
				p.results[name] <- scanResult{err: err}
				continue
			}
			sc, err := scanCSV(ctx, files[name], tmpDir, enc, lim)
			p.results[name] <- scanResult{sc, err}
		}
	}()
	return p
}

// get waits for the pass over the CSV file of a table.
func (p *prefetch) get(table string) (*csvScan, error) {
	r := <-p.results[table]
	return r.sc, r.err
}

// close stops the passes and waits for the one under way; the copies of
// files not loaded stay in tmpDir, which load removes after.
func (p *prefetch) close() {
	p.cancel()
	<-p.done
}
