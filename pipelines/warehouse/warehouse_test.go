package warehouse_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func TestOpenCreatesSchemaAndIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	for i := 0; i < 2; i++ {
		w, err := warehouse.Open(ctx, path, sqlfiles.FS())
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		v, err := w.Version(ctx)
		if err != nil || v < 1 {
			t.Fatalf("version = %d, %v; want >= 1", v, err)
		}
		var n int
		if err := w.DB.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if i == 1 && n < 1 {
			t.Fatalf("schema_version has %d rows", n)
		}
	}
}

func TestOpenMigratesOlderWarehouse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	v1 := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")}}
	w, err := warehouse.Open(ctx, path, v1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, "INSERT INTO a VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	v2 := fstest.MapFS{
		"migrations/0001_a.sql": v1["migrations/0001_a.sql"],
		"migrations/0002_b.sql": {Data: []byte("ALTER TABLE a ADD COLUMN y INTEGER DEFAULT 1;")},
	}
	w, err = warehouse.Open(ctx, path, v2)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var x, y int
	if err := w.DB.QueryRowContext(ctx, "SELECT x, y FROM a").Scan(&x, &y); err != nil {
		t.Fatal(err)
	}
	if x != 7 || y != 1 {
		t.Fatalf("after migration got (%d, %d), want (7, 1)", x, y)
	}
}

func TestOpenRefusesNewerWarehouse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	newer := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")},
		"migrations/0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER);")},
	}
	w, err := warehouse.Open(ctx, path, newer)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	older := fstest.MapFS{"migrations/0001_a.sql": newer["migrations/0001_a.sql"]}
	_, err = warehouse.Open(ctx, path, older)
	if !errors.Is(err, warehouse.ErrTooNew) {
		t.Fatalf("open newer warehouse: err = %v, want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("message %q does not name the version", err)
	}
}

func TestQueryRefusesWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `INSERT INTO structures VALUES ('ML-1', 'Mission Locale', '16', NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ro, err := warehouse.OpenQuery(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	refused := []string{
		"DELETE FROM structures",
		"UPDATE structures SET nom = 'x'",
		"INSERT INTO structures VALUES ('ML-2', 'x', '16', NULL, NULL)",
		"CREATE TABLE x (a INTEGER)",
		"DROP TABLE structures",
		"COPY structures TO '" + filepath.Join(t.TempDir(), "out.csv") + "'",
		"ATTACH '" + filepath.Join(t.TempDir(), "other.duckdb") + "' AS o",
		"SET enable_external_access = true",
		"SELECT * FROM read_csv('/etc/passwd')",
	}
	for _, q := range refused {
		rows, err := warehouse.Query(ctx, ro.DB, q)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err == nil {
			t.Errorf("query %q was not refused", q)
		}
	}
	rows, err := warehouse.Query(ctx, ro.DB, "SELECT nom FROM structures")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal("no row")
	}
	var nom string
	if err := rows.Scan(&nom); err != nil || nom != "Mission Locale" {
		t.Fatalf("got %q, %v", nom, err)
	}
}

// TestConnectionsOutliveTheOpeningContext: vigie opens the warehouse with
// the context SIGTERM cancels, and a stopped step still records how it
// ended, on whatever connection the pool gives it: a connection opened after
// that context ended must work (it failed with « context canceled », so a
// stopped run stayed « running »).
func TestConnectionsOutliveTheOpeningContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	opens := map[string]func(ctx context.Context) (*warehouse.Warehouse, error){
		"read-write": func(ctx context.Context) (*warehouse.Warehouse, error) {
			return warehouse.Open(ctx, path, sqlfiles.FS())
		},
		"query": func(ctx context.Context) (*warehouse.Warehouse, error) {
			return warehouse.OpenQuery(ctx, path, sqlfiles.FS())
		},
	}
	for _, name := range []string{"read-write", "query"} {
		ctx, cancel := context.WithCancel(context.Background())
		w, err := opens[name](ctx)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		bg := context.Background()
		// Hold every connection the pool has, so that the query needs a new one.
		var held []*sql.Conn
		for range 4 {
			c, err := w.DB.Conn(bg)
			if err != nil {
				t.Fatalf("%s: a connection after the opening context ended: %v", name, err)
			}
			held = append(held, c)
		}
		var one int
		if err := w.DB.QueryRowContext(bg, `SELECT 1`).Scan(&one); err != nil || one != 1 {
			t.Errorf("%s: a query on a new connection after the opening context ended: %d, %v", name, one, err)
		}
		for _, c := range held {
			c.Close()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
