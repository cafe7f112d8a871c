package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// staged is one extract file read into the temporary table (or view)
// raw_<table>: __pos (the row's position, see lineSQL) then one VARCHAR column
// per known column of the table, NULL where the file lacks it.
type staged struct {
	table    *Table
	file     string // path as given
	format   string // csv, csv.gz, xlsx, parquet
	encoding string
	present  map[string]bool // known columns found in the header
	unknown  []string        // header cells that are no column of the table
	// structural rejects of the CSV reader, quarantined whole
	rejects []rejectRow
	rows    int64 // rows in raw_<table>
	// drop removes raw_<table> and what it is built on, once checked.
	drop []string
	// A row's line in the file is __pos + lineBase, plus, when breaks names
	// a table, the offset of the last breakpoint at or before __pos (blank
	// lines, multi-line fields and rejected records shift the lines). It is
	// only computed for quarantined rows.
	lineBase int64
	breaks   string
}

// lineSQL is the SQL of the line of the rows of s (an alias of stg_<table>),
// with the join it needs after FROM s.
func (st *staged) lineSQL(s string) (line, join string) {
	line = s + ".__pos + " + strconv.FormatInt(st.lineBase, 10)
	if st.breaks == "" {
		return line, ""
	}
	return line + " + coalesce(brk.off, 0)", " ASOF LEFT JOIN " + st.breaks + " brk ON " + s + ".__pos >= brk.idx"
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
	return fmt.Sprintf("%s: column %q %s", e.File, e.Column, e.Reason)
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
			return nil, nil, nil, &columnError{File: file, Column: n, Reason: "appears twice in the header"}
		}
		names[i], present[n] = n, true
	}
	for _, c := range t.Columns {
		if c.Required && !present[c.Name] {
			return nil, nil, nil, &columnError{File: file, Column: c.Name, Reason: "is required and missing from the header line"}
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

// stageCSV reads a CSV file with DuckDB's reader, every cell as text.
func stageCSV(ctx context.Context, conn *sql.Conn, t *Table, file string, scans *prefetch) (*staged, error) {
	sc, err := scans.get(t.Name)
	if err != nil {
		return nil, err
	}
	if sc.temp {
		defer os.Remove(sc.path)
	}
	names, present, unknown, err := mapHeader(t, file, sc.header)
	if err != nil {
		return nil, err
	}
	st := &staged{table: t, file: file, format: "csv", encoding: sc.encoding, present: present, unknown: unknown}
	if strings.HasSuffix(strings.ToLower(file), ".gz") {
		st.format = "csv.gz"
	}
	var cols strings.Builder
	for i := range sc.header {
		if i > 0 {
			cols.WriteString(", ")
		}
		cols.WriteString(warehouse.Literal("c"+strconv.Itoa(i)) + ": 'VARCHAR'")
	}
	rej, rejScan := "rej_"+t.Name, "rejscan_"+t.Name
	csvTable, breaks := warehouse.MustIdent("csv_"+t.Name), warehouse.MustIdent("breaks_"+t.Name)
	read := `CREATE OR REPLACE TEMP TABLE ` + csvTable + ` AS SELECT * FROM read_csv(` + warehouse.Literal(sc.path) +
		`, delim = ` + warehouse.Literal(string(sc.delim)) + `, quote = '"', escape = '"', header = true,
		auto_detect = false, columns = {` + cols.String() + `}, ignore_errors = true, store_rejects = true,
		max_line_size = ` + strconv.FormatInt(sc.maxRecord+1<<20, 10) + `, buffer_size = ` + strconv.FormatInt(max(4*(sc.maxRecord+1<<20), 32<<20), 10) + `,
		rejects_table = ` + warehouse.Literal(rej) + `, rejects_scan = ` + warehouse.Literal(rejScan) + `)`
	if _, err := conn.ExecContext(ctx, read); err != nil {
		return nil, fmt.Errorf("%s: read csv: %w", file, err)
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
		off-- // DuckDB counts byte positions from 1
		rejected[off] = true
		st.rejects = append(st.rejects, rejectRow{line: sc.lineAt(off), raw: raw.String, message: msg.String})
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
	// Physical line of each row DuckDB kept: the records it did not reject,
	// in order. Only the places where the line stops being rowid + 2 (blank
	// lines, multi-line fields, rejects) are stored, as breakpoints; raw_<table>
	// is a view, so the rows are not copied once more.
	n, err := loadLineBreaks(ctx, conn, sc, rejected, breaks)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	st.lineBase = 2
	if n > 0 {
		st.breaks = breaks
	}
	view := `CREATE OR REPLACE TEMP VIEW ` + rawTable(t) + ` AS
		SELECT rowid::BIGINT AS __pos` + rawSelect(t, names) + ` FROM ` + csvTable
	if _, err := conn.ExecContext(ctx, view); err != nil {
		return nil, fmt.Errorf("%s: stage: %w", file, err)
	}
	st.drop = []string{"DROP VIEW " + rawTable(t), "DROP TABLE " + csvTable, "DROP TABLE IF EXISTS " + breaks}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+csvTable).Scan(&st.rows); err != nil {
		return nil, err
	}
	// Nothing lost: every record the Go pass found is a row DuckDB read or
	// a line it rejected (then quarantined).
	if got, want := st.rows+int64(len(st.rejects)), int64(len(sc.lines)); got != want {
		return nil, &FileError{File: file, Reason: fmt.Sprintf("le lecteur CSV a rendu %d lignes (%d lues, %d rejetées) pour %d enregistrements dans le fichier : fichier refusé pour qu'aucune ligne ne soit perdue",
			got, st.rows, len(st.rejects), want)}
	}
	return st, nil
}

// lineAt returns the physical line of the record starting at byte offset off.
func (s *csvScan) lineAt(off int64) int64 {
	i := sort.Search(len(s.offsets), func(i int) bool { return s.offsets[i] >= off })
	if i < len(s.offsets) && s.offsets[i] == off {
		return s.lines[i]
	}
	return 0
}

// loadLineBreaks writes the breakpoints into the table breaks, only when
// there are some, and returns how many.
func loadLineBreaks(ctx context.Context, conn *sql.Conn, sc *csvScan, rejected map[int64]bool, breaks string) (int, error) {
	var idx, prev int64
	var vals []string
	for i, line := range sc.lines {
		if rejected[sc.offsets[i]] {
			continue
		}
		if off := line - (idx + 2); off != prev {
			vals = append(vals, "("+strconv.FormatInt(idx, 10)+","+strconv.FormatInt(off, 10)+")")
			prev = off
		}
		idx++
	}
	count := len(vals)
	if count == 0 {
		return 0, nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+breaks+` (idx BIGINT, off BIGINT)`); err != nil {
		return 0, err
	}
	for len(vals) > 0 {
		n := min(len(vals), 1000)
		if _, err := conn.ExecContext(ctx, `INSERT INTO `+breaks+` VALUES `+strings.Join(vals[:n], ",")); err != nil {
			return 0, err
		}
		vals = vals[n:]
	}
	return count, nil
}

// stageParquet reads a Parquet file; native types are turned into the
// text forms of the extract format.
func stageParquet(ctx context.Context, conn *sql.Conn, t *Table, file string) (*staged, error) {
	src := `read_parquet(` + warehouse.Literal(file) + `, file_row_number = true)`
	rows, err := conn.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM `+src+`)`)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %w", file, err)
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
		var expr string
		switch {
		case ty == "DATE":
			expr = "strftime(" + q + ", '%Y-%m-%d')"
		case strings.HasPrefix(ty, "TIMESTAMP WITH TIME ZONE"):
			expr = "strftime(timezone('Europe/Paris', " + q + "), '%Y-%m-%d %H:%M:%S')"
		case strings.HasPrefix(ty, "TIMESTAMP"):
			expr = "strftime(" + q + "::TIMESTAMP, '%Y-%m-%d %H:%M:%S')"
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
		return nil, fmt.Errorf("%s: read parquet: %w", file, err)
	}
	st := &staged{table: t, file: file, format: "parquet", present: present, unknown: unknown}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+rawTable(t)).Scan(&st.rows); err != nil {
		return nil, err
	}
	return st, nil
}

// quoteAny quotes a column name found in a file (any text) as an identifier.
// It is only used to read a column back from that same file.
func quoteAny(name string) (string, error) {
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("column name %q holds a NUL byte", name)
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
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", file, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%s: the workbook has no sheet", file)
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
			return nil, fmt.Errorf("%s: row %d: %w", file, sheetRow, err)
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
		return nil, fmt.Errorf("%s: the first sheet is empty: a header row is expected", file)
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
		return nil, fmt.Errorf("%s: load sheet: %w", file, err)
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

// excelCell turns a raw cell into text. A number in a date column is an
// Excel serial date.
func excelCell(v string, k Kind, date1904 bool) string {
	if k != Date && k != DateTime && k != DateOrTime {
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
	if k == Date {
		return tm.Format(time.DateOnly)
	}
	return tm.Format(time.DateTime)
}

var errNoFile = errors.New("no file")
