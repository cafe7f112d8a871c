package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// LastArchivings returns, per structure, when a dossier of it was last
// archived (sql/archive/last_archivings.sql). A nominative file written
// before it may still name a dossier anonymised since: the console and the
// deliveries withhold it.
func LastArchivings(ctx context.Context, w *warehouse.Warehouse) (map[string]time.Time, error) {
	q, err := readSQL(w.SQL, "archive/last_archivings.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("archivings: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var code string
		var at time.Time
		if err := rows.Scan(&code, &at); err != nil {
			return nil, fmt.Errorf("archivings: %w", err)
		}
		// recorded_at is a Paris wall-clock time.
		out[code] = time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), at.Second(), at.Nanosecond(), warehouse.Paris)
	}
	return out, rows.Err()
}
