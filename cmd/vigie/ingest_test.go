package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest/ingesttest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// copyExtraction copies testdata/ingest/basic into a temporary folder, with
// the files of extra added or replaced (an empty content removes the file).
func copyExtraction(t *testing.T, extra map[string]string) string {
	return ingesttest.Extraction(t, filepath.Join("..", "..", "testdata", "ingest", "basic"), extra)
}

// queryCSV runs vigie query with --format csv and returns its records.
func queryCSV(t *testing.T, wh, sql string) [][]string {
	t.Helper()
	code, out, errs := runVigie(t, "--warehouse", wh, "query", "--format", "csv", sql)
	if code != 0 {
		t.Fatalf("query %q: exit %d: %s", sql, code, errs)
	}
	return readCSV(t, out)
}

func TestIngestCommand(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	dir := copyExtraction(t, nil)

	code, out, errs := runVigie(t, "--warehouse", wh, "ingest", "--format", "csv", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := readCSV(t, out)
	if got := strings.Join(recs[0], ","); got != "table,rows_read,rows_loaded,rows_quarantined" {
		t.Fatalf("header %q", got)
	}
	counts := map[string][]string{}
	for _, r := range recs[1:] {
		counts[r[0]] = r[1:]
	}
	for table, want := range map[string]string{"structures": "2,2,0", "lieux": "3,3,0", "utilisateurs": "3,3,0",
		"dossiers": "3,3,0", "dispositifs": "3,3,0", "evenements": "4,4,0"} {
		if got := strings.Join(counts[table], ","); got != want {
			t.Errorf("%s: read,loaded,quarantined = %s, want %s", table, got, want)
		}
	}

	// Loading the same extraction again changes nothing.
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", dir); code != 0 {
		t.Fatalf("second ingest: exit %d: %s", code, errs)
	}
	if got := queryCSV(t, wh, "SELECT count(*) FROM dossiers")[1][0]; got != "3" {
		t.Fatalf("%s dossiers after two loads, want 3", got)
	}
	// The values come out parsed, accents intact.
	got := queryCSV(t, wh, "SELECT prenom, date_naissance, statut FROM dossiers WHERE id_dossier = 'D1'")[1]
	if strings.Join(got, "|") != "Léa|2004-02-29|complet" {
		t.Fatalf("D1 = %v", got)
	}

	// vigie runs lists both loads as done, with their per-file counts.
	code, out, errs = runVigie(t, "--warehouse", wh, "runs", "--format", "json")
	if code != 0 {
		t.Fatalf("runs: exit %d: %s", code, errs)
	}
	var runs []map[string]any
	if err := json.Unmarshal([]byte(out), &runs); err != nil {
		t.Fatalf("runs json: %v\n%s", err, out)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2: %s", len(runs), out)
	}
	for _, r := range runs {
		if r["command"] != "ingest" || r["status"] != "done" {
			t.Errorf("run %v", r)
		}
	}
}

