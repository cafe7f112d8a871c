package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func runSchedCLI(ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func writeSchedConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	p := filepath.Join(dir, "vigie.yaml")
	cfg := "outbox: " + filepath.Join(dir, "outbox") + "\nwork_dir: " + filepath.Join(dir, "work") + "\n" +
		"recipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML33A}]\n" + extra
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScheduleList(t *testing.T) {
	t.Parallel()
	code, out, errOut := runSchedCLI(context.Background(), nil, "schedule", "list", "--from", "2026-04-01", "--count", "1", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "weekly_control,2026-04-07 07:00,mardi,2026-04-06 07:00,Lundi de Pâques,ingest controls report_weekly"
	if !strings.Contains(out, want) {
		t.Errorf("missing %q in\n%s", want, out)
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(out, "\r\n", "\n")), "\n")
	if lines[0] != "job,scheduled_for,jour,moved_from,holiday,steps" || len(lines) != 9 { // a header and one line for each of the eight jobs
		t.Errorf("output:\n%s", out)
	}
	// A 02:30 job on the spring-forward day runs at 03:00, and the list says why.
	night := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(night, []byte("jobs:\n  - name: night\n    cron: \"30 2 * * *\"\n    steps: [transfers]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runSchedCLI(context.Background(), nil, "schedule", "list", "--schedules", night, "--from", "2026-03-29", "--count", "2", "--format", "csv")
	want = "night,2026-03-29 03:00,dimanche,,passage à l'heure d'été : l'heure prévue n'existe pas ce jour-là,transfers\r\nnight,2026-03-30 02:30,lundi,,,transfers"
	if !strings.Contains(out, want) {
		t.Errorf("spring forward:\n%s", out)
	}
	if code, _, _ := runSchedCLI(context.Background(), nil, "schedule", "list", "--from", "1 avril"); code != exitUsage {
		t.Errorf("bad --from: exit %d", code)
	}
}

func TestScheduleRunOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeSchedConfig(t, dir, "")
	wh := filepath.Join(dir, "w.duckdb")
	args := []string{"--warehouse", wh, "schedule", "run", "transfers", "--config", cfg, "--for", "2026-11-10 04:00", "--format", "csv"}
	code, out, errOut := runSchedCLI(context.Background(), nil, args...)
	if code != 0 || !strings.Contains(out, "transfers,2026-11-10 04:00,done,") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runSchedCLI(context.Background(), nil, args...)
	if code != 0 || !strings.Contains(out, "déjà traitée, rien à refaire (done)") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	code, out, _ = runSchedCLI(context.Background(), nil, "--warehouse", wh, "runs", "--format", "csv")
	if code != 0 || strings.Count(out, "schedule,run transfers --for 2026-11-10T04:00") != 1 {
		t.Errorf("runs:\n%s", out)
	}
	// An instant that did not succeed (here held: no extraction yet) is not
	// done: asked again without --force, the command says so and exits 1.
	held := []string{"--warehouse", wh, "schedule", "run", "weekly_control", "--config", cfg, "--for", "2026-11-09 07:00", "--format", "csv"}
	if code, out, errOut = runSchedCLI(context.Background(), nil, held...); code != exitFailed {
		t.Fatalf("weekly control without an extraction: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runSchedCLI(context.Background(), nil, held...)
	if code != exitFailed || !strings.Contains(out, "sans aboutir") || !strings.Contains(errOut, "relancez-la avec --force") {
		t.Errorf("the same instant again: exit %d\n%s\n%s", code, out, errOut)
	}
	// An instant the job is not scheduled at is refused, naming the nearest
	// ones: a run is for its scheduled instant.
	for _, c := range []struct{ job, at, want string }{
		{"transfers", "2026-11-10 05:00", "exécutions prévues les plus proches : 2026-11-10 04:00, 2026-11-11 04:00"},
		{"weekly_control", "2026-04-06 07:00", "2026-04-07 07:00 (reportée du 2026-04-06 07:00 : Lundi de Pâques)"},
	} {
		code, _, errOut = runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", c.job, "--config", cfg, "--for", c.at)
		if code != exitUsage || !strings.Contains(errOut, "n'est pas prévue à cet instant") || !strings.Contains(errOut, c.want) {
			t.Errorf("--for %s: exit %d, %s", c.at, code, errOut)
		}
	}
	// An instant to come is refused: the daemon will run it at its time.
	code, _, errOut = runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "monthly_report", "--config", cfg, "--for", "2100-01-01 07:00")
	if code != exitUsage || !strings.Contains(errOut, "est à venir") {
		t.Errorf("future --for: exit %d, %s", code, errOut)
	}
	// A configuration error names the key and the value.
	bad := writeSchedConfig(t, t.TempDir(), "catch_up: sometimes\n")
	code, _, errOut = runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "transfers", "--config", bad)
	if code != exitFailed || !strings.Contains(errOut, `catch_up = "sometimes" : valeur inconnue`) {
		t.Errorf("bad config: exit %d, %s", code, errOut)
	}
	// An inbox that does not exist is refused at start-up.
	noInbox := writeSchedConfig(t, t.TempDir(), "inbox: /nonexistent/inbox\n")
	code, _, errOut = runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "transfers", "--config", noInbox)
	if code != exitFailed || !strings.Contains(errOut, `inbox = "/nonexistent/inbox" : ce dossier n'existe pas`) {
		t.Errorf("missing inbox: exit %d, %s", code, errOut)
	}
	// The SMTP password comes from the variable the configuration names.
	smtp := writeSchedConfig(t, t.TempDir(), "smtp: {host: localhost, from: v@x.org, username: u, password_env: VIGIE_TEST_PW}\n")
	code, _, errOut = runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "transfers", "--config", smtp)
	if code != exitFailed || !strings.Contains(errOut, `smtp.password_env = "VIGIE_TEST_PW"`) {
		t.Errorf("missing password: exit %d, %s", code, errOut)
	}
}

func TestTwoDaemonsCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeSchedConfig(t, dir, "")
	wh := filepath.Join(dir, "w.duckdb")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var firstErr string
	go func() {
		code, _, errOut := runSchedCLI(ctx, nil, "--warehouse", wh, "daemon", "--config", cfg)
		firstErr = errOut
		done <- code
	}()
	// Wait until the first daemon holds its lock (not a schedule: a start-up).
	deadline := time.Now().Add(20 * time.Second)
	for {
		l, err := schedules.AcquireLock(schedules.LockPath(wh))
		if err != nil {
			break
		}
		_ = l.Release()
		if time.Now().After(deadline) {
			t.Fatal("the first daemon never took its lock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _, errOut := runSchedCLI(context.Background(), nil, "--warehouse", wh, "daemon", "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "un autre démon vigie est déjà en marche") {
		t.Errorf("second daemon: exit %d, %s", code, errOut)
	}
	cancel() // SIGTERM
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("first daemon exit %d: %s", code, firstErr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}
}

// The Monday control end to end: an extraction dropped into the inbox with
// its _READY marker is ingested, the controls run, each director receives
// only their structure's dashboard, workbook, ASP list and message, the
// active counsellor (U1) their own list and the deactivated one (U3)
// nothing, and the analyst the regional files; the delivery ledger is
// readable with vigie query; a second run sends nothing.
func TestWeeklyControlEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	drop := filepath.Join(inbox, "2026-11-22")
	if err := os.MkdirAll(inbox, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(copyExtraction(t, nil), drop); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(drop, schedules.ReadyMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "w.duckdb")
	run := func(cfg string) (int, string, string) {
		return runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "weekly_control",
			"--config", cfg, "--for", "2026-11-23 07:00", "--format", "csv")
	}
	// A director of a structure the warehouse does not know is refused
	// (once the warehouse knows its structures).
	if code, _, errOut := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	typo := writeSchedConfig(t, t.TempDir(), "inbox: "+inbox+"\n")
	if code, _, errOut := run(typo); code != exitFailed || !strings.Contains(errOut, `recipients.directors[0].structure = "ML33A" : structure inconnue`) ||
		!strings.Contains(errOut, "ML-16001") {
		t.Fatalf("unknown structure: exit %d, %s", code, errOut)
	}
	cfgPath := filepath.Join(dir, "vigie.yaml")
	outbox := filepath.Join(dir, "outbox")
	cfg := "outbox: " + outbox + "\nwork_dir: " + filepath.Join(dir, "work") + "\ninbox: " + inbox + "\n" +
		"recipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-16001}, {structure: ML-33002}]\n" +
		"counsellors:\n  structures: [\"*\"]\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(cfgPath)
	if code != 0 || !strings.Contains(out, "weekly_control,2026-11-23 07:00,done,") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(inbox, "processed", "2026-11-22", schedules.ReadyMarker)); err != nil {
		t.Errorf("the extraction was not moved to processed/: %v", err)
	}
	got := outboxFiles(t, outbox)
	want := []string{
		"analyste_a1/2026-11-23_0700_weekly_control/classeur-regional-2026-11-23.xlsx",
		"analyste_a1/2026-11-23_0700_weekly_control/synthese-regionale-2026-11-23.pdf",
		"conseiller_U1/2026-11-23_0700_weekly_control/constats-U1-2026-11-23.pdf",
		"conseiller_U1/2026-11-23_0700_weekly_control/constats-U1-2026-11-23.xlsx",
		"conseiller_U1/2026-11-23_0700_weekly_control/courriel-conseiller-U1-2026-11-23.txt",
		"direction_ML-16001/2026-11-23_0700_weekly_control/classeur-ML-16001-2026-11-23.xlsx",
		"direction_ML-16001/2026-11-23_0700_weekly_control/courriel-ML-16001-2026-11-23.txt",
		"direction_ML-16001/2026-11-23_0700_weekly_control/liste-asp-ML-16001-2026-11-23.pdf",
		"direction_ML-16001/2026-11-23_0700_weekly_control/tableau-de-bord-ML-16001-2026-11-23.pdf",
		"direction_ML-33002/2026-11-23_0700_weekly_control/classeur-ML-33002-2026-11-23.xlsx",
		"direction_ML-33002/2026-11-23_0700_weekly_control/courriel-ML-33002-2026-11-23.txt",
		"direction_ML-33002/2026-11-23_0700_weekly_control/liste-asp-ML-33002-2026-11-23.pdf",
		"direction_ML-33002/2026-11-23_0700_weekly_control/tableau-de-bord-ML-33002-2026-11-23.pdf",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outbox:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ledger := `SELECT recipient, file, length(sha256), channel, status FROM delivery_ledger ORDER BY recipient, file`
	recs := queryCSV(t, wh, ledger)
	if len(recs) != len(want)+1 || recs[1][0] != "analyste_a1" || recs[3][0] != "conseiller_U1" || recs[6][0] != "direction_ML-16001" ||
		recs[6][2] != "64" || recs[6][4] != "sent" {
		t.Errorf("delivery ledger: %v", recs)
	}
	// The ledger's SHA-256 is the delivered file's.
	pdf, err := os.ReadFile(filepath.Join(outbox, want[7]))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if recs := queryCSV(t, wh, `SELECT sha256 FROM delivery_ledger WHERE recipient = 'direction_ML-16001' AND file LIKE 'liste-asp-%'`); len(recs) != 2 || recs[1][0] != hex.EncodeToString(sum[:]) {
		t.Errorf("ledger sha256 %v, file %x", recs, sum)
	}
	// Run again: nothing is run or sent again.
	code, out, _ = run(cfgPath)
	if code != 0 || !strings.Contains(out, "déjà traitée") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	if again := queryCSV(t, wh, ledger); len(again) != len(recs) {
		t.Errorf("the second run delivered again: %v", again)
	}
}

