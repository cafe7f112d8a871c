package demo

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ingested loads an extraction as every caller does: under a run record the
// caller opens (steps.Run), never one of the ingestion's own.
func ingested(t testing.TB, ctx context.Context, w *warehouse.Warehouse, dir string, opts ingest.Options) (res *ingest.Result, err error) {
	t.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		opts.RunID = id
		res, err = ingest.Run(ctx, w, dir, opts)
		return err
	})
	return res, err
}

// controlled runs the controls under a run record the caller opens.
func controlled(t testing.TB, ctx context.Context, w *warehouse.Warehouse, opts controls.Options) (res *controls.Result, err error) {
	t.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "controls"}, func(id int64) error {
		opts.RunID = id
		res, err = controls.Run(ctx, w, opts)
		return err
	})
	return res, err
}

// transferred runs the transfers under a run record the caller opens.
func transferred(t testing.TB, ctx context.Context, w *warehouse.Warehouse, opts transfers.Options) (res *transfers.Result, err error) {
	t.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "transfers run"}, func(id int64) error {
		opts.RunID = id
		res, err = transfers.Run(ctx, w, opts)
		return err
	})
	return res, err
}