func TestIngestCommandQuarantine(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	bad := copyExtraction(t, map[string]string{"evenements.csv": "id_evenement;id_dossier;date_evenement;nature\n" +
		"E1;D1;20/11/2026;atelier\n" +
		"E2;D9;20/11/2026;atelier\n" + // unknown dossier
		"E3;D1;31/02/2026;atelier\n" + // no such day
		"E4;D1;20/11/2026;rencontre\n"}) // unknown code

	// A low enough share of bad rows: the rest is loaded, the bad rows quarantined and named.
	code, out, errs := runVigie(t, "--warehouse", wh, "ingest", "--format", "csv", "--max-reject-ratio", "0.5", bad)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// A word that is no known code could be a name: masked on standard
	// error (kept in the quarantine table).
	for _, want := range []string{"evenements.csv:3", "id_dossier", "D9", "evenements.csv:4", "date_evenement", "31/02/2026", "evenements.csv:5", "nature", "valeur masquée"} {
		if !strings.Contains(errs, want) {
			t.Errorf("summary lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "evenements,4,1,3") {
		t.Errorf("counts:\n%s", out)
	}
	q := queryCSV(t, wh, "SELECT parse_filename(file), line, column_name, value FROM quarantine ORDER BY line")
	if len(q) != 4 || strings.Join(q[1], "|") != "evenements.csv|3|id_dossier|D9" || strings.Join(q[3], "|") != "evenements.csv|5|nature|rencontre" {
		t.Fatalf("quarantine: %v", q)
	}
	// An identity value is never printed, even when it is the bad one.
	badID := copyExtraction(t, map[string]string{"dossiers.csv": "id_dossier;code_structure;civilite;prenom;nom_usage;date_naissance;date_inscription\n" +
		"D1;ML-16001;mme;Léa;Martin;30/02/2004;15/01/2022\n" +
		"D2;ML-16001;m;François;Lefèvre;2005-07-14;2023-03-01\n" +
		"D3;ML-33002;m;Noël;Garçon;01/01/2003;01/09/2021\n"})
	_, _, errs = runVigie(t, "--warehouse", filepath.Join(t.TempDir(), "w.duckdb"), "ingest", "--max-reject-ratio", "0.9", badID)
	if !strings.Contains(errs, "dossiers.csv:2") || !strings.Contains(errs, "date_naissance") || strings.Contains(errs, "30/02/2004") {
		t.Errorf("a bad birth date must be located, not printed:\n%s", errs)
	}
}

func TestIngestCommandRefusals(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("first load: exit %d: %s", code, errs)
	}
	before := queryCSV(t, wh, "SELECT count(*) FROM evenements")[1][0]

	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
	}{
		{"any quarantined row with ratio 0", map[string]string{"evenements.csv": "id_evenement;id_dossier;date_evenement;nature\nE8;D1;20/11/2026;atelier\nE9;D9;20/11/2026;atelier\n"},
			[]string{"--max-reject-ratio", "0"}, []string{"evenements.csv:3", "id_dossier", "D9", "au-delà de --max-reject-ratio 0 ;"}},
		{"required column missing", map[string]string{"evenements.csv": "id_evenement;id_dossier;nature\nE8;D1;atelier\n"},
			nil, []string{"evenements.csv", "date_evenement"}},
		{"not a workbook", map[string]string{"evenements.csv": "", "evenements.xlsx": "not a zip"},
			nil, []string{"evenements.xlsx", "n'est pas un classeur XLSX lisible"}},
		{"not a Parquet file", map[string]string{"evenements.csv": "", "evenements.parquet": "PAR1 pas du Parquet"},
			nil, []string{"evenements.parquet", "n'est pas un fichier Parquet lisible"}},
		{"not a gzip file", map[string]string{"evenements.csv": "", "evenements.csv.gz": "pas du gzip"},
			nil, []string{"evenements.csv.gz", "n'est pas un fichier gzip lisible"}},
		{"a column twice", map[string]string{"evenements.csv": "id_evenement;id_dossier;date_evenement;nature;nature\nE8;D1;20/11/2026;atelier;atelier\n"},
			nil, []string{"evenements.csv", "« nature »", "deux fois"}},
		{"two files for a table", map[string]string{"evenements.xlsx": "not a zip"},
			nil, []string{"deux fichiers pour la table evenements"}},
		{"above the ratio", map[string]string{"evenements.csv": "id_evenement;id_dossier;date_evenement;nature\nE8;D9;20/11/2026;atelier\n"},
			[]string{"--max-reject-ratio", "0.0000001"}, []string{"mises en quarantaine", "l'entrepôt est inchangé"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyExtraction(t, c.files)
			args := append([]string{"--warehouse", wh, "ingest", "--format", "csv"}, c.args...)
			code, out, errs := runVigie(t, append(args, dir)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, errs)
			}
			// Nothing was loaded, and standard output does not say otherwise.
			for _, rec := range readCSV(t, out) {
				if rec[2] != "0" && rec[2] != "rows_loaded" {
					t.Errorf("a refused extraction prints %v as loaded:\n%s", rec, out)
				}
			}
			// The file is named once, and the message holds no SQL.
			for _, f := range []string{"evenements.xlsx", "evenements.parquet", "evenements.csv.gz"} {
				if strings.Count(errs, f) > 1 || strings.Contains(errs, "LINE 1") {
					t.Errorf("message names %s more than once or quotes SQL:\n%s", f, errs)
				}
			}
			for _, w := range append(c.want, "extraction refusée") {
				if !strings.Contains(errs, w) {
					t.Errorf("message lacks %q:\n%s", w, errs)
				}
			}
			// The refusal is told in French (DuckDB's own words aside).
			words := strings.ReplaceAll(errs, dir, "DOSSIER")
			for _, english := range []string{"refused", "column", "missing", "cannot", "rows quarantined", "warehouse"} {
				if strings.Contains(words, english) {
					t.Errorf("message holds the English %q:\n%s", english, errs)
				}
			}
			if got := queryCSV(t, wh, "SELECT count(*) FROM evenements")[1][0]; got != before {
				t.Fatalf("a refused extraction changed the warehouse: %s events, was %s", got, before)
			}
		})
	}
	// A clean extraction passes even when no quarantined row is allowed.
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", "--max-reject-ratio", "0", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("clean extraction with --max-reject-ratio 0: exit %d: %s", code, errs)
	}
	// The refusals are in the run history.
	rows := queryCSV(t, wh, "SELECT status, count(*) FROM runs GROUP BY ALL ORDER BY 1")
	if len(rows) != 3 || strings.Join(rows[1], ":") != "done:2" || strings.Join(rows[2], ":") != "refused:"+strconv.Itoa(len(cases)) {
		t.Fatalf("runs by status: %v", rows)
	}
}

