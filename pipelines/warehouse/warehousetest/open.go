package warehousetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Open is a new, empty warehouse file in a temporary folder of t, closed
// when the test ends.
func Open(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// Reopen opens the warehouse file at path again (after a child process or a
// closed copy wrote it), closed when the test ends.
func Reopen(t testing.TB, path string) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}
