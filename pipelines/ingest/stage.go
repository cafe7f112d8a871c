package ingest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// staged is one extract file read: a CSV file straight into stg_<table>
// (see stagingSQL), an XLSX or Parquet file into the temporary table
// raw_<table>: __pos (the row's line, or row number) then one VARCHAR column
// per known column of the table, NULL where the file lacks it, in file
// order; stg_<table> is made from it when the file is checked.
type staged struct {
	table    *Table
	file     string // path as given
	format   string // csv, csv.gz, xlsx, parquet
	encoding string
	present  map[string]bool // known columns found in the header
	unknown  []string        // header cells that are no column of the table
	// structural rejects of the CSV reader, quarantined whole
	rejects []rejectRow
	rows    int64 // rows read (in stg_<table> or raw_<table>)
	// csv is the Go pass over a CSV file (where each record starts) and
	// rejected the byte offsets of the records DuckDB rejected: the row at
	// position i of stg_<table> is the i-th record not rejected.
	csv      *csvScan
	rejected map[int64]bool
	// names maps the file's columns (c0, c1, …) to the table's.
	names []string
}

// absent lists the table's columns the file's header does not carry, in
// the table's order.
func (st *staged) absent() []string {
	var out []string
	for _, c := range st.table.Columns {
		if !st.present[c.Name] {
			out = append(out, c.Name)
		}
	}
	return out
}

// hasRaw tells whether the file was read into raw_<table> (XLSX, Parquet).
func (st *staged) hasRaw() bool { return st.csv == nil }

// release drops what the file's reading left once it is checked: the
// temporary tables and the UTF-8 copy of a CSV file.
func (st *staged) release(ctx context.Context, conn *sql.Conn) error {
	t := st.table
	drops := []string{`DROP TABLE IF EXISTS ` + rawTable(t), `DROP TABLE IF EXISTS ` + rawBadTable(t), `DROP TABLE IF EXISTS ` + dupsTable(t)}
	for _, d := range drops {
		if _, err := conn.ExecContext(ctx, d); err != nil {
			return err
		}
	}
	if st.csv != nil && st.csv.temp {
		os.Remove(st.csv.path)
	}
	st.csv, st.rejected = nil, nil
	return nil
}

type rejectRow struct {
	line    int64
	raw     string
	message string
}

// columnError is a file refused for its header.
type columnError struct {
	File, Column, Reason string
}

func (e *columnError) Error() string {
	return fmt.Sprintf("%s : la colonne « %s » %s", e.File, e.Column, e.Reason)
}

// mapHeader matches the header cells to the table's columns: names compared
// case-insensitively, surrounding spaces ignored. It returns, for each cell,
// the column name ("" for an unknown column).
func mapHeader(t *Table, file string, header []string) ([]string, map[string]bool, []string, error) {
	names := make([]string, len(header))
	present := map[string]bool{}
	var unknown []string
	for i, h := range header {
		n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := t.Column(n); !ok {
			if n != "" {
				unknown = append(unknown, strings.TrimSpace(h))
			}
			continue
		}
		if present[n] {
			return nil, nil, nil, &columnError{File: file, Column: n, Reason: "apparaît deux fois dans l'en-tête"}
		}
		names[i], present[n] = n, true
	}
	for _, c := range t.Columns {
		if c.Required && !present[c.Name] {
			return nil, nil, nil, &columnError{File: file, Column: c.Name, Reason: "est obligatoire et absente de la ligne d'en-tête"}
		}
	}
	return names, present, unknown, nil
}

// rawSelect builds the select list of raw_<table> from a source whose
// columns are c0..cN (positional), in the table's column order.
func rawSelect(t *Table, names []string) string {
	pos := map[string]int{}
	for i, n := range names {
		if n != "" {
			pos[n] = i
		}
	}
	var b strings.Builder
	for _, c := range t.Columns {
		b.WriteString(", ")
		if i, ok := pos[c.Name]; ok {
			b.WriteString(warehouse.MustIdent("c" + strconv.Itoa(i)))
		} else {
			b.WriteString("NULL::VARCHAR")
		}
		b.WriteString(" AS ")
		b.WriteString(warehouse.MustIdent(c.Name))
	}
	return b.String()
}

