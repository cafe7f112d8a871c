package archive

import (
	"context"
	"io/fs"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Compact rewrites the warehouse file at path so that the values an
// archiving set to NULL are gone from its bytes too (warehouse.Compact: a
// fresh private copy renamed over the file). The warehouse must be closed.
// A run killed before the rewrite is done leaves it owed: the next opening
// of the warehouse for writing finishes it.
func Compact(ctx context.Context, path string, sqlFS fs.FS) error {
	return warehouse.Compact(ctx, path, sqlFS)
}
