package data

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// MaxQueryRows bounds the rows a SQL page or API answer carries.
const MaxQueryRows = 10000

// QueryTimeout bounds one SQL query.
const QueryTimeout = 60 * time.Second

// Querier gives the instances the SQL page lists tables and columns from:
// for the region, the analysts' sandboxed instance over the snapshot
// (warehouse.OpenQuery); for a structure, an in-memory copy of that
// structure's data (OpenStructureCopy). What a user types runs on the same
// instances, built in a child process (Query).
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
func OpenStructureCopy(ctx context.Context, path string, sqlFS fs.FS, code string) (*warehouse.Warehouse, error) {
	if !codeRe.MatchString(code) {
		return nil, &BadParamError{Param: "structure", Value: code}
	}
	text, err := sqlfiles.Read(sqlFS, "console/structure_copy.sql")
	if err != nil {
		return nil, err
	}
	mask, err := sqlfiles.Read(sqlFS, "console/structure_copy_mask.sql")
	if err != nil {
		return nil, err
	}
	return warehouse.OpenMemoryCopy(ctx, path, sqlFS, warehouse.CopyStep{Statements: text, Args: []any{code}},
		warehouse.CopyStep{Statements: mask, Args: []any{controls.OthersPattern, controls.OthersText, controls.OthersUnknown}})
}
