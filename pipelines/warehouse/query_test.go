package warehouse_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// An identity that must never leave the warehouse through a query.
const secretNIR = "2990175123456"

// privateWarehouse writes a warehouse holding secretNIR, with a spill
// folder holding a file, and returns its path.
func privateWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `CREATE TABLE secrets (nir VARCHAR); INSERT INTO secrets VALUES (?)`, secretNIR); err != nil {
		t.Fatal(err)
	}
	if err := w.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(path+".tmp", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path+".tmp", "spill.bin"), []byte(secretNIR), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQueryReachesNoFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := privateWarehouse(t)
	spill := path + ".tmp"
	exported := filepath.Join(spill, "export")
	lit := func(p string) string { return warehouse.Literal(p) }

	// Positive control: the bytes are there, and a plain read-only instance
	// (external access disabled) still reads the warehouse's own file.
	raw, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(raw, []byte(secretNIR)) {
		t.Fatalf("control: the warehouse file does not hold the NIR (%v)", err)
	}
	plain, err := warehouse.OpenReadOnly(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	err = plain.DB.QueryRowContext(ctx, `SELECT count(*) FROM read_blob(`+lit(path)+`) WHERE contains(content::VARCHAR, ?)`, secretNIR).Scan(&n)
	plain.Close()
	if err != nil || n != 1 {
		t.Fatalf("control: read_blob on a plain read-only instance: n=%d err=%v", n, err)
	}
	if _, err := warehouse.Query(ctx, plainDB(t, path), "SELECT 1"); !errors.Is(err, warehouse.ErrNotSandboxed) {
		t.Fatalf("Query on a plain instance: %v, want ErrNotSandboxed", err)
	}

	q, err := warehouse.OpenQuery(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	attempts := []string{
		`SELECT * FROM read_blob(` + lit(path) + `)`,
		`SELECT * FROM read_text(` + lit(path) + `)`,
		`SELECT * FROM read_text(` + lit(path+".wal") + `)`,
		`SELECT * FROM read_blob(` + lit(filepath.Join(spill, "spill.bin")) + `)`,
		`SELECT * FROM read_csv(` + lit(filepath.Join(spill, "spill.bin")) + `)`,
		`SELECT * FROM read_csv_auto(` + lit(path) + `)`,
		`SELECT * FROM sniff_csv(` + lit(filepath.Join(spill, "spill.bin")) + `)`,
		`SELECT * FROM read_json(` + lit(path) + `)`,
		`SELECT * FROM read_json_auto(` + lit(path) + `)`,
		`SELECT * FROM read_parquet(` + lit(path) + `)`,
		`SELECT * FROM glob(` + lit(spill+"/*") + `)`,
		`SELECT * FROM glob(` + lit(path) + `)`,
		`SELECT * FROM ` + lit(path),
		`EXPORT DATABASE ` + lit(exported) + `; SELECT 1`,
		`EXPORT DATABASE ` + lit(exported),
		`COPY secrets TO ` + lit(filepath.Join(spill, "out.csv")),
		`COPY (SELECT * FROM secrets) TO ` + lit(filepath.Join(spill, "out.csv")),
		`ATTACH ` + lit(path) + ` AS again`,
		`ATTACH ':memory:' AS m; SELECT 1`,
		`INSTALL httpfs`,
		`LOAD httpfs`,
		`SET disabled_filesystems = ''`,
		`SET enable_external_access = true`,
		`SET GLOBAL lock_configuration = false`,
		`RESET disabled_filesystems`,
		`PRAGMA disable_object_cache`,
		`SET memory_limit = '100GB'`,
		`SELECT 1; SELECT 2`,
		`SELECT 1;; SELECT 2`,
		`CALL pragma_version()`,
		`EXPLAIN ANALYZE COPY secrets TO ` + lit(filepath.Join(spill, "out.csv")),
		`EXPLAIN ANALYZE SELECT * FROM read_blob(` + lit(path) + `)`,
		``,
		`;`,
	}
	for _, a := range attempts {
		rows, err := warehouse.Query(ctx, q.DB, a)
		if err == nil {
			var got []string
			for rows.Next() {
				var v any
				_ = rows.Scan(&v)
				got = append(got, strings.TrimSpace(string(toBytes(v))))
			}
			err = rows.Err()
			rows.Close()
			if err == nil {
				t.Errorf("%q was not refused (got %q)", a, got)
			}
		}
	}
	// The engine's own guard holds without the statement check: run
	// straight on the instance, every file access and every change of
	// setting fails.
	for _, a := range []string{
		`SELECT count(*) FROM read_blob(` + lit(path) + `)`,
		`SELECT count(*) FROM read_text(` + lit(filepath.Join(spill, "spill.bin")) + `)`,
		`SELECT count(*) FROM glob(` + lit(spill+"/*") + `)`,
		`EXPORT DATABASE ` + lit(exported),
		`COPY secrets TO ` + lit(filepath.Join(spill, "out.csv")),
		`ATTACH ` + lit(filepath.Join(spill, "other.duckdb")) + ` AS other`,
		`SET disabled_filesystems = ''`,
		`SET GLOBAL lock_configuration = false`,
		`SET memory_limit = '100GB'`,
		`LOAD httpfs`,
	} {
		if _, err := q.DB.ExecContext(ctx, a); err == nil {
			t.Errorf("straight on the query instance, %q was not refused", a)
		}
	}
	if _, err := os.Stat(exported); err == nil {
		t.Errorf("EXPORT DATABASE wrote %s", exported)
	}
	if _, err := os.Stat(filepath.Join(spill, "out.csv")); err == nil {
		t.Errorf("COPY wrote into the spill folder")
	}
	var mem string
	if err := q.DB.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&mem); err != nil || mem == "" {
		t.Errorf("memory limit: %q, %v", mem, err)
	}
	// One statement, multi-statement text refused by type.
	if _, err := warehouse.Query(ctx, q.DB, "SELECT 1; SELECT 2"); !errors.Is(err, warehouse.ErrNotOneStatement) {
		t.Errorf("two statements: %v, want ErrNotOneStatement", err)
	}
	// What analysts need still works, on several connections at once.
	rows1, err := warehouse.Query(ctx, q.DB, "SELECT nir FROM secrets")
	if err != nil {
		t.Fatal(err)
	}
	defer rows1.Close()
	rows2, err := warehouse.Query(ctx, q.DB, "SELECT count(*) FROM secrets")
	if err != nil {
		t.Fatal(err)
	}
	defer rows2.Close()
	if !rows1.Next() || !rows2.Next() {
		t.Fatal("no row")
	}
}

func toBytes(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	default:
		return nil
	}
}

func plainDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	w, err := warehouse.OpenReadOnly(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w.DB
}
