package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arml-na/vigie/pipelines/values"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestGoParsersAgreeWithSQLMacros feeds the same strings to the Go parsers of
// pipelines/values and to the DuckDB macros that the ingestion applies, and
// checks that both accept and reject the same values, with the same result.
// The inputs are a hand-picked list plus the fuzz corpus of pipelines/values;
// FuzzParsersAgreeWithSQL searches for more.
func TestGoParsersAgreeWithSQLMacros(t *testing.T) {
	t.Parallel()
	conn := macroConn(t)
	inputs := append(handInputs(), fuzzCorpus(t)...)
	for _, in := range inputs {
		for _, d := range disagreements(t, conn, in) {
			t.Error(d)
		}
	}
}

// FuzzParsersAgreeWithSQL is TestGoParsersAgreeWithSQLMacros on random
// strings (make fuzz); what it finds is kept in testdata/fuzz.
func FuzzParsersAgreeWithSQL(f *testing.F) {
	for _, in := range handInputs() {
		f.Add(in)
	}
	conn := macroConn(f)
	f.Fuzz(func(t *testing.T, in string) {
		for _, d := range disagreements(t, conn, in) {
			t.Error(d)
		}
	})
}

// handInputs are the values the comparison always covers: every format of
// the contract, its edges, and the spaces that trimming must treat alike.
func handInputs() []string {
	return []string{
		"15/01/2024", "2024-01-15", "1/2/2024", "29/02/2024", "29/02/2023", "31/04/2024", "2024-13-01", "15-01-2024",
		"15/01/24", "0/1/2024", "2024-00-10", " 15/01/2024 ", "15/01/2024 10:30", "15/01/2024 10:30:05", "2024-01-15T08:05",
		"2024-01-15 23:59:59.5", "2024-01-15 24:00", "2024-01-15 10:60", "2024-01-15T", "561,68", "561.68", "-12,5",
		"+3", "0,005", "0,015", "1 000", "1.000,50", "12,", ",5", "99999999999", "9999999999.99", "oui", "NON", "o", "Vrai",
		"faux", "TRUE", "0", "1", "yes", "", " ",
		"15/01/2024 7:05", "2024-01-15 23:59:60", "0000-01-01", "2024-02-29T00:00", "31/12/9999 23:59:59.999999", "10000-01-01",
		"2024-01-15 25:00", "2024-01-15 09:5", "29/02/2023 10:00", "2024-01-15 10:30:05.1234567",
		// spaces vigie_null's fast path must leave to trim
		"\u00a015/01/2024", "15/01/2024\u3000", "\u2009oui", "oui\u202f", "\t15/01/2024", "15/01/2024\r", "é", " é ", "\u00a0", "a", "~",
	}
}

// macroConn is a connection to a warehouse of tb with the ingestion's
// macros.
func macroConn(tb testing.TB) *sql.Conn {
	tb.Helper()
	w := warehousetest.Open(tb)
	ctx := context.Background()
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	macros, err := sqlfiles.Read(sqlfiles.FS(), "ingest/macros.sql")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, macros); err != nil {
		tb.Fatal(err)
	}
	return conn
}

// disagreements compares the Go parsers and the SQL macros on one input.
func disagreements(t *testing.T, conn *sql.Conn, in string) []string {
	if !utf8.ValidString(in) {
		return nil // ingest transcodes every file to UTF-8 before DuckDB sees a value
	}
	var out []string
	ctx := context.Background()
	// vigie_null skips trim where it can; it must mean nullif(trim(v), '').
	var same bool
	if err := conn.QueryRowContext(ctx, `SELECT vigie_null(?) IS NOT DISTINCT FROM nullif(trim(?), '')`, in, in).Scan(&same); err != nil || !same {
		out = append(out, fmt.Sprintf("vigie_null(%q) differs from nullif(trim(…), ''): %v", in, err))
	}
	var sqlDate, sqlDT sql.NullTime
	var sqlDec sql.NullString
	var sqlBool sql.NullBool
	err := conn.QueryRowContext(ctx, `SELECT vigie_date(?), vigie_datetime(?), vigie_decimal(?)::VARCHAR, vigie_bool(?)`,
		in, in, in, in).Scan(&sqlDate, &sqlDT, &sqlDec, &sqlBool)
	if err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	goDate, derr := values.ParseDate(in)
	if (derr == nil) != sqlDate.Valid || (sqlDate.Valid && !goDate.Equal(sqlDate.Time.UTC())) {
		out = append(out, fmt.Sprintf("date %q: Go %v %v, SQL %v", in, goDate, derr, sqlDate))
	}
	goDT, terr := values.ParseDateTime(in)
	if (terr == nil) != sqlDT.Valid || (sqlDT.Valid && !goDT.Equal(sqlDT.Time.UTC())) {
		out = append(out, fmt.Sprintf("date-time %q: Go %v %v, SQL %v", in, goDT, terr, sqlDT))
	}
	cents, cerr := values.ParseDecimal(in)
	if (cerr == nil) != sqlDec.Valid {
		out = append(out, fmt.Sprintf("decimal %q: Go %d %v, SQL %v", in, cents, cerr, sqlDec))
	} else if sqlDec.Valid {
		if got := formatCents(cents); got != sqlDec.String {
			out = append(out, fmt.Sprintf("decimal %q: Go %s, SQL %s", in, got, sqlDec.String))
		}
	}
	b, berr := values.ParseBool(in)
	if (berr == nil) != sqlBool.Valid || (sqlBool.Valid && b != sqlBool.Bool) {
		out = append(out, fmt.Sprintf("bool %q: Go %v %v, SQL %v", in, b, berr, sqlBool))
	}
	return out
}

func formatCents(c int64) string {
	neg := ""
	if c < 0 {
		neg, c = "-", -c
	}
	s := strings.Repeat("0", 3) + itoa(int(c))
	s = strings.TrimLeft(s[:len(s)-2], "0")
	if s == "" {
		s = "0"
	}
	frac := itoa(int(c % 100))
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return neg + s + "." + frac
}

// fuzzCorpus reads the string inputs kept under pipelines/values/testdata/fuzz.
func fuzzCorpus(t *testing.T) []string {
	var out []string
	root := filepath.Join("..", "values", "testdata", "fuzz")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "string("); ok {
				if s, err := unquoteGo(strings.TrimSuffix(v, ")")); err == nil {
					out = append(out, s)
				}
			}
		}
		return nil
	})
	return out
}

func unquoteGo(s string) (string, error) { return strconvUnquote(s) }

var strconvUnquote = strconv.Unquote
