package warehousetest

import (
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// MemoryLimit reads DuckDB's memory limit, a setting of the whole database,
// as a run leaves it behind.
func MemoryLimit(t testing.TB, w *warehouse.Warehouse) string {
	t.Helper()
	var l string
	if err := w.DB.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&l); err != nil {
		t.Fatal(err)
	}
	return l
}