func rawTable(t *Table) string { return warehouse.MustIdent("raw_" + t.Name) }

// stageCSV reads a CSV file with DuckDB's reader, every cell as text, and
// checks its values on the way into stg_<table> (one write of the rows).
func stageCSV(ctx context.Context, conn *sql.Conn, t *Table, file string, scans *prefetch) (_ *staged, err error) {
	sc, err := scans.get(t.Name)
	if err != nil {
		return nil, err
	}
	if sc.temp {
		defer func() {
			if err != nil {
				os.Remove(sc.path)
			}
		}()
	}
	names, present, unknown, err := mapHeader(t, file, sc.header)
	if err != nil {
		return nil, err
	}
	st := &staged{table: t, file: file, format: "csv", encoding: sc.encoding, present: present, unknown: unknown, names: names}
	if strings.HasSuffix(strings.ToLower(file), ".gz") {
		st.format = "csv.gz"
	}
	rej, rejScan := "rej_"+t.Name, "rejscan_"+t.Name
	src := `(SELECT ` + strings.TrimPrefix(rawSelect(t, names), ", ") + ` FROM ` + csvReader(sc, textColumns(len(sc.header)), true,
		`ignore_errors = true`, `store_rejects = true`, `rejects_table = `+warehouse.Literal(rej), `rejects_scan = `+warehouse.Literal(rejScan)) + `)`
	if _, err := conn.ExecContext(ctx, stagingSQL(t, src)); err != nil {
		return nil, fmt.Errorf("%s : lecture CSV : %w", file, err)
	}
	// Structural rejects (wrong number of columns, bad quoting), by byte offset.
	rows, err := conn.QueryContext(ctx, `SELECT line_byte_position, any_value(csv_line), string_agg(error_message, '; ')
		FROM `+warehouse.MustIdent(rej)+` GROUP BY line_byte_position ORDER BY line_byte_position`)
	if err != nil {
		return nil, fmt.Errorf("%s: read rejects: %w", file, err)
	}
	rejected := map[int64]bool{}
	for rows.Next() {
		var off int64
		var raw, msg sql.NullString
		if err := rows.Scan(&off, &raw, &msg); err != nil {
			rows.Close()
			return nil, err
		}
		i := sc.recordAt(off)
		if i < 0 {
			rows.Close()
			return nil, &FileError{File: file, Reason: fmt.Sprintf("le lecteur CSV a rejeté un enregistrement à l'octet %d, où le fichier n'en a pas : fichier refusé pour qu'aucune ligne ne soit perdue", off)}
		}
		rec := sc.records.at(i)
		rejected[rec.offset] = true
		st.rejects = append(st.rejects, rejectRow{line: rec.line, raw: raw.String, message: msg.String})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, s := range []string{"DROP TABLE IF EXISTS " + warehouse.MustIdent(rej), "DROP TABLE IF EXISTS " + warehouse.MustIdent(rejScan)} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+stgTable(t)).Scan(&st.rows); err != nil {
		return nil, err
	}
	// Nothing lost: every record the Go pass found is a row DuckDB read or
	// a line it rejected (then quarantined).
	if got, want := st.rows+int64(len(st.rejects)), int64(sc.records.len()); got != want {
		return nil, &FileError{File: file, Reason: fmt.Sprintf("le lecteur CSV a rendu %d lignes (%d lues, %d rejetées) pour %d enregistrements dans le fichier : fichier refusé pour qu'aucune ligne ne soit perdue",
			got, st.rows, len(st.rejects), want)}
	}
	st.csv, st.rejected = sc, rejected
	return st, nil
}

