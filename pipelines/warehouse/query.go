package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrNotReadOnly is returned by Query for a statement that is not a plain read.
var ErrNotReadOnly = errors.New("only read-only SELECT queries are allowed")

// Query runs one analyst query. Three guards hold: the warehouse is opened
// READ_ONLY with external access (files, other databases) disabled and the
// configuration locked, and only statements DuckDB classifies as SELECT (or
// EXPLAIN) are run.
func Query(ctx context.Context, w *Warehouse, query string) (*sql.Rows, error) {
	if !w.ReadOnly {
		return nil, errors.New("query needs a warehouse opened read-only")
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var stmtType duckdb.StmtType
	err = conn.Raw(func(dc any) error {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("driver cannot prepare")
		}
		st, err := prep.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return errors.New("unexpected statement type")
		}
		stmtType, err = ds.StatementType()
		return err
	})
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if stmtType != duckdb.STATEMENT_TYPE_SELECT && stmtType != duckdb.STATEMENT_TYPE_EXPLAIN {
		return nil, fmt.Errorf("query refused: %w", ErrNotReadOnly)
	}
	rows, err := w.DB.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return rows, nil
}
