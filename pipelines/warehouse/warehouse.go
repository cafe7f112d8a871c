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
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
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
	// spill is the private folder DuckDB spills to when a write instance
	// runs out of memory, removed by Close.
	spill string
	// changed is set when a run is recorded: Close then publishes a snapshot
	// for the console (snapshot.go).
	changed atomic.Bool

	snapshotMu  sync.Mutex
	snapshotSrc *os.File // see snapshotSource
}

// Open opens (creating it if needed) the warehouse at path and migrates its
// schema to the version this binary knows. sqlFS holds the migrations under
// migrations/. While another process holds the file, Open waits for it
// (DefaultLockWait, or LockWait), then gives up with a *LockedError.
func Open(ctx context.Context, path string, sqlFS fs.FS, opts ...Option) (*Warehouse, error) {
	o := openOptions{lockWait: DefaultLockWait}
	for _, opt := range opts {
		opt(&o)
	}
	return openWaiting(ctx, path, o.lockWait, func() (*Warehouse, error) {
		return open(ctx, path, sqlFS, false)
	})
}

// OpenReadOnly opens an existing warehouse for reading only: DuckDB itself
// refuses every write, and no file outside the warehouse can be read or
// written by a query.
func OpenReadOnly(ctx context.Context, path string, sqlFS fs.FS) (*Warehouse, error) {
	return open(ctx, path, sqlFS, true)
}

func open(ctx context.Context, path string, sqlFS fs.FS, readOnly bool) (*Warehouse, error) {
	dsn := path
	spill := ""
	if !readOnly && path != ":memory:" {
		// DuckDB creates the folder when it first spills, with the
		// process's umask (077: see privateFiles).
		spill = spillDir(path)
		dsn = path + "?" + url.Values{"temp_directory": {spill}}.Encode()
	}
	if readOnly {
		q := url.Values{}
		q.Set("access_mode", "READ_ONLY")
		q.Set("enable_external_access", "false")
		dsn = path + "?" + q.Encode()
	}
	w, err := openDSN(ctx, path, dsn, sqlFS, readOnly, func(execer driver.ExecerContext) error {
		// Keep timestamps naive (Europe/Paris local) and results in file order.
		stmts := []string{"SET GLOBAL TimeZone = 'Europe/Paris'", "SET GLOBAL preserve_insertion_order = true"}
		if readOnly {
			stmts = append(stmts, "SET GLOBAL lock_configuration = true")
		}
		return setUpOnce(execer, stmts, nil)
	})
	if err != nil {
		return nil, err
	}
	w.spill = spill
	return w, nil
}

// openError says in French why DuckDB could not open the file at path,
// for the causes a user can act on.
func openError(path string, err error) error {
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		return isFolder(path)
	}
	if strings.Contains(err.Error(), "not a valid DuckDB database file") {
		return notWarehouse(path)
	}
	return fmt.Errorf("ouverture de l'entrepôt %s : %w", path, err)
}

func isFolder(path string) error {
	return fmt.Errorf("l'entrepôt %s est un dossier : indiquez le fichier DuckDB de l'entrepôt (--warehouse)", path)
}

func notWarehouse(path string) error {
	return fmt.Errorf("%s n'est pas un entrepôt DuckDB (un fichier d'un autre type, ou abîmé) : vérifiez --warehouse, ou restaurez une sauvegarde (vigie restore)", path)
}

// duckdbMagic is what every DuckDB database file holds at magicOffset.
const (
	duckdbMagic = "DUCK"
	magicOffset = 8
)

// checkFile refuses an existing file that is not a DuckDB database before
// DuckDB opens it: DuckDB takes some files of other types (a small CSV) for
// an empty database and would let a command run on it, or write into it. A
// path that does not exist passes: Open creates the warehouse.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return openError(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return isFolder(path)
	}
	head := make([]byte, magicOffset+len(duckdbMagic))
	if _, err := io.ReadFull(f, head); err != nil || string(head[magicOffset:]) != duckdbMagic {
		return notWarehouse(path)
	}
	return nil
}

func openDSN(ctx context.Context, path, dsn string, sqlFS fs.FS, readOnly bool, setUp func(driver.ExecerContext) error) (*Warehouse, error) {
	if path == "" {
		return nil, errors.New("open warehouse: empty path")
	}
	if path != ":memory:" {
		if err := checkFile(path); err != nil {
			return nil, err
		}
		privateFiles()
	}
	connector, err := duckdb.NewConnector(dsn, setUp)
	if err != nil {
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{DB: db, Path: path, SQL: sqlFS, ReadOnly: readOnly, conn: connector}
	if err := db.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, openError(path, err)
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
	if path == ":memory:" {
		return w, nil
	}
	if err := makePrivate(path); err != nil {
		_ = w.Close()
		return nil, err
	}
	owed, err := w.finishPending(ctx)
	if err != nil || !owed {
		if err != nil {
			_ = w.Close()
			return nil, err
		}
		return w, nil
	}
	// A rewrite an archiving owes (killed before or during it): finish it
	// before anybody uses the warehouse, then open the rewritten file.
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := Compact(ctx, path, sqlFS); err != nil {
		return nil, fmt.Errorf("open warehouse %s: finish the rewrite an archiving left undone: %w", path, err)
	}
	return openDSN(ctx, path, dsn, sqlFS, readOnly, setUp)
}

// makePrivate takes group and others' access away from the warehouse file
// and its WAL, for a file created by an earlier vigie or copied in.
func makePrivate(path string) error {
	for _, p := range []string{path, path + ".wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("open warehouse: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("open warehouse: %w", err)
			}
		}
	}
	return nil
}

// setUpOnce configures each new connection of an instance: the instance's
// settings (GLOBAL) are set by its first connection, before it locks them;
// later connections find the configuration locked and only run perSession.
// It takes no context: the pool opens connections for as long as the
// instance is open, after the context it was opened with may have ended (a
// run stopped by SIGTERM still records how it ended), and its statements
// are instant.
func setUpOnce(execer driver.ExecerContext, global, perSession []string) error {
	ctx := context.Background()
	locked, err := configurationLocked(ctx, execer)
	if err != nil {
		return err
	}
	stmts := perSession
	if !locked {
		stmts = append(global, perSession...)
	}
	for _, s := range stmts {
		if _, err := execer.ExecContext(ctx, s, nil); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func configurationLocked(ctx context.Context, execer driver.ExecerContext) (bool, error) {
	q, ok := execer.(driver.QueryerContext)
	if !ok {
		return false, errors.New("the driver connection cannot query")
	}
	rows, err := q.QueryContext(ctx, "SELECT current_setting('lock_configuration')", nil)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return false, err
	}
	locked, _ := v[0].(bool)
	return locked, nil
}

// Close closes the warehouse, and removes its spill folder. A read-write
// warehouse that changed something first publishes a snapshot for the
// console, when `vigie serve` asked for them (snapshot.go).
func (w *Warehouse) Close() error {
	perr := w.publishOnClose()
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
	if w.spill != "" {
		if rerr := os.RemoveAll(w.spill); err == nil && rerr != nil {
			err = fmt.Errorf("remove spill folder: %w", rerr)
		}
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
