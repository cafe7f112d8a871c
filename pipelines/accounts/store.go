// Package accounts is the console's accounts store (console.md): accounts and
// their profiles, password hashes, server-side sessions, personal access
// tokens, the lockout after failed logins, the acceptance of the terms of use
// and the audit log.
//
// It lives outside the DuckDB warehouse, in a SQLite file beside it
// (<warehouse>.console/console.db), because DuckDB lets one process write a
// file while SQLite lets several: `vigie users` changes an account while the
// console and the daemon run, and the console reads the account's state on
// every request, so a disabled account is out at its next request.
package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure Go SQLite driver: no cgo, safe across processes

	sqlfiles "github.com/arml-na/vigie/sql"
)

// Store is an open accounts store.
type Store struct {
	db    *sql.DB
	stmts map[string]string
	// Now is the store's clock; tests replace it to expire sessions.
	Now func() time.Time
}

// FileName is the store's file name inside the console folder.
const FileName = "console.db"

// Open opens (creating it, mode 0600, its folder 0700) the store at path.
func Open(ctx context.Context, path string, sqlFS fs.FS) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("dossier des comptes : %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("base des comptes %s : %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("base des comptes %s : %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("base des comptes %s : %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("base des comptes %s : %w", path, err)
	}
	s := &Store{db: db, Now: time.Now}
	if err := s.init(ctx, sqlFS); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("base des comptes %s : %w", path, err)
	}
	// The WAL and shared-memory files hold the same data: same mode.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			_ = db.Close()
			return nil, fmt.Errorf("base des comptes %s : %w", path, err)
		}
	}
	return s, nil
}

func (s *Store) init(ctx context.Context, sqlFS fs.FS) error {
	schema, err := sqlfiles.Read(sqlFS, "accounts/schema.sql")
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	text, err := sqlfiles.Read(sqlFS, "accounts/queries.sql")
	if err != nil {
		return err
	}
	s.stmts, err = namedStatements(text)
	return err
}

// namedStatements splits a file of `-- name: X` blocks.
func namedStatements(text string) (map[string]string, error) {
	out := map[string]string{}
	name := ""
	var b strings.Builder
	flush := func() {
		if name != "" {
			out[name] = strings.TrimSpace(b.String())
		}
		b.Reset()
	}
	for _, line := range strings.Split(text, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(n)
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("statement %s named twice", name)
			}
			continue
		}
		if name != "" && !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	flush()
	return out, nil
}

func (s *Store) stmt(name string) string {
	q, ok := s.stmts[name]
	if !ok {
		panic("accounts: no statement " + name)
	}
	return q
}

func (s *Store) exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	r, err := s.db.ExecContext(ctx, s.stmt(name), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// inTx runs fn in one transaction (BEGIN IMMEDIATE: the writer lock is
// taken at once, so two processes never deadlock on an upgrade).
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) now() int64 { return s.Now().Unix() }

// OpenExisting opens the store at path if it exists: nil, nil when it does
// not (no console was ever set up beside this warehouse), so that a batch
// reading it never creates it.
func OpenExisting(ctx context.Context, path string, sqlFS fs.FS) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return Open(ctx, path, sqlFS)
}
