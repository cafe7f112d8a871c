package archive

import (
	"context"
	"database/sql"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// vigieColumns are the columns the schema adds to extract tables: not read
// from an extraction, so not in the extract format's declaration.
var vigieColumns = map[string]bool{
	"dossiers.annee_naissance": true, "dossiers.archive": true, "dossiers.date_archivage": true, "dossiers.motif_archivage": true,
}

// The extract format's declaration (ingest.Tables: which columns are identity
// or free text) and the schema hold the same columns, so that a column added
// to one and not the other fails here: an identity column in the schema but
// not declared would be loaded but never dropped, masked or anonymised.
func TestSchemaColumnsAreDeclared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	declared := map[string]bool{}
	var names []string
	for _, tb := range ingest.Tables {
		names = append(names, tb.Name)
		for _, c := range tb.Columns {
			declared[tb.Name+"."+c.Name] = true
		}
	}
	rows, err := w.DB.QueryContext(ctx, `SELECT table_name || '.' || column_name FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND list_contains(?::VARCHAR[], table_name)`, "["+strings.Join(names, ",")+"]")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	inSchema := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		inSchema[c] = true
		if !declared[c] && !vigieColumns[c] {
			t.Errorf("column %s is in the schema but not in the extract format's declaration (ingest.Tables): say there whether it is identity or free text", c)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(inSchema) == 0 {
		t.Fatal("no column read from the schema: the check above proved nothing")
	}
	for c := range declared {
		if !inSchema[c] {
			t.Errorf("column %s is declared in ingest.Tables but not in the schema", c)
		}
	}
}

// The anonymisation empties exactly the columns the declaration says an
// archived dossier loses (Dropped), nothing less: every one of them holds a
// value before, none after.
func TestAnonymisationFollowsTheDeclaration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded.Ingest(t, ctx, w, filepath.Join("..", "..", "testdata", "controls", "rules"), ingest.Options{MaxRejectRatio: 1}); err != nil {
		t.Fatal(err)
	}
	var x string
	if err := w.DB.QueryRowContext(ctx, `SELECT min(id_dossier) FROM dossiers WHERE NOT archive`).Scan(&x); err != nil {
		t.Fatal(err)
	}
	dropped := Dropped()
	if len(dropped["dossiers"]) < 10 || !contains(dropped["dossiers"], "nir") || !contains(dropped["evenements"], "commentaire") {
		t.Fatalf("Dropped() = %v: the declaration's identity and free text are missing", dropped)
	}
	// Give x a row in every table and every dropped column a value (the
	// positive control).
	tables := make([]string, 0, len(dropped))
	for tb := range dropped {
		tables = append(tables, tb)
	}
	sort.Strings(tables)
	for _, tb := range tables {
		if tb != "dossiers" {
			key := ""
			for _, d := range ingest.Tables {
				if d.Name == tb {
					key = warehouse.MustIdent(d.Key)
				}
			}
			q := "INSERT INTO " + warehouse.MustIdent(tb) + " SELECT * REPLACE (? AS id_dossier, " + key + " || '-copie' AS " + key + ") FROM " + warehouse.MustIdent(tb) + " LIMIT 1"
			if _, err := w.DB.ExecContext(ctx, q, x); err != nil {
				t.Fatalf("%s: %v", tb, err)
			}
		}
		for _, c := range dropped[tb] {
			q := "UPDATE " + warehouse.MustIdent(tb) + " SET " + warehouse.MustIdent(c) + " = " + fill(c) + " WHERE id_dossier = ?"
			if _, err := w.DB.ExecContext(ctx, q, x); err != nil {
				t.Fatalf("%s.%s: %v", tb, c, err)
			}
		}
	}
	nonNull := func(tb, c string) int {
		var n int
		q := "SELECT count(*) FROM " + warehouse.MustIdent(tb) + " WHERE id_dossier = ? AND " + warehouse.MustIdent(c) + " IS NOT NULL"
		if err := w.DB.QueryRowContext(ctx, q, x).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tb := range tables {
		for _, c := range dropped[tb] {
			if nonNull(tb, c) == 0 {
				t.Fatalf("%s.%s of %s is empty before archiving: the check below would prove nothing", tb, c, x)
			}
		}
	}
	if _, err := Dossier(ctx, w, x, MotifDemandeDuJeune, Options{AsOf: date(t, "2026-11-23"), BackupDir: t.TempDir(), RunID: 1}); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		for _, c := range dropped[tb] {
			if n := nonNull(tb, c); n != 0 {
				t.Errorf("after archiving, %s.%s of %s still holds a value in %d rows", tb, c, x, n)
			}
		}
	}
	var archived sql.NullBool
	if err := w.DB.QueryRowContext(ctx, `SELECT archive FROM dossiers WHERE id_dossier = ?`, x).Scan(&archived); err != nil || !archived.Bool {
		t.Errorf("dossier not marked archived: %v %v", archived, err)
	}
}

// fill is a value of the column's type.
func fill(column string) string {
	if strings.HasPrefix(column, "date_") {
		return "DATE '2000-01-01'"
	}
	return "'valeur de " + column + "'"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
