package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// controlsWarehouse builds a warehouse from the controls boundary fixture
// (testdata/controls/rules) the way a structure would: vigie ingest, then
// the manual archiving of the dossier ARCH.
func controlsWarehouse(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	for _, args := range [][]string{
		{"ingest", filepath.Join("..", "..", "testdata", "controls", "rules")},
		{"archive", "dossier", "ARCH", "--motif", "demande_du_jeune", "--as-of", "2026-01-01",
			"--backup-dir", filepath.Join(dir, "sauvegardes")},
	} {
		code, _, errs := runVigie(t, append([]string{"--warehouse", path}, args...)...)
		if code != 0 {
			t.Fatalf("vigie %v: exit %d: %s", args, code, errs)
		}
	}
	return path
}

func runVigie(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, s)
	}
	return recs
}

func TestControlsCommand(t *testing.T) {
	path := controlsWarehouse(t)
	code, out, errs := runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-23", "--format", "csv", "--rule", "pcj", "--gravite", "erreur")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := readCSV(t, out)
	if got := strings.Join(recs[0], ","); got != "rule,gravite,code_structure,objet,id_objet,id_dossier,detail" {
		t.Errorf("header %s", got)
	}
	if len(recs) < 4 {
		t.Fatalf("%d PCJ findings", len(recs)-1)
	}
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[0], "PCJ-") || r[1] != "erreur" {
			t.Errorf("filtered row %v", r)
		}
	}
	// the second run: every finding persists, nothing is resolved
	code, out, _ = runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-30", "--format", "csv", "--suivi", "persistant", "--rule", "RGS-01")
	recs = readCSV(t, out)
	if code != 0 || len(recs) != 2 || recs[1][7] != "persistant" || recs[1][8] != "2026-11-23" || recs[1][9] != "2" {
		t.Errorf("exit %d, persistent RGS-01: %v", code, recs)
	}

	for _, bad := range [][]string{
		{"controls", "--gravite", "grave"},
		{"controls", "--rule", "PCJ01"},
		{"controls", "--rule", "XYZ"},
		{"controls", "--rule", "PCJ-99"},
		{"controls", "--structure", "../etc"},
		{"controls", "--as-of", "23/11/2026"},
		{"controls", "--from", "2026-11-20", "--to", "2026-11-10"},
		{"weekly-asp", "--structure", "a/b"},
	} {
		if code, _, _ := runVigie(t, append([]string{"--warehouse", path}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestWeeklyASPCommand(t *testing.T) {
	path := controlsWarehouse(t)
	code, out, errs := runVigie(t, "--warehouse", path, "weekly-asp", "--as-of", "2026-11-23", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := readCSV(t, out)
	if got := strings.Join(recs[0], ","); got != "code_structure,id_dossier,nom_usage,prenom,date_naissance,id_dispositif,date_entree,date_sortie,date_saisie_sortie,numero_cerfa,date_entree_cej" {
		t.Errorf("header %s", got)
	}
	if len(recs) != 4 || recs[1][5] != "asp_in_exit_monday" || recs[1][4] != "2006-05-10" || recs[1][10] != "2026-11-17" {
		t.Errorf("rows %v", recs[1:])
	}
	// One structure: its rows; a code the warehouse does not know is
	// refused, not an empty list to sign.
	code, out, errs = runVigie(t, "--warehouse", path, "weekly-asp", "--as-of", "2026-11-23", "--format", "csv", "--structure", recs[1][0])
	if one := readCSV(t, out); code != 0 || len(one) < 2 || one[1][0] != recs[1][0] {
		t.Errorf("weekly-asp --structure %s: exit %d, %v; %s", recs[1][0], code, one, errs)
	}
	for _, cmd := range [][]string{{"weekly-asp", "--as-of", "2026-11-23"}, {"report", "--as-of", "2026-11-23", "--out", t.TempDir()}, {"controls", "--as-of", "2026-11-23", "--dry-run"}} {
		code, out, errs = runVigie(t, append(append([]string{"--warehouse", path}, cmd...), "--structure", "ML-99999")...)
		if code != exitFailed || out != "" || !strings.HasPrefix(errs, "vigie : structure ML-99999 absente de l'entrepôt : vérifiez le code") {
			t.Errorf("%s --structure ML-99999: exit %d, %q, %s; want it refused in French", cmd[0], code, out, errs)
		}
	}
}

func TestDemoSteps(t *testing.T) {
	path := controlsWarehouse(t)
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var summary bytes.Buffer
	d := &demoRun{AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Warehouse: w, Summary: &summary}
	if err := demoControls(ctx, nil, d); err != nil {
		t.Fatal(err)
	}
	if err := demoWeeklyASP(ctx, nil, d); err != nil {
		t.Fatal(err)
	}
	// the weeks before are replayed first: the summary is the last run's
	var n, runs, persistants int
	if err := w.DB.QueryRow(`SELECT count(*), count(*) FILTER (suivi = 'persistant') FROM findings
WHERE run_id = (SELECT max(run_id) FROM control_runs) AND gravite = 'erreur' AND rule LIKE 'PCJ-%'`).Scan(&n, &persistants); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.QueryRow(`SELECT count(*) FROM control_runs WHERE as_of IN ('2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23')`).Scan(&runs); err != nil {
		t.Fatal(err)
	}
	if runs != 4 || persistants != n || n == 0 {
		t.Errorf("%d control runs, %d PCJ errors of which %d persistent: want 4 runs and every PCJ error persistent", runs, n, persistants)
	}
	out := summary.String()
	for _, want := range []string{
		"Historique : contrôles rejoués sur les mêmes données aux 02/11/2026, 09/11/2026 et 16/11/2026",
		"Contrôles au 23/11/2026",
		fmt.Sprintf("PCJ  %6d erreurs", n),
		"Liste ASP de la semaine du 16/11/2026 au 22/11/2026 : 3 jeunes dans 1 structure.",
		"ML-A",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestControlsFormatsAndScope checks --format json and table, the sort
// order, --structure (which limits the run) and the exit status of a
// structure the warehouse does not know.
func TestControlsFormatsAndScope(t *testing.T) {
	path := controlsWarehouse(t)
	code, out, errs := runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-23", "--format", "json", "--structure", "ML-B")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(rows) == 0 {
		t.Fatal("no finding for ML-B")
	}
	cols := []string{"rule", "gravite", "code_structure", "objet", "id_objet", "id_dossier", "detail"}
	if !strings.HasPrefix(strings.TrimSpace(out), `[`) || !strings.Contains(out, `"rule": "`) {
		t.Errorf("not a JSON array of findings:\n%.300s", out)
	}
	prev := ""
	for _, r := range rows {
		if len(r) != len(cols) {
			t.Errorf("row %v: want the columns %v", r, cols)
		}
		if r["code_structure"] != "ML-B" {
			t.Errorf("--structure ML-B printed %v", r)
		}
		key := r["rule"].(string) + "\x00" + r["id_objet"].(string)
		if key < prev {
			t.Errorf("not sorted by rule then id_objet at %v", r)
		}
		prev = key
	}
	// a partner finding has no dossier: null in JSON
	for _, r := range rows {
		if r["objet"] == "partenaire" && r["id_dossier"] != nil {
			t.Errorf("partner finding with a dossier: %v", r)
		}
	}

	code, out, errs = runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-23", "--rule", "RGS-01")
	if code != 0 || !strings.HasPrefix(out, "rule") || !strings.Contains(out, "RGS_m1") || !strings.Contains(out, "expiré le 22/11/2026") {
		t.Errorf("table: exit %d, %s\n%s", code, errs, out)
	}

	code, _, errs = runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-23", "--structure", "ML-ZZ")
	if code != 1 || !strings.Contains(errs, "ML-ZZ") {
		t.Errorf("unknown structure: exit %d, %s", code, errs)
	}
	code, _, errs = runVigie(t, "--warehouse", filepath.Join(t.TempDir(), "absent", "w.duckdb"), "weekly-asp", "--as-of", "2026-11-23")
	if code != 1 || errs == "" {
		t.Errorf("missing warehouse: exit %d, %s", code, errs)
	}

	code, out, errs = runVigie(t, "--warehouse", path, "weekly-asp", "--as-of", "2026-11-30", "--format", "json", "--structure", "ML-A")
	if code != 0 {
		t.Fatalf("weekly-asp: exit %d: %s", code, errs)
	}
	var asp []map[string]any
	if err := json.Unmarshal([]byte(out), &asp); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	// the week of 2026-11-23: exit entered Monday 00:10 local, and an exit entered on the 25th
	if len(asp) != 2 || asp[1]["id_dispositif"] != "asp_out_entered_monday_0010" ||
		asp[1]["date_saisie_sortie"] != "2026-11-23 00:10:00" || asp[0]["date_entree_cej"] != "2026-11-17" {
		t.Errorf("ASP list of 2026-11-30: %v", asp)
	}
}

// TestControlsRunRecord checks that a controls run is recorded with the
// arguments it was given, not those of the process.
func TestControlsRunRecord(t *testing.T) {
	path := controlsWarehouse(t)
	if code, _, errs := runVigie(t, "--warehouse", path, "controls", "--as-of", "2026-11-23", "--structure", "ML-C", "--format", "csv"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs := runVigie(t, "--warehouse", path, "query", "SELECT command, status, arguments FROM runs WHERE command = 'controls'", "--format", "csv")
	if code != 0 {
		t.Fatalf("query: exit %d: %s", code, errs)
	}
	recs := readCSV(t, out)
	if len(recs) != 2 || recs[1][1] != "done" || !strings.Contains(recs[1][2], "--as-of=2026-11-23") || !strings.Contains(recs[1][2], "ML-C") || strings.Contains(recs[1][2], "test.") {
		t.Errorf("run record %v", recs)
	}
}

// TestControlsDryRun: `vigie controls --dry-run` prints what the run prints,
// says it is a simulation, and records no run.
func TestControlsDryRun(t *testing.T) {
	path := controlsWarehouse(t)
	args := []string{"--warehouse", path, "controls", "--as-of", "2026-11-23", "--format", "csv", "--history"}
	code, dry, errs := runVigie(t, append(args, "--dry-run")...)
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "Simulation au 23/11/2026") || !strings.Contains(errs, "rien n'est enregistré") {
		t.Errorf("dry run stderr: %q", errs)
	}
	code, out, errs := runVigie(t, "--warehouse", path, "query", "SELECT count(*) FROM runs WHERE command = 'controls'", "--format", "csv")
	if code != 0 || readCSV(t, out)[1][0] != "0" {
		t.Errorf("runs after the dry run: exit %d: %s%s", code, out, errs)
	}
	code, real, errs := runVigie(t, args...)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	if len(readCSV(t, dry)) < 10 || dry != real {
		t.Errorf("dry run printed %d lines, the run %d; they differ: %v", len(readCSV(t, dry)), len(readCSV(t, real)), dry != real)
	}
}

// TestInterruptedCommandSaysSoInFrench: a command stopped by Ctrl-C or
// SIGTERM (main cancels its context) says so in French, not in DuckDB's or
// Go's words (« context canceled », « INTERRUPT Error »). The pipelines'
// SIGTERM tests check what the stopped run recorded.
func TestInterruptedCommandSaysSoInFrench(t *testing.T) {
	path := controlsWarehouse(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"--warehouse", path, "controls", "--as-of", "2026-11-23", "--format", "csv"}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code == 0 {
		t.Fatalf("an interrupted command exited 0: %s", errb.String())
	}
	msg := errb.String()
	if !strings.Contains(msg, "interrompu (Ctrl-C ou SIGTERM)") || strings.Contains(msg, "context canceled") || strings.Contains(msg, "INTERRUPT") {
		t.Errorf("stderr of an interrupted command: %q", msg)
	}
}
