package ingest

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// recorded runs an ingestion as every caller does (steps.Run): the caller
// opens the run record, the ingestion runs under it, the caller closes it.
func recorded(t testing.TB, ctx context.Context, w *warehouse.Warehouse, dir string, opts Options) (*Result, error) {
	t.Helper()
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "ingest"})
	if err != nil {
		t.Fatal(err)
	}
	opts.RunID = run.ID
	res, err := Run(ctx, w, dir, opts)
	if ferr := run.Finish(err); ferr != nil {
		t.Fatal(ferr)
	}
	return res, err
}
