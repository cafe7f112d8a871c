package archive

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
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
