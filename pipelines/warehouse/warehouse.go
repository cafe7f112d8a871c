// Package warehouse owns vigie's DuckDB file: opening it, migrating its
// schema, transactions and the run record. Every pipeline goes through it, so
// none opens DuckDB its own way.
package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Warehouse is an open DuckDB warehouse file.
type Warehouse struct {
	DB       *sql.DB
	Path     string
	SQL      fs.FS
	ReadOnly bool
	conn     *duckdb.Connector

	snapshotMu  sync.Mutex
	snapshotSrc *os.File // see snapshotSource
}

// Open opens (creating it if needed) the warehouse at path and migrates its
// schema to the version this binary knows. sqlFS holds the migrations under
// migrations/.
func Open(ctx context.Context, path string, sqlFS fs.FS) (*Warehouse, error) {
	return open(ctx, path, sqlFS, false)
}

// OpenReadOnly opens an existing warehouse for reading only: DuckDB itself
// refuses every write, and no file outside the warehouse can be read or
// written by a query.
func OpenReadOnly(ctx context.Context, path string, sqlFS fs.FS) (*Warehouse, error) {
	return open(ctx, path, sqlFS, true)
}

func open(ctx context.Context, path string, sqlFS fs.FS, readOnly bool) (*Warehouse, error) {
	if path == "" {
		return nil, errors.New("open warehouse: empty path")
	}
	dsn := path
	if readOnly {
		q := url.Values{}
		q.Set("access_mode", "READ_ONLY")
		q.Set("enable_external_access", "false")
		dsn = path + "?" + q.Encode()
	}
	connector, err := duckdb.NewConnector(dsn, func(execer driver.ExecerContext) error {
		// Keep timestamps naive (Europe/Paris local) and results in file order.
		stmts := []string{"SET TimeZone = 'Europe/Paris'", "SET preserve_insertion_order = true"}
		if readOnly {
			stmts = append(stmts, "SET lock_configuration = true")
		}
		for _, s := range stmts {
			if _, err := execer.ExecContext(ctx, s, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{DB: db, Path: path, SQL: sqlFS, ReadOnly: readOnly, conn: connector}
	if err := db.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	if readOnly {
		if err := w.checkVersion(ctx); err != nil {
			_ = w.Close()
			return nil, err
		}
		return w, nil
	}
	if err := w.migrate(ctx); err != nil {
		_ = w.Close()
		return nil, err
	}
	return w, nil
}

// Close closes the warehouse.
func (w *Warehouse) Close() error {
	err := w.DB.Close()
	if cerr := w.conn.Close(); err == nil {
		err = cerr
	}
	w.snapshotMu.Lock()
	defer w.snapshotMu.Unlock()
	if w.snapshotSrc != nil {
		// After DuckDB let go of the file: closing it drops the lock. A
		// reopening (WhileClosed) may find another file under the path.
		if cerr := w.snapshotSrc.Close(); err == nil {
			err = cerr
		}
		w.snapshotSrc = nil
	}
	return err
}

// InTx runs fn in one transaction on conn, committing when fn returns nil
// and rolling back otherwise.
func InTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Checkpoint writes the write-ahead log into the database file.
func (w *Warehouse) Checkpoint(ctx context.Context) error {
	if _, err := w.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
