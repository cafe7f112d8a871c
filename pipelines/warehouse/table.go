package warehouse

import (
	"database/sql"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Table is a result set as the driver gives it: column names, DuckDB type
// names (to tell a DATE from a TIMESTAMP) and rows of driver values.
type Table struct {
	Columns []string
	Types   []string
	Rows    [][]any
	// Truncated tells that rows beyond the maximum asked were left out.
	Truncated bool
}

// ReadTable reads at most max rows of rows (0: all), and closes it.
func ReadTable(rows *sql.Rows, max int) (*Table, error) {
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
		t.Rows = append(t.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		// The engine stopped while producing rows (a conversion that fails
		// on one of them): told as a query's failure, in French.
		var de *duckdb.Error
		if errors.As(err, &de) {
			return nil, fmt.Errorf(Failure+"%w", inFrench(err))
		}
		return nil, err
	}
	return t, nil
}
