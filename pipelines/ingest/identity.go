package ingest

import (
	"context"
	"database/sql"
	"fmt"
)

// recordIdentityChanges records, in the load transaction of run runID and
// before the dossiers are upserted, the justified identities that the staged
// dossiers change (rules.md IDJ): the columns, never the values. The
// extraction is loaded as it is.
func recordIdentityChanges(ctx context.Context, tx *sql.Tx, query string, runID int64) (int64, error) {
	r, err := tx.ExecContext(ctx, query, runID)
	if err != nil {
		return 0, fmt.Errorf("record identity changes: %w", err)
	}
	n, _ := r.RowsAffected()
	return n, nil
}
