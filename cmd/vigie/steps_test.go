package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfigFor writes a daemon configuration whose directors are the given
// structures, plus extra YAML.
func writeConfigFor(t *testing.T, dir string, structures []string, extra string) string {
	t.Helper()
	var ds []string
	for _, s := range structures {
		ds = append(ds, "{structure: "+s+"}")
	}
	p := filepath.Join(dir, "vigie.yaml")
	cfg := "outbox: " + filepath.Join(dir, "outbox") + "\nwork_dir: " + filepath.Join(dir, "work") + "\n" +
		"recipients:\n  analysts: [{id: a1}]\n  directors: [" + strings.Join(ds, ", ") + "]\n" + extra
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The daemon's archiving job (archive_plan, archive_apply) leaves the file
// with no old identity in its bytes, as `vigie archive apply` does: the
// compaction belongs to the archiving step, whoever runs it.
func TestScheduledArchivingLeavesNoIdentity(t *testing.T) {
	t.Parallel()
	path := fixtureWarehouse(t, "archive")
	dir := t.TempDir()
	backups := filepath.Join(dir, "sauvegardes")
	cfg := writeConfigFor(t, dir, []string{"ML-16001", "ML-33001"}, "archive: {apply: true, backup_dir: "+backups+"}\n")
	identity := []string{"Zorglubette", "Kwyjibo", "185076005701818", "zk@example.org", "a parlé de sa santé"}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range identity {
		if !bytes.Contains(raw, []byte(s)) {
			t.Fatalf("before archiving the file does not hold %q: the byte check below would prove nothing", s)
		}
	}
	code, out, errs := runLF(t, "--warehouse", path, "schedule", "run", "archive", "--config", cfg, "--for", "2026-11-23 05:00", "--format", "csv")
	if code != 0 || !strings.Contains(out, "archive,2026-11-23 05:00,done,") {
		t.Fatalf("scheduled archiving: exit %d\n%s%s", code, out, errs)
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range identity {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after the scheduled archiving the warehouse file still holds %q", s)
		}
	}
	// The archiving is recorded under the job's run, once.
	code, out, _ = runLF(t, "--warehouse", path, "query", "--format", "csv",
		"SELECT r.command, r.job, r.status, b.nb_dossiers FROM runs r JOIN archive_batches b ON b.run_id = r.id")
	if code != 0 || out != "command,job,status,nb_dossiers\nschedule,archive,done,2\n" {
		t.Errorf("run record:\n%s", out)
	}
}

// A controls run is recorded once, by whoever runs it: the command line
// records one run, the scheduled job one run (its own), never a second run
// nested inside it; the controls' record (control_runs) points at it.
func TestControlsRecordedOnceWhoeverCalls(t *testing.T) {
	t.Parallel()
	const runsRows = `SELECT r.command, r.job, r.as_of, r.status, c.as_of AS controls_as_of, c.reference
FROM runs r LEFT JOIN control_runs c ON c.run_id = r.id ORDER BY r.id`

	cli := controlsWarehouse(t)
	if code, _, errs := runVigie(t, "--warehouse", cli, "controls", "--as-of", "2026-11-23", "--format", "csv"); code != 0 {
		t.Fatalf("controls: exit %d: %s", code, errs)
	}
	daemon := controlsWarehouse(t)
	dir := t.TempDir()
	sched := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(sched, []byte("jobs:\n  - name: controles\n    cron: \"0 7 * * 1\"\n    reference: weekly\n    steps: [controls]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	structures := queryCSV(t, daemon, `SELECT code_structure FROM structures ORDER BY 1`)
	var codes []string
	for _, r := range structures[1:] {
		codes = append(codes, r[0])
	}
	cfg := writeConfigFor(t, dir, codes, "")
	if code, out, errs := runLF(t, "--warehouse", daemon, "schedule", "run", "controles", "--schedules", sched, "--config", cfg,
		"--for", "2026-11-23 07:00", "--format", "csv"); code != 0 {
		t.Fatalf("schedule run: exit %d\n%s%s", code, out, errs)
	}
	// The fixture's own runs (ingest, archive dossier) are left out.
	got := func(path string) [][]string {
		var out [][]string
		for _, r := range queryCSV(t, path, runsRows)[1:] {
			if r[0] == "controls" || r[0] == "schedule" {
				out = append(out, r)
			}
		}
		return out
	}
	cliRuns := got(cli)
	if len(cliRuns) != 1 || cliRuns[0][0] != "controls" || cliRuns[0][3] != "done" || cliRuns[0][4] != "2026-11-23" || cliRuns[0][5] != "" {
		t.Errorf("command line: runs %v, want one controls run for 2026-11-23, not a reference run", cliRuns)
	}
	daemonRuns := got(daemon)
	if len(daemonRuns) != 1 || daemonRuns[0][0] != "schedule" || daemonRuns[0][1] != "controles" || daemonRuns[0][3] != "done" || daemonRuns[0][4] != "2026-11-23" || daemonRuns[0][5] != "weekly" {
		t.Errorf("scheduled job: runs %v, want one run, the job's, holding the controls for 2026-11-23, the job's weekly reference", daemonRuns)
	}
}

// `vigie report` for a date the controls have not run for refuses, saying
// what to run, rather than writing dashboards that read « 0 constat ».
func TestReportRefusesWithoutControls(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	out := t.TempDir()
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	code, _, errs := runVigie(t, "--warehouse", wh, "report", "--as-of", "2026-11-23", "--out", out)
	if code != exitFailed || !strings.Contains(errs, "les contrôles n'ont pas été lancés pour le 23/11/2026") ||
		!strings.Contains(errs, "vigie controls --as-of 2026-11-23") {
		t.Errorf("report without controls: exit %d, %s", code, errs)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a refused report wrote %d entries", len(entries))
	}
}
