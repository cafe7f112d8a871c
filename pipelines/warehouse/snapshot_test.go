package warehouse_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func TestPublishOnClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := warehouse.SnapshotsDir(path)
	// No console folder: nothing is published.
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("snapshots folder without a console: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Opened and closed without a change: nothing published.
	w, _ = warehouse.Open(ctx, path, sqlfiles.FS())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if list, _ := warehouse.Snapshots(dir); len(list) != 0 {
		t.Fatalf("published without a change: %v", list)
	}
	// Three changed runs: the newest two are kept, the newest holds the last run.
	for i := 0; i < 3; i++ {
		w, err := warehouse.Open(ctx, path, sqlfiles.FS())
		if err != nil {
			t.Fatal(err)
		}
		run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Finish(nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	list, err := warehouse.Snapshots(dir)
	if err != nil || len(list) != 2 {
		t.Fatalf("snapshots: %v %v", list, err)
	}
	latest, _ := warehouse.LatestSnapshot(dir)
	fi, err := os.Stat(latest)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot mode: %v %v", fi, err)
	}
	r, err := warehouse.OpenReadOnly(ctx, latest, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.DB.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE status = 'done'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("runs in the newest snapshot: %d %v", n, err)
	}
}

// Every connection of a read-only warehouse's pool has the settings, though
// only the first one could set them before the lock.
func TestReadOnlyPoolSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := warehouse.OpenReadOnly(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	conns := make([]*sql.Conn, 4)
	for i := range conns {
		if conns[i], err = r.DB.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	for i, c := range conns {
		var tz string
		if err := c.QueryRowContext(ctx, `SELECT current_setting('TimeZone')`).Scan(&tz); err != nil || tz != "Europe/Paris" {
			t.Errorf("connection %d: TimeZone %q %v", i, tz, err)
		}
		if _, err := c.ExecContext(ctx, `SET enable_external_access = true`); err == nil {
			t.Errorf("connection %d: configuration not locked", i)
		}
	}
}
