package data

import (
	"database/sql"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Table is a result set: column names, DuckDB type names and rows of Go
// values (string, numbers, bool, time.Time, nil).
type Table struct {
	Columns []string
	Types   []string
	Rows    [][]any
	// Truncated tells that rows beyond MaxRows were left out.
	Truncated bool
}

// readTable reads at most max rows (0: all).
func readTable(rows *sql.Rows, max int) (*Table, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: cols, Types: make([]string, len(cols)), Rows: [][]any{}}
	for i, ct := range cts {
		t.Types[i] = ct.DatabaseTypeName()
	}
	for rows.Next() {
		if max > 0 && len(t.Rows) == max {
			t.Truncated = true
			break
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			vals[i] = plain(v)
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// plain turns driver values that JSON and templates do not know into text.
func plain(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, int:
		return x
	case time.Time:
		return x
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return x.Float64()
	default:
		return fmt.Sprint(x)
	}
}
