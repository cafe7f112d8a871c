package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// compactHook, when set (tests), is called once the fresh copy is complete
// and before it replaces the warehouse: a test kills the process there.
var compactHook func(fresh string)

// compactDir is the private folder (0700) where the rewrite writes its copy:
// nobody but the owner ever reads a copy, whatever DuckDB's file mode.
func compactDir(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".compact.d")
}

// removeCompactLeftovers removes the copies a killed rewrite left: the
// folder, and the copies of earlier versions written beside the file.
func removeCompactLeftovers(path string) error {
	old := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".compact")
	for _, p := range []string{old, old + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove leftover %s: %w", p, err)
		}
	}
	if err := os.RemoveAll(compactDir(path)); err != nil {
		return fmt.Errorf("remove leftover %s: %w", compactDir(path), err)
	}
	return nil
}

// Compact rewrites the warehouse file at path into a fresh file holding only
// live rows (ATTACH + COPY FROM DATABASE), then swaps it in with an atomic
// rename; the result is mode 0600. DuckDB reuses but never wipes freed
// blocks, so without it the values an archiving set to NULL could still be
// read from the file's bytes. The warehouse must be closed: no connection may
// hold the file while it is replaced.
//
// It is resumable: the archiving records the rewrite it owes in
// maintenance_pending in the same transaction as the anonymisation, the
// fresh copy is emptied of that record, and Open finishes any rewrite still
// owed, so a run killed at any point leaves the debt to the next opening.
func Compact(ctx context.Context, path string, sqlFS fs.FS) (err error) {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	text, err := sqlfiles.Read(sqlfiles.FS(), "warehouse/compact.sql")
	if err != nil {
		return err
	}
	if err := removeCompactLeftovers(path); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	privateFiles()
	dir := compactDir(path)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("compact %s: %w", path, rerr)
		}
	}()
	fresh := filepath.Join(dir, filepath.Base(path))
	text = strings.NewReplacer("{{old}}", Literal(path), "{{fresh}}", Literal(fresh)).Replace(text)

	// An in-memory instance is the engine that copies one file into the other.
	mem, err := Open(ctx, ":memory:", sqlFS)
	if err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	_, err = mem.DB.ExecContext(ctx, text)
	if cerr := mem.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	for _, p := range []string{path + ".wal", fresh + ".wal"} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("compact %s: %s left behind, the copy is not complete", path, p)
		}
	}
	if err := syncPrivate(fresh); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	if compactHook != nil {
		compactHook(fresh)
	}
	if err := os.Rename(fresh, path); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	return atomic.SyncDir(filepath.Dir(path))
}

// syncPrivate makes the file at p mode 0600 and flushes it to disk.
func syncPrivate(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync: %w", err)
	}
	return f.Close()
}

// finishPending runs on every opening for writing, before anybody uses the
// warehouse: it removes what a killed run left (internal catalogue entries,
// copies of a rewrite) and reports whether a file rewrite is still owed.
func (w *Warehouse) finishPending(ctx context.Context) (owed bool, err error) {
	// The warehouse's own housekeeping: always the embedded statements,
	// whatever migrations the caller's fs.FS holds.
	tidy, err := sqlfiles.Read(sqlfiles.FS(), "warehouse/tidy.sql")
	if err != nil {
		return false, err
	}
	if _, err := w.DB.ExecContext(ctx, tidy); err != nil {
		return false, fmt.Errorf("tidy warehouse: %w", err)
	}
	var ledger bool
	if err := w.DB.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'maintenance_pending'`).Scan(&ledger); err != nil {
		return false, fmt.Errorf("read pending rewrite: %w", err)
	}
	if ledger {
		q, err := sqlfiles.Read(sqlfiles.FS(), "warehouse/pending.sql")
		if err != nil {
			return false, err
		}
		if err := w.DB.QueryRowContext(ctx, q).Scan(&owed); err != nil {
			return false, fmt.Errorf("read pending rewrite: %w", err)
		}
	}
	if !owed {
		if err := removeCompactLeftovers(w.Path); err != nil {
			return false, err
		}
	}
	// Folders of runs killed before their cleanup: this opening holds the
	// warehouse's write lock, so no live run owns one.
	left, err := filepath.Glob(filepath.Join(filepath.Dir(w.Path), "."+globEscape(filepath.Base(w.Path))+".tmp-*"))
	if err != nil {
		return false, err
	}
	for _, d := range left {
		if d == w.spill {
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			return false, fmt.Errorf("remove leftover %s: %w", d, err)
		}
	}
	return owed, nil
}

// MkdirTemp creates a private folder (0700) beside the warehouse for one
// run's temporary files (extraction copies, DuckDB's spill files). The run
// removes it when done; the next opening for writing removes the ones a
// killed run left.
func (w *Warehouse) MkdirTemp(purpose string) (string, error) {
	privateFiles()
	return os.MkdirTemp(filepath.Dir(w.Path), "."+filepath.Base(w.Path)+".tmp-"+purpose+"-")
}

// spillDir names the spill folder of one opening of the warehouse at path.
func spillDir(path string) string {
	return filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.tmp-spill-%d-%d", filepath.Base(path), os.Getpid(), time.Now().UnixNano()))
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
