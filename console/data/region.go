package data

import (
	"context"
	"fmt"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Runs returns the latest runs with their quarantine counts (regional scope).
func Runs(ctx context.Context, w *warehouse.Warehouse, s Scope, limit int) (*Table, error) {
	return regionQuery(ctx, w, s, "runs.sql", limit)
}

// QuarantineReasons counts a run's quarantined rows by file, column and
// reason (regional scope).
func QuarantineReasons(ctx context.Context, w *warehouse.Warehouse, s Scope, runID int64) (*Table, error) {
	if err := s.checkRegion(); err != nil {
		return nil, err
	}
	var known bool
	if err := w.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)`, runID).Scan(&known); err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	if !known {
		return nil, ErrNotFound
	}
	return regionQuery(ctx, w, s, "quarantine_reasons.sql", runID)
}

// Deliveries returns the delivery ledger, newest first (regional scope).
func Deliveries(ctx context.Context, w *warehouse.Warehouse, s Scope, limit int) (*Table, error) {
	return regionQuery(ctx, w, s, "deliveries.sql", limit)
}

func regionQuery(ctx context.Context, w *warehouse.Warehouse, s Scope, file string, args ...any) (*Table, error) {
	if err := s.checkRegion(); err != nil {
		return nil, err
	}
	q, err := readQuery(w, file)
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return readTable(rows, 0)
}
