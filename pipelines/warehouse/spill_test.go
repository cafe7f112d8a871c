package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sqlfiles "github.com/arml-na/vigie/sql"
)

// DuckDB spills to a private folder of the opening (0700, files 0600),
// removed when the warehouse is closed.
func TestSpillFolderIsPrivateAndRemoved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	var dir string
	if err := w.DB.QueryRowContext(ctx, `SELECT current_setting('temp_directory')`).Scan(&dir); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(dir), ".vigie.duckdb.tmp-spill-") {
		t.Fatalf("temp_directory = %q", dir)
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`SET memory_limit = '48MB'`, `SET threads = 1`,
		`CREATE TEMP TABLE big AS SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(1500000) t(i) ORDER BY s`} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("control: the sort did not spill (%v): the test would prove nothing", err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("spill folder mode %v, want 0700", fi.Mode().Perm())
	}
	conn.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the spill folder is still there after Close")
	}
}
