// Package recorded runs pipelines in tests as every caller does: the caller
// opens the run record, the pipeline runs under it, the caller closes it
// (steps.Run, which tests of the pipelines below it cannot import).
package recorded

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Ingest loads the extraction in dir under a run record of its own.
func Ingest(tb testing.TB, ctx context.Context, w *warehouse.Warehouse, dir string, opts ingest.Options) (res *ingest.Result, err error) {
	tb.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		opts.RunID = id
		res, err = ingest.Run(ctx, w, dir, opts)
		return err
	})
	return res, err
}

// Controls runs the controls under a run record of their own.
func Controls(tb testing.TB, ctx context.Context, w *warehouse.Warehouse, opts controls.Options) (res *controls.Result, err error) {
	tb.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "controls"}, func(id int64) error {
		opts.RunID = id
		res, err = controls.Run(ctx, w, opts)
		return err
	})
	return res, err
}

// Transfers runs the transfers under a run record of their own.
func Transfers(tb testing.TB, ctx context.Context, w *warehouse.Warehouse, opts transfers.Options) (res *transfers.Result, err error) {
	tb.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "transfers run"}, func(id int64) error {
		opts.RunID = id
		res, err = transfers.Run(ctx, w, opts)
		return err
	})
	return res, err
}