// The demo step shows the coming week's schedule and delivers the reports
// of step 50 to OUT/outbox, each director only their structure's files.
func TestDemoSchedules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	out := t.TempDir()
	wh := filepath.Join(out, "w.duckdb")
	if code, _, errOut := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	if code, _, errOut := runVigie(t, "--warehouse", wh, "controls", "--as-of", "2026-04-06"); code != 0 {
		t.Fatalf("controls: %s", errOut)
	}
	w, err := warehouse.Open(ctx, wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var summary bytes.Buffer
	a := &app{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	d := &demoRun{Out: out, AsOf: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), Warehouse: w, Summary: &summary}
	if err := demoReports(ctx, a, d); err != nil {
		t.Fatal(err)
	}
	if err := demoSchedules(ctx, a, d); err != nil {
		t.Fatal(err)
	}
	s := summary.String()
	for _, want := range []string{
		"weekly_control  07/04/2026 07:00  Contrôle hebdomadaire",
		"Jour férié : weekly_control prévue le lundi 6 avril 2026 à 07:00 (Lundi de Pâques) passe au mardi 7 avril 2026 à 07:00.",
		"Livraison des rapports : ",
		filepath.Join(out, "outbox"),
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	for _, code := range []string{"ML-16001", "ML-33002"} {
		entries, err := os.ReadDir(filepath.Join(out, "outbox", "direction_"+code, "2026-04-06_0700_demo"))
		if err != nil || len(entries) == 0 {
			t.Fatalf("outbox of %s: %v", code, err)
		}
		for _, e := range entries {
			if !strings.Contains(e.Name(), code) {
				t.Errorf("direction_%s received %s", code, e.Name())
			}
		}
	}
	regional, err := os.ReadDir(filepath.Join(out, "outbox", "analyste_demo", "2026-04-06_0700_demo"))
	if err != nil || len(regional) != 2 || !strings.Contains(regional[0].Name(), "regional") {
		t.Errorf("analyst's outbox: %v %v", regional, err)
	}
	var n int
	if err := w.DB.QueryRow(`SELECT count(*) FROM delivery_ledger WHERE job = 'demo' AND status = 'sent'`).Scan(&n); err != nil || n == 0 {
		t.Errorf("ledger: %d rows, %v", n, err)
	}
}

// vigie schedule list: each job's next runs after --from, in Paris local
// time; the Monday control of Whit Monday moves to Tuesday.
func Example_scheduleList() {
	run(context.Background(), []string{"schedule", "list", "--from", "2026-05-24", "--count", "1"},
		strings.NewReader(""), os.Stdout, os.Stderr, func(string) string { return "" })
	// Output:
	// job             scheduled_for     jour      moved_from        holiday             steps
	// transfers       2026-05-24 04:00  dimanche                                        transfers
	// archive         2026-05-24 05:00  dimanche                                        archive_plan archive_apply
	// daily_ingest    2026-05-24 06:00  dimanche                                        ingest controls
	// backup          2026-05-24 06:45  dimanche                                        backup
	// subscriptions   2026-05-24 07:30  dimanche                                        subscriptions
	// weekly_control  2026-05-26 07:00  mardi     2026-05-25 07:00  Lundi de Pentecôte  ingest controls report_weekly
	// monthly_report  2026-06-01 07:00  lundi                                           controls report_monthly
	// monthly_rafael  2026-06-01 08:00  lundi                                           rafael
	// (8 lignes)
}

// `vigie schedule --help` names every shipped job, with its time as cron
// says it.
func TestScheduleHelpNamesEveryJob(t *testing.T) {
	t.Parallel()
	code, out, _ := runSchedCLI(context.Background(), nil, "schedule", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	defs, err := schedules.LoadDefinitions("")
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range defs.Jobs {
		f := strings.Fields(j.Cron) // minute hour …
		at := fmt.Sprintf("à %02s:%02s", f[1], f[0])
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  "+j.Name+" ") {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, at) {
			t.Errorf("job %s (%s) not said %q in the help:\n%s", j.Name, j.Cron, at, out)
		}
	}
}

// The night the clocks go back, 02:30 happens twice: the list says which one
// the job runs at, and `schedule run --for` with that wall clock runs it
// (it was refused as « not scheduled at this instant », naming the same
// 02:30 as the nearest one).
func TestScheduleAutumnNight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	night := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(night, []byte("jobs:\n  - name: night\n    cron: \"30 2 * * *\"\n    steps: [transfers]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runSchedCLI(context.Background(), nil, "schedule", "list", "--schedules", night, "--from", "2026-10-24", "--count", "2", "--format", "csv")
	if !strings.Contains(out, "night,2026-10-25 02:30,dimanche,,\"passage à l'heure d'hiver : cette heure a lieu deux fois, l'exécution est à la première, en heure d'été\",transfers") {
		t.Errorf("autumn night in the list:\n%s", out)
	}
	wh := filepath.Join(dir, "w.duckdb")
	if code, _, errOut := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	cfg := basicConfig(t, dir)
	code, out, errOut := runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "night", "--schedules", night,
		"--config", cfg, "--for", "2026-10-25 02:30", "--format", "csv")
	if code != 0 || !strings.Contains(out, "night,2026-10-25 02:30,done,") {
		t.Errorf("schedule run --for the autumn night's 02:30: exit %d\n%s\n%s", code, out, errOut)
	}
}

// A run killed in the middle leaves its instant « claimed » in the ledger:
// `schedule run`, which holds the warehouse and so knows nothing runs, says
// it did not succeed and re-runs it with --force (it said « déjà traitée,
// rien à refaire (claimed) », exit 0, and --force could not re-run it).
func TestScheduleRunAfterAKilledRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	if code, _, errOut := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	w, err := warehouse.Open(ctx, wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `INSERT INTO schedule_ledger (job, scheduled_for, state, attempts, updated_at) VALUES ('transfers', TIMESTAMP '2026-11-23 04:00:00', 'claimed', 1, now())`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := basicConfig(t, dir)
	run := func(extra ...string) (int, string, string) {
		return runSchedCLI(ctx, nil, append([]string{"--warehouse", wh, "schedule", "run", "transfers", "--config", cfg,
			"--for", "2026-11-23 04:00", "--format", "csv"}, extra...)...)
	}
	if code, out, errOut := run(); code != exitFailed || !strings.Contains(out, "déjà traitée sans aboutir (interrupted)") || !strings.Contains(errOut, "--force") {
		t.Errorf("a killed run's instant: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run("--force"); code != 0 || !strings.Contains(out, "transfers,2026-11-23 04:00,done,") {
		t.Errorf("--force on a killed run's instant: exit %d\n%s\n%s", code, out, errOut)
	}
}

// basicConfig writes dir/vigie.yaml for the basic extraction's two
// structures: outbox and work folders in dir, one analyst, both directors.
func basicConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := filepath.Join(dir, "vigie.yaml")
	if err := os.WriteFile(cfg, []byte("outbox: "+filepath.Join(dir, "outbox")+"\nwork_dir: "+filepath.Join(dir, "work")+
		"\nrecipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-16001}, {structure: ML-33002}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}
