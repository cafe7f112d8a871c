package controls

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// recorded runs the controls as every caller does (steps.Run): the caller
// opens the run record, the controls run under it, the caller closes it.
func recorded(t testing.TB, ctx context.Context, w *warehouse.Warehouse, opts Options) (*Result, error) {
	t.Helper()
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "controls"})
	if err != nil {
		t.Fatal(err)
	}
	opts.RunID = run.ID
	res, err := Run(ctx, w, opts)
	if ferr := run.Finish(err); ferr != nil {
		t.Fatal(ferr)
	}
	return res, err
}

// ingested loads an extraction as every caller does: under a run record the
// caller opens.
func ingested(t testing.TB, ctx context.Context, w *warehouse.Warehouse, dir string, opts ingest.Options) (*ingest.Result, error) {
	t.Helper()
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "ingest"})
	if err != nil {
		t.Fatal(err)
	}
	opts.RunID = run.ID
	res, err := ingest.Run(ctx, w, dir, opts)
	if ferr := run.Finish(err); ferr != nil {
		t.Fatal(ferr)
	}
	return res, err
}
