package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"

	sqlfiles "github.com/arml-na/vigie/sql"
)

// identitySQL are the statements of rules.md IDJ that a load runs before
// the dossiers are upserted: sql/ingest/identity_changes.sql (one, with the
// run's id) and sql/ingest/identity_blanked.sql (several, without).
type identitySQL struct {
	changes string
	blanked []string
}

func readIdentitySQL(sqlFS fs.FS) (identitySQL, error) {
	var q identitySQL
	var err error
	if q.changes, err = sqlfiles.Read(sqlFS, "ingest/identity_changes.sql"); err != nil {
		return q, err
	}
	text, err := sqlfiles.Read(sqlFS, "ingest/identity_blanked.sql")
	if err != nil {
		return q, err
	}
	for _, st := range strings.Split(text, ";\n") {
		if strings.TrimSpace(st) != "" {
			q.blanked = append(q.blanked, st)
		}
	}
	return q, nil
}

// recordIdentityChanges records, in the load transaction of run runID and
// before the dossiers are upserted, the justified identities that the staged
// dossiers change (rules.md IDJ): the columns, never the values. The
// extraction is loaded as it is; the values it empties are kept as their
// SHA-256 (identity_blanked), to compare the next value with.
func recordIdentityChanges(ctx context.Context, tx *sql.Tx, q identitySQL, runID int64) (int64, error) {
	r, err := tx.ExecContext(ctx, q.changes, runID)
	if err != nil {
		return 0, fmt.Errorf("record identity changes: %w", err)
	}
	n, _ := r.RowsAffected()
	for _, st := range q.blanked {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return 0, fmt.Errorf("record emptied identity values: %w", err)
		}
	}
	return n, nil
}