// csvReader is DuckDB's read_csv of the file of sc (its header line first
// when header is set), with the columns of spec ('name': 'TYPE', …) and the
// options more.
func csvReader(sc *csvScan, spec string, header bool, more ...string) string {
	opts := append([]string{`delim = ` + warehouse.Literal(string(sc.delim)), `quote = '"'`, `escape = '"'`,
		`header = ` + strconv.FormatBool(header), `auto_detect = false`, `columns = {` + spec + `}`,
		`max_line_size = ` + strconv.FormatInt(sc.maxRecord+1<<20, 10),
		`buffer_size = ` + strconv.FormatInt(max(4*(sc.maxRecord+1<<20), 32<<20), 10)}, more...)
	return `read_csv(` + warehouse.Literal(sc.path) + `, ` + strings.Join(opts, ", ") + `)`
}

// textColumns is the read_csv column spec of the cells of a file of n
// columns: c0 … c<n-1>, as text.
func textColumns(n int) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = warehouse.Literal("c"+strconv.Itoa(i)) + ": 'VARCHAR'"
	}
	return strings.Join(cols, ", ")
}

func rawBadTable(t *Table) string { return warehouse.MustIdent("rawbad_" + t.Name) }

// loadRawBad writes rawbad_<table>: for each row of stg_<table> with an
// err, its position there (__idx, pos the SQL of it, see position), its line in the file (__line) and its
// cells as read (one VARCHAR column per table column), for the quarantine.
// A CSV file's rows are not kept as text: the records of the quarantined
// rows are copied from the file, where the Go pass found them, into a small
// CSV file that DuckDB reads with the same options.
func (st *staged) loadRawBad(ctx context.Context, conn *sql.Conn, tmpDir, pos string) error {
	t := st.table
	if st.hasRaw() {
		rawPos, err := position(ctx, conn, rawTable(t))
		if err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+rawBadTable(t)+` AS
			SELECT `+rawPos+` AS __idx, __pos AS __line, * EXCLUDE (__pos) FROM `+rawTable(t)+`
			WHERE `+rawPos+` IN (SELECT `+pos+` FROM `+stgTable(t)+` WHERE err IS NOT NULL)`)
		return err
	}
	rows, err := conn.QueryContext(ctx, `SELECT `+pos+` AS i FROM `+stgTable(t)+` WHERE err IS NOT NULL ORDER BY i`)
	if err != nil {
		return err
	}
	var idxs []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return err
		}
		idxs = append(idxs, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sc := st.csv
	src, err := os.Open(sc.path)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := os.CreateTemp(tmpDir, "quarantaine-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	w := bufio.NewWriter(out)
	rd := recordReader{f: src, delim: sc.delim, max: sc.maxRecord}
	k, j := int64(-1), 0
	delim, eol := string(sc.delim), "\n"
	for i := 0; i < sc.records.len(); i++ {
		if j == len(idxs) {
			break
		}
		start := sc.records.at(i)
		if st.rejected[start.offset] {
			continue
		}
		if k++; k != idxs[j] {
			continue
		}
		rec, err := rd.record(start.offset)
		if err != nil {
			return fmt.Errorf("%s : ligne %d : %w", st.file, start.line, err)
		}
		w.WriteString(strconv.FormatInt(k, 10) + delim + strconv.FormatInt(start.line, 10) + delim)
		w.Write(rec)
		// Each record keeps its line end (the reader detects the file's
		// from them); one at the end of the file gets the one before's.
		switch {
		case bytes.HasSuffix(rec, []byte("\r\n")):
			eol = "\r\n"
		case bytes.HasSuffix(rec, []byte("\n")):
			eol = "\n"
		default:
			w.WriteString(eol)
		}
		j++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if j != len(idxs) {
		return fmt.Errorf("%s : %d lignes écartées, %d enregistrements retrouvés", st.file, len(idxs), j)
	}
	small := *sc
	small.path = out.Name()
	_, err = conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+rawBadTable(t)+` AS
		SELECT __idx, __line`+rawSelect(t, st.names)+` FROM `+csvReader(&small, `'__idx': 'BIGINT', '__line': 'BIGINT', `+textColumns(len(sc.header)), false))
	return err
}

// position is the SQL of the position of a row of table (0 for the first
// row written, in order), from its rowid: rowids are dense, in the order the
// rows were written, and start at 0, or at a high base for a table written
// in the open transaction of a load.
func position(ctx context.Context, conn *sql.Conn, table string) (string, error) {
	var base sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT min(rowid) FROM `+table).Scan(&base); err != nil {
		return "", err
	}
	return "(rowid - " + strconv.FormatInt(base.Int64, 10) + ")", nil
}

// recordReader reads CSV records from a file, at the byte offsets where the
// Go pass found them start, in increasing order.
type recordReader struct {
	f     *os.File
	br    *bufio.Reader
	pos   int64 // offset of the next byte br gives
	delim byte
	max   int64
}

// record returns the record starting at off, with its line end (see
// quoteState).
func (r *recordReader) record(off int64) ([]byte, error) {
	if r.br == nil || off < r.pos || off-r.pos > 1<<20 {
		if _, err := r.f.Seek(off, io.SeekStart); err != nil {
			return nil, err
		}
		if r.br == nil {
			r.br = bufio.NewReaderSize(r.f, 64<<10)
		} else {
			r.br.Reset(r.f)
		}
	} else if _, err := r.br.Discard(int(off - r.pos)); err != nil {
		return nil, err
	}
	r.pos = off
	var rec []byte
	q := quoteState{delim: r.delim}
	for {
		c, err := r.br.ReadByte()
		if err == io.EOF {
			return rec, nil
		}
		if err != nil {
			return nil, err
		}
		r.pos++
		rec = append(rec, c)
		if q.next(c) {
			return rec, nil
		}
		if int64(len(rec)) > r.max {
			return nil, fmt.Errorf("enregistrement de plus de %d octets", r.max)
		}
	}
}

// recordAt returns the index of the record DuckDB's reader places at byte
// position pos, -1 if there is none. DuckDB gives the position where the
// record's line begins, blank lines before it included, from 1 after a LF
// and from 0 after a CRLF: the record is the first one starting at pos - 1
// or after.
func (s *csvScan) recordAt(pos int64) int {
	i := sort.Search(s.records.len(), func(i int) bool { return s.records.at(i).offset >= pos-1 })
	if i == s.records.len() {
		return -1
	}
	return i
}

// readerError is the first line of an error of DuckDB or of a reader about
// file: what went wrong, without the excerpt of the query DuckDB adds, nor
// the file's path, which the message gives before.
func readerError(err error, file string) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	s = strings.ReplaceAll(s, " '"+file+"'", "")
	return strings.TrimSpace(strings.ReplaceAll(s, file, "le fichier"))
}

// stageParquet reads a Parquet file; native types are turned into the
// text forms of the extract format.
func stageParquet(ctx context.Context, conn *sql.Conn, t *Table, file string) (*staged, error) {
	src := `read_parquet(` + warehouse.Literal(file) + `, file_row_number = true)`
	rows, err := conn.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM `+src+`)`)
	if err != nil {
		return nil, &FileError{File: file, Reason: "n'est pas un fichier Parquet lisible (" + readerError(err, file) + ")"}
	}
	var header, types []string
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			rows.Close()
			return nil, err
		}
		if n == "file_row_number" {
			continue
		}
		header, types = append(header, n), append(types, ty)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, present, unknown, err := mapHeader(t, file, header)
	if err != nil {
		return nil, err
	}
	var sel strings.Builder
	for i, h := range header {
		q, err := quoteAny(h)
		if err != nil {
			return nil, err
		}
		ty := types[i]
		kind := Text
		for _, c := range t.Columns {
			if c.Name == names[i] {
				kind = c.Kind
			}
		}
		var expr string
		switch {
		case ty == "DATE" || strings.HasPrefix(ty, "TIMESTAMP"):
			expr = parquetTime(q, ty, kind)
		case strings.HasSuffix(ty, "[]"):
			expr = "array_to_string(" + q + ", '|')"
		default:
			expr = q + "::VARCHAR"
		}
		sel.WriteString(", " + expr + " AS " + warehouse.MustIdent("c"+strconv.Itoa(i)))
	}
	create := `CREATE OR REPLACE TEMP TABLE ` + rawTable(t) + ` AS
		SELECT (file_row_number + 1)::BIGINT AS __pos` + rawSelect(t, names) + `
		FROM (SELECT file_row_number` + sel.String() + ` FROM ` + src + `) ORDER BY file_row_number`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return nil, fmt.Errorf("%s : lecture Parquet : %w", file, err)
	}
	st := &staged{table: t, file: file, format: "parquet", present: present, unknown: unknown}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+rawTable(t)).Scan(&st.rows); err != nil {
		return nil, err
	}
	return st, nil
}

