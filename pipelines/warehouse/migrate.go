package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migration is one versioned schema file, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
}

// ErrTooNew is wrapped by the error returned when the warehouse was migrated
// by a newer vigie than this one.
var ErrTooNew = fmt.Errorf("warehouse schema is newer than this vigie")

func migrations(sqlFS fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(sqlFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		ms = append(ms, migration{version: v, name: e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// Version returns the schema version of the warehouse (0 for a new file).
func (w *Warehouse) Version(ctx context.Context) (int, error) {
	var exists bool
	err := w.DB.QueryRowContext(ctx,
		`SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'schema_version' AND schema_name = 'main'`).Scan(&exists)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := w.DB.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

func (w *Warehouse) checkVersion(ctx context.Context) error {
	ms, err := migrations(w.SQL)
	if err != nil {
		return err
	}
	v, err := w.Version(ctx)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	if v > latest {
		return fmt.Errorf("%w: %s is at version %d, this vigie knows up to %d; use a newer vigie", ErrTooNew, w.Path, v, latest)
	}
	if v < latest && w.ReadOnly {
		return fmt.Errorf("warehouse %s is at schema version %d and needs migrating to %d: run any command that writes (e.g. vigie ingest) first", w.Path, v, latest)
	}
	return nil
}

// migrate applies, each in its own transaction, every migration newer than
// the warehouse's version. A warehouse newer than this binary is refused.
func (w *Warehouse) migrate(ctx context.Context) error {
	if err := w.checkVersion(ctx); err != nil {
		return err
	}
	ms, err := migrations(w.SQL)
	if err != nil {
		return err
	}
	current, err := w.Version(ctx)
	if err != nil {
		return err
	}
	if current == 0 {
		if _, err := w.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())`); err != nil {
			return fmt.Errorf("create schema_version: %w", err)
		}
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		body, err := fs.ReadFile(w.SQL, path.Join("migrations", m.name))
		if err != nil {
			return fmt.Errorf("read migration %s: %w", m.name, err)
		}
		tx, err := w.DB.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: commit: %w", m.name, err)
		}
	}
	return nil
}
