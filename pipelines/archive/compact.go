package archive

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Compact rewrites the warehouse file at path into a fresh file holding only
// live rows (ATTACH + COPY FROM DATABASE), then swaps it in with an atomic
// rename, keeping the file's mode. DuckDB reuses but never wipes freed
// blocks, so without it the values an archiving set to NULL could still be
// read from the file's bytes. The warehouse must be closed: no connection may
// hold the file while it is replaced.
func Compact(ctx context.Context, path string, sqlFS fs.FS) (err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	text, err := readSQL(sqlFS, "archive/compact.sql")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	fresh := filepath.Join(dir, "."+filepath.Base(path)+".compact")
	for _, p := range []string{fresh, fresh + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("compact: remove leftover %s: %w", p, err)
		}
	}
	swapped := false
	defer func() {
		if !swapped {
			_ = os.Remove(fresh)
			_ = os.Remove(fresh + ".wal")
		}
	}()
	text = strings.NewReplacer("{{old}}", warehouse.Literal(path), "{{fresh}}", warehouse.Literal(fresh)).Replace(text)

	// An in-memory warehouse is the engine that copies one file into the other.
	mem, err := warehouse.Open(ctx, ":memory:", sqlFS)
	if err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	conn, err := mem.DB.Conn(ctx)
	if err != nil {
		_ = mem.Close()
		return fmt.Errorf("compact %s: %w", path, err)
	}
	err = execAll(ctx, conn, text)
	if cerr := conn.Close(); err == nil && cerr != nil {
		err = cerr
	}
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
	f, err := os.OpenFile(fresh, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	if err := f.Chmod(fi.Mode().Perm()); err != nil {
		_ = f.Close()
		return fmt.Errorf("compact %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("compact %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	if err := os.Rename(fresh, path); err != nil {
		return fmt.Errorf("compact %s: %w", path, err)
	}
	swapped = true
	return syncDir(dir)
}
