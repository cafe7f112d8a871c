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
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Warehouse is an open DuckDB warehouse file.
type Warehouse struct {
	DB       *sql.DB
	Path     string
	SQL      fs.FS
	ReadOnly bool
	conn     *duckdb.Connector
	// changed is set when a run is recorded: Close then publishes a snapshot
	// for the console (snapshot.go).
	changed atomic.Bool
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
	// Keep timestamps naive (Europe/Paris local) and results in file order.
	// Read-only, the settings are made global by the pool's first connection
	// and locked; the later connections find them locked and set nothing
	// (a SET after the lock fails).
	var initMu sync.Mutex
	locked := false
	connector, err := duckdb.NewConnector(dsn, func(execer driver.ExecerContext) error {
		initMu.Lock()
		defer initMu.Unlock()
		if locked {
			return nil
		}
		stmts := []string{"SET TimeZone = 'Europe/Paris'", "SET preserve_insertion_order = true"}
		if readOnly {
			stmts = []string{"SET GLOBAL TimeZone = 'Europe/Paris'", "SET GLOBAL preserve_insertion_order = true", "SET lock_configuration = true"}
		}
		for _, s := range stmts {
			if _, err := execer.ExecContext(ctx, s, nil); err != nil {
				return err
			}
		}
		locked = readOnly
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

// Close closes the warehouse. A read-write warehouse that changed something
// first publishes a snapshot for the console, when `vigie serve` asked for
// them (snapshot.go).
func (w *Warehouse) Close() error {
	perr := w.publishOnClose()
	err := w.DB.Close()
	if cerr := w.conn.Close(); err == nil {
		err = cerr
	}
	return errors.Join(err, perr)
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

// Conflict tells whether err is DuckDB refusing a write because another
// transaction got there first: a key another transaction inserted (committed
// or not yet) or a write-write conflict. The refused transaction lost the
// race; the other one's write stands.
func Conflict(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && (de.Type == duckdb.ErrorTypeConstraint || de.Type == duckdb.ErrorTypeTransaction)
}

// Checkpoint writes the write-ahead log into the database file.
func (w *Warehouse) Checkpoint(ctx context.Context) error {
	if _, err := w.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