func TestQueryCommand(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	// CSV: RFC 4180, a header, dates as yyyy-mm-dd, quotes where needed.
	code, out, errs := runVigie(t, "--warehouse", wh, "query", "--format", "csv",
		"SELECT id_evenement, CAST(date_evenement AS DATE) AS jour, commentaire FROM evenements WHERE id_evenement IN ('E1','E2') ORDER BY 1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "id_evenement,jour,commentaire\r\nE1,2026-11-20,\"Point sur le projet, très motivée\"\r\nE2,2026-11-21,\"Commentaire\r\nsur deux lignes\"\r\n"
	if out != want && out != strings.ReplaceAll(want, "Commentaire\r\nsur", "Commentaire\nsur") {
		t.Fatalf("csv:\n%q\nwant\n%q", out, want)
	}
	// JSON: one array.
	code, out, _ = runVigie(t, "--warehouse", wh, "query", "--format", "json", "SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL ORDER BY 1")
	var got []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got) != 2 || got[0]["code_structure"] != "ML-16001" || got[0]["n"] != float64(2) {
		t.Fatalf("json: exit %d %s", code, out)
	}
	// Anything that writes is refused, and nothing changes.
	for _, sql := range []string{
		"DELETE FROM dossiers",
		"UPDATE dossiers SET prenom = 'x'",
		"DROP TABLE dossiers",
		"CREATE TABLE t AS SELECT 1",
		"COPY dossiers TO 'leak.csv'",
		"SELECT * FROM read_csv('/etc/passwd')",
		"ATTACH 'other.duckdb'",
		"SELECT 1; DELETE FROM dossiers",
	} {
		code, _, errs := runVigie(t, "--warehouse", wh, "query", sql)
		if code != 1 || errs == "" {
			t.Errorf("%q: exit %d, want 1 with a message (%s)", sql, code, errs)
		}
	}
	if n := queryCSV(t, wh, "SELECT count(*) FROM dossiers")[1][0]; n != "3" {
		t.Fatalf("%s dossiers left", n)
	}
	if _, err := os.Stat("leak.csv"); err == nil {
		t.Fatal("COPY wrote a file")
	}
}

func TestUsageErrors(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	for _, args := range [][]string{
		{"ingest"},
		{"ingest", "a", "b"},
		{"query"},
		{"query", "--format", "xml", "SELECT 1"},
		{"ingest", "--max-reject-ratio", "2", "."},
		{"ingest", "--encoding", "latin-9", "."},
		{"runs", "--limit", "x"},
		{"no-such-command"},
		{"controls", "--as-of", "23/11/2026x"},
	} {
		code, _, errs := runVigie(t, append([]string{"--warehouse", wh}, args...)...)
		if code != 2 || errs == "" {
			t.Errorf("%v: exit %d, want 2 with a message: %s", args, code, errs)
		}
	}
	// A missing folder is no usage error: the command ran and failed.
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join(t.TempDir(), "absent")); code != 1 || !strings.Contains(errs, "absent") {
		t.Errorf("missing folder: exit %d: %s", code, errs)
	}
	// A warehouse written by a newer vigie is refused with a clear message.
	ctx := context.Background()
	w, err := warehouse.Open(ctx, wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, "INSERT INTO schema_version (version, name) VALUES (9999, 'future')"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runVigie(t, "--warehouse", wh, "runs"); code != 1 || !strings.Contains(errs, "9999") {
		t.Errorf("newer warehouse: exit %d: %s", code, errs)
	}
}

// --max-reject-ratio is a share between 0 and 1: NaN, infinities and values
// outside are wrong uses (exit 2) named in the message, before anything is
// loaded; NaN used to let every quarantined row through.
func TestMaxRejectRatioOutOfRange(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("first load: exit %d: %s", code, errs)
	}
	allBad := copyExtraction(t, map[string]string{"evenements.csv": "id_evenement;id_dossier;date_evenement;nature\n" +
		"E8;D9;20/11/2026;atelier\nE9;D9;20/11/2026;atelier\n"})
	for _, c := range []struct{ given, shown string }{
		{"NaN", "NaN"}, {"nan", "NaN"}, {"Inf", "+Inf"}, {"-Inf", "-Inf"}, {"-0.5", "-0.5"}, {"1.5", "1.5"},
	} {
		code, out, errs := runVigie(t, "--warehouse", wh, "ingest", "--max-reject-ratio", c.given, allBad)
		want := "vigie : --max-reject-ratio " + c.shown + " n'est pas une part entre 0 et 1"
		if code != exitUsage || out != "" || !strings.HasPrefix(errs, want) {
			t.Errorf("--max-reject-ratio %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.given, code, out, errs, want)
		}
	}
	if got := queryCSV(t, wh, "SELECT count(*) FROM runs")[1][0]; got != "1" {
		t.Errorf("%s runs after the wrong uses, want the first load only", got)
	}
}
