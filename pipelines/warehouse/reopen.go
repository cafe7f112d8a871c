package warehouse

import (
	"context"
	"fmt"
)

// WhileClosed closes the warehouse, runs fn on its file, then opens it again
// in place (same path, same mode), so that every holder of w goes on with the
// reopened file. It is for the work that needs the file to itself, such as
// rewriting it after an archiving. The warehouse is reopened even when fn
// fails.
func (w *Warehouse) WhileClosed(ctx context.Context, fn func(path string) error) error {
	if err := w.Close(); err != nil {
		return fmt.Errorf("close warehouse %s: %w", w.Path, err)
	}
	ferr := fn(w.Path)
	// Reopen even when ctx has ended: the caller still records its run.
	fresh, err := open(context.WithoutCancel(ctx), w.Path, w.SQL, w.ReadOnly)
	if err != nil {
		if ferr != nil {
			return fmt.Errorf("%w (and reopen: %w)", ferr, err)
		}
		return err
	}
	w.DB, w.conn = fresh.DB, fresh.conn
	return ferr
}
