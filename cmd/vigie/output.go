package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// table is a result set ready to print: column names, their DuckDB types
// (to print a DATE as yyyy-mm-dd) and the rows.
type table struct {
	columns []string
	types   []string
	rows    [][]any
}

func validFormat(f string) error {
	switch f {
	case "table", "csv", "json":
		return nil
	}
	return usagef("utilisez --format table, csv ou json", "format %q inconnu", f)
}

// readTable reads a whole result set.
func readTable(rows *sql.Rows) (*table, error) {
	t, err := warehouse.ReadTable(rows, 0)
	if err != nil {
		return nil, err
	}
	return &table{columns: t.Columns, types: t.Types, rows: t.Rows}, nil
}

// cell renders one value as text: dates as yyyy-mm-dd, timestamps as
// yyyy-mm-dd hh:mm:ss, NULL as the empty string.
func cell(v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		switch {
		case typ == "DATE":
			return x.Format(time.DateOnly)
		case strings.HasPrefix(typ, "TIME") && !strings.HasPrefix(typ, "TIMESTAMP"):
			return x.Format(time.TimeOnly)
		default:
			return x.Format(time.DateTime)
		}
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return x.String()
	case *big.Int:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cell(e, "")
		}
		return strings.Join(parts, "|")
	case float64, float32:
		return fmt.Sprintf("%v", x)
	default:
		return fmt.Sprint(x)
	}
}

// jsonValue renders one value for JSON: numbers and booleans stay typed,
// dates become yyyy-mm-dd strings; NaN and infinities, which JSON cannot
// write, become null.
func jsonValue(v any, typ string) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		return jsonValue(float64(x), typ)
	case nil, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, string:
		return x
	case duckdb.Decimal:
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e, "")
		}
		return out
	default:
		return cell(v, typ)
	}
}

func (t *table) write(w io.Writer, format string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.UseCRLF = true // RFC 4180
		if err := cw.Write(t.columns); err != nil {
			return err
		}
		rec := make([]string, len(t.columns))
		for _, r := range t.rows {
			for i, v := range r {
				rec[i] = cell(v, t.types[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(t.rows))
		for _, r := range t.rows {
			m := make(map[string]any, len(r))
			for i, v := range r {
				m[t.columns[i]] = jsonValue(v, t.types[i])
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(orderedRows{cols: t.columns, rows: out})
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(t.columns, "\t"))
		for _, r := range t.rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v, t.types[i])
				if i < len(r)-1 { // the last column (a finding's detail) is read whole
					rec[i] = truncate(rec[i], 60)
				} else {
					rec[i] = strings.ReplaceAll(rec[i], "\n", " ")
				}
			}
			fmt.Fprintln(tw, strings.Join(rec, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "(%s)\n", frCount(len(t.rows), "ligne", "lignes"))
		return err
	}
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// orderedRows encodes rows as JSON objects whose keys keep the column order.
type orderedRows struct {
	cols []string
	rows []map[string]any
}

func (o orderedRows) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range o.rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("{")
		for j, c := range o.cols {
			if j > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(r[c])
			if err != nil {
				return nil, err
			}
			b.Write(k)
			b.WriteString(":")
			b.Write(v)
		}
		b.WriteString("}")
	}
	b.WriteString("]")
	return []byte(b.String()), nil
}