// parquetTime writes a native DATE or TIMESTAMP cell (q, of type ty) of a
// column of kind k as the extract format's text: a timestamp at midnight is
// a date in a date column (what pandas writes for a date), the first of a
// month at midnight is that month in a month column; any other time stays
// in the text, and the checks refuse it there.
func parquetTime(q, ty string, k Kind) string {
	ts := q + "::TIMESTAMP"
	if strings.HasPrefix(ty, "TIMESTAMP WITH TIME ZONE") {
		ts = "timezone('Europe/Paris', " + q + ")"
	}
	full := "strftime(" + ts + ", '%Y-%m-%d %H:%M:%S')"
	midnight := ts + "::TIME = TIME '00:00:00'"
	switch k {
	case Date:
		return "CASE WHEN " + midnight + " THEN strftime(" + ts + ", '%Y-%m-%d') ELSE " + full + " END"
	case Month:
		return "CASE WHEN " + midnight + " AND day(" + ts + ") = 1 THEN strftime(" + ts + ", '%Y-%m') ELSE " + full + " END"
	}
	if ty == "DATE" {
		return "strftime(" + q + ", '%Y-%m-%d')"
	}
	return full
}

// quoteAny quotes a column name found in a file (any text) as an identifier.
// It is only used to read a column back from that same file.
func quoteAny(name string) (string, error) {
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("le nom de colonne %q contient un octet nul", name)
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`, nil
}

// stageXLSX reads the first sheet of a workbook with excelize and hands it
// to DuckDB as Arrow record batches. Date cells stored as Excel serial numbers
// are turned into yyyy-mm-dd [hh:mm:ss] text for the date columns.
func stageXLSX(ctx context.Context, conn *sql.Conn, t *Table, file, tmpDir string, lim Limits) (*staged, error) {
	// The unzipped size is bounded (an XLSX bomb), and what excelize spills
	// to disk goes to the run's private folder.
	f, err := excelize.OpenFile(file, excelize.Options{UnzipSizeLimit: lim.MaxFileBytes, TmpDir: tmpDir})
	if err != nil {
		return nil, &FileError{File: file, Reason: "n'est pas un classeur XLSX lisible (" + readerError(err, file) + ")"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%s : le classeur n'a aucune feuille", file)
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	defer it.Close()
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	var (
		names    []string
		present  map[string]bool
		unknown  []string
		kinds    []Kind
		builder  *array.RecordBuilder
		schema   *arrow.Schema
		batches  []arrow.RecordBatch
		pending  int
		sheetRow int64
	)
	release := func() {
		for _, b := range batches {
			b.Release()
		}
	}
	defer release()
	mem := memory.NewGoAllocator()
	for it.Next() {
		sheetRow++
		if sheetRow > lim.MaxSheetRows {
			return nil, &FileError{File: file, Line: sheetRow, Reason: fmt.Sprintf("la feuille dépasse %d lignes (limite d'une feuille XLSX)", lim.MaxSheetRows)}
		}
		if sheetRow%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%s : ligne %d : %w", file, sheetRow, err)
		}
		if names == nil {
			if len(cells) == 0 {
				continue
			}
			if len(cells) > lim.MaxColumns {
				return nil, &FileError{File: file, Line: sheetRow, Reason: fmt.Sprintf("l'en-tête a %d colonnes, plus que la limite de %d", len(cells), lim.MaxColumns)}
			}
			names, present, unknown, err = mapHeader(t, file, cells)
			if err != nil {
				return nil, err
			}
			fields := []arrow.Field{{Name: "__line", Type: arrow.PrimitiveTypes.Int64}}
			kinds = make([]Kind, len(names))
			for i, n := range names {
				fields = append(fields, arrow.Field{Name: "c" + strconv.Itoa(i), Type: arrow.BinaryTypes.String, Nullable: true})
				if c, ok := t.Column(n); ok {
					kinds[i] = c.Kind
				}
			}
			schema = arrow.NewSchema(fields, nil)
			builder = array.NewRecordBuilder(mem, schema)
			defer builder.Release()
			continue
		}
		if blankRow(cells) {
			continue
		}
		builder.Field(0).(*array.Int64Builder).Append(sheetRow)
		for i := range names {
			sb := builder.Field(i + 1).(*array.StringBuilder)
			if i >= len(cells) || cells[i] == "" {
				sb.AppendNull()
				continue
			}
			sb.Append(excelCell(cells[i], kinds[i], date1904))
		}
		if pending++; pending == 65536 {
			batches = append(batches, builder.NewRecordBatch())
			pending = 0
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if names == nil {
		return nil, fmt.Errorf("%s : la première feuille est vide : une ligne d'en-tête est attendue", file)
	}
	if pending > 0 || len(batches) == 0 {
		batches = append(batches, builder.NewRecordBatch())
	}
	reader, err := array.NewRecordReader(schema, batches)
	if err != nil {
		return nil, err
	}
	defer reader.Release()
	err = conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(*duckdb.Conn))
		if err != nil {
			return err
		}
		rel, err := ar.RegisterView(reader, "xlsx_rows")
		if err != nil {
			return err
		}
		defer rel()
		_, err = dc.(*duckdb.Conn).ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+rawTable(t)+` AS
			SELECT __line AS __pos`+rawSelect(t, names)+` FROM xlsx_rows ORDER BY __line`, nil)
		// The driver registers the Arrow view in the warehouse's catalogue;
		// left there it points at freed memory, and reading it crashes the
		// engine (sql/warehouse/tidy.sql removes one a killed run left).
		_, derr := dc.(*duckdb.Conn).ExecContext(context.WithoutCancel(ctx), `DROP VIEW IF EXISTS main.xlsx_rows`, nil)
		return errors.Join(err, derr)
	})
	if err != nil {
		return nil, fmt.Errorf("%s : chargement de la feuille : %w", file, err)
	}
	st := &staged{table: t, file: file, format: "xlsx", present: present, unknown: unknown}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+rawTable(t)).Scan(&st.rows); err != nil {
		return nil, err
	}
	return st, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// excelCell turns a raw cell into text. A number in a date or month column
// is an Excel serial date (Excel stores « 2026-01 » typed in a cell as the
// first of that month).
func excelCell(v string, k Kind, date1904 bool) string {
	if k != Date && k != DateTime && k != DateOrTime && k != Month {
		return v
	}
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	tm, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return v
	}
	// Round to the second: serials carry floating-point noise.
	tm = tm.Add(500 * time.Millisecond).Truncate(time.Second)
	switch k {
	case Date:
		return tm.Format(time.DateOnly)
	case Month:
		return tm.Format("2006-01")
	}
	return tm.Format(time.DateTime)
}

var errNoFile = errors.New("no file")
