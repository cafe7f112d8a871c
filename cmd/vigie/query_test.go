package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// What vigie query says of a statement it refuses or that fails is French,
// in one message: the reason first, DuckDB's own words (the analyst's SQL)
// after.
func TestQueryRefusalsAreFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(context.Background(), wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sql, want string }{
		{"DROP TABLE dossiers", "vigie : requête refusée : seules les lectures (SELECT) sont permises"},
		{"SELECT 1; SELECT 2", "vigie : requête refusée : une seule instruction à la fois"},
		{"SELEC 1", "vigie : requête en erreur : erreur de syntaxe : près de « SELEC »"},
		{"SELECT * FROM nulle_part", "vigie : requête en erreur : nom inconnu : la table « nulle_part » n'existe pas"},
		{"SELECT nom FROM dossiers", "vigie : requête en erreur : nom ou type incorrect : la colonne « nom » n'est dans aucune table de la requête"},
		{"SELECT * FROM read_csv('/etc/passwd')", "vigie : requête en erreur : interdit : les fichiers de la machine ne sont pas accessibles"},
		{"SELECT CAST(x AS INTEGER) FROM (VALUES ('1'), ('deux')) t(x)", "vigie : requête en erreur : conversion impossible : impossible de convertir « deux » en INT"},
	} {
		code, _, errs := runVigie(t, "--warehouse", wh, "query", c.sql)
		if code != exitFailed || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "vigie :") != 1 {
			t.Errorf("vigie query %q: exit %d, standard error:\n%s\nwant exit %d and one message starting %q", c.sql, code, errs, exitFailed, c.want)
		}
		for _, english := range []string{"only read-only", "exactly one", "query refused", "missing context", "query:", " Error:", "does not exist", "not found", "disabled by configuration"} {
			if strings.Contains(errs, english) {
				t.Errorf("vigie query %q says %q in English:\n%s", c.sql, english, errs)
			}
		}
	}
}

// JSON has no NaN nor infinity: vigie query --format json writes them as
// null (in lists and structs too) instead of failing on the whole result.
func TestQueryJSONWritesNaNAsNull(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	code, out, errs := runVigie(t, "--warehouse", wh, "query", "--format", "json",
		`SELECT 'NaN'::DOUBLE AS nan, 'inf'::DOUBLE AS inf, '-inf'::FLOAT AS minus, 1.5::DOUBLE AS n,
			['NaN'::DOUBLE, 2] AS l, {'a': 'inf'::DOUBLE, 'b': 3} AS s`)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	want := map[string]any{"nan": nil, "inf": nil, "minus": nil, "n": 1.5, "l": []any{nil, 2.0}, "s": map[string]any{"a": nil, "b": 3.0}}
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], want) {
		t.Errorf("got %v, want %v", rows, want)
	}
}
