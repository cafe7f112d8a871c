package ingest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// After an XLSX load, an analyst's query finds nothing internal in the
// catalogue: the Arrow view the load registers pointed at freed memory and
// crashed the engine when read (SIGSEGV in vigie query).
func TestXLSXLeavesNoInternalView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"utilisateurs.csv": ""})
	writeUsersXLSX(t, filepath.Join(dir, "utilisateurs.xlsx"))
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, w, `SELECT count(*) FROM utilisateurs`); n != 3 {
		t.Fatalf("control: %d users loaded from the workbook, want 3", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := warehouse.OpenQuery(ctx, w.Path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var views int64
	if err := q.DB.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE NOT internal AND NOT temporary`).Scan(&views); err != nil || views != 0 {
		t.Fatalf("%d views left in the catalogue (%v)", views, err)
	}
	if _, err := warehouse.Query(ctx, q.DB, `SELECT * FROM xlsx_rows`); err == nil {
		t.Fatal("xlsx_rows is still readable")
	}
}
