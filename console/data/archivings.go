package data

import (
	"context"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// LastArchivings returns, per structure, when a dossier of it was last
// archived (archive.LastArchivings): the console withholds the nominative
// report files written before it.
func LastArchivings(ctx context.Context, w *warehouse.Warehouse) (map[string]time.Time, error) {
	return archive.LastArchivings(ctx, w)
}
