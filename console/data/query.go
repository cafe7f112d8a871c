package data

import (
	"context"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// MaxQueryRows bounds the rows a SQL page or API answer carries.
const MaxQueryRows = 10000

// QueryTimeout bounds one SQL query.
const QueryTimeout = 60 * time.Second

// Querier runs the read-only SQL of the console's SQL page and API. For the
// region it runs on the analysts' sandboxed instance over the snapshot
// (warehouse.OpenQuery); for a structure, on an in-memory copy of that
// structure's data (OpenStructureCopy). Both go through warehouse.Query, as
// `vigie query` does.
type Querier interface {
	Region(ctx context.Context) (*warehouse.Warehouse, error)
	StructureCopy(ctx context.Context, code string) (*warehouse.Warehouse, error)
}

// scopeWarehouse is the database a scope's SQL runs on.
func scopeWarehouse(ctx context.Context, q Querier, s Scope) (*warehouse.Warehouse, error) {
	switch {
	case s.region:
		return q.Region(ctx)
	case s.structure != "":
		return q.StructureCopy(ctx, s.structure)
	}
	return nil, ErrNoScope
}

// Query runs one read-only statement over the scope's data.
func Query(ctx context.Context, q Querier, s Scope, sqlText string) (*Table, error) {
	w, err := scopeWarehouse(ctx, q, s)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	rows, err := warehouse.Query(ctx, w.DB, sqlText)
	if err != nil {
		return nil, err
	}
	t, err := readTable(rows, MaxQueryRows)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return t, nil
}

// Tables lists the tables and columns a scope's SQL sees.
func Tables(ctx context.Context, q Querier, s Scope) (*Table, error) {
	w, err := scopeWarehouse(ctx, q, s)
	if err != nil {
		return nil, err
	}
	text, err := sqlfiles.Read(w.SQL, "console/tables.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	return readTable(rows, 0)
}

// OpenStructureCopy builds the in-memory copy of one structure's data from
// the snapshot file at path (sql/console/structure_copy.sql).
func OpenStructureCopy(ctx context.Context, path string, w *warehouse.Warehouse, code string) (*warehouse.Warehouse, error) {
	if !codeRe.MatchString(code) {
		return nil, &BadParamError{Param: "structure", Value: code}
	}
	text, err := sqlfiles.Read(w.SQL, "console/structure_copy.sql")
	if err != nil {
		return nil, err
	}
	mask, err := sqlfiles.Read(w.SQL, "console/structure_copy_mask.sql")
	if err != nil {
		return nil, err
	}
	return warehouse.OpenMemoryCopy(ctx, path, w.SQL, warehouse.CopyStep{Statements: text, Args: []any{code}},
		warehouse.CopyStep{Statements: mask, Args: []any{controls.OthersPattern, controls.OthersText, controls.OthersUnknown}})
}
