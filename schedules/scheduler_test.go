package schedules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/delivery/smtptest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// fakeClock never sleeps: After moves the time forward and fires at once.
// When the time passes end, it calls stop (the daemon's SIGTERM).
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	end  time.Time
	stop func()
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	stop := c.stop != nil && !c.end.IsZero() && now.After(c.end)
	c.mu.Unlock()
	if stop {
		c.stop()
	}
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

const testJobs = `
jobs:
  - name: weekly_control
    title: "Contrôle hebdomadaire"
    cron: "0 7 * * 1"
    holidays: next_working_day
    freshness_gate: true
    steps: [controls, weekly_asp, report_region]
  - name: daily_ingest
    cron: "0 6 * * *"
    steps: [controls]
  - name: night
    cron: "30 2 * * *"
    steps: [transfers]
`

type fixture struct {
	t      *testing.T
	dir    string
	wpath  string
	clock  *fakeClock
	cfg    *Config
	defs   *Definitions
	mu     sync.Mutex
	calls  map[string]int // step name → calls
	failN  map[string]int // step name → transient failures left
	hook   map[string]func(ctx context.Context) error
	steps  Registry
	ingest IngestFunc
}

func newFixture(t *testing.T, jobs string) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, wpath: filepath.Join(dir, "w.duckdb"), clock: &fakeClock{},
		calls: map[string]int{}, failN: map[string]int{}, hook: map[string]func(context.Context) error{}}
	defs, err := ParseDefinitions("test.yaml", []byte(jobs))
	if err != nil {
		t.Fatal(err)
	}
	f.defs = defs
	cfg, err := ParseConfig("test-config.yaml", []byte(fmt.Sprintf(`
outbox: %s
work_dir: %s
retries: {attempts: 3, backoff: 1m}
freshness_max_age: 8d
recipients:
  analysts:
    - {id: a1, name: Analyste}
  directors:
    - {structure: ML33A, name: Direction 33}
    - {structure: ML64B, name: Direction 64}
`, filepath.Join(dir, "outbox"), filepath.Join(dir, "work"))))
	if err != nil {
		t.Fatal(err)
	}
	f.cfg = cfg
	f.steps = Registry{}
	for _, name := range KnownSteps {
		f.steps[name] = f.step(name)
	}
	return f
}

// step is a fake pipeline step: it counts its calls and writes one file per
// structure plus one for the analysts.
func (f *fixture) step(name string) StepFunc {
	return func(ctx context.Context, rc RunContext) ([]Output, error) {
		f.mu.Lock()
		f.calls[name+"@"+rc.Job]++
		fail := f.failN[name] > 0
		if fail {
			f.failN[name]--
		}
		hook := f.hook[name]
		f.mu.Unlock()
		if hook != nil {
			if err := hook(ctx); err != nil {
				return nil, err
			}
		}
		if fail {
			return nil, errors.New("transient: database busy")
		}
		var outs []Output
		if name == "weekly_asp" {
			for _, code := range []string{"ML33A", "ML64B"} {
				p := filepath.Join(rc.OutDir, "liste_asp_"+code+".pdf")
				if err := os.WriteFile(p, []byte("pdf of "+code+" for "+rc.AsOf.Format(time.DateOnly)), 0o600); err != nil {
					return nil, err
				}
				outs = append(outs, Output{Path: p, Audience: code})
			}
		}
		if name == "report_region" {
			p := filepath.Join(rc.OutDir, "classeur_regional.xlsx")
			if err := os.WriteFile(p, []byte("xlsx"), 0o600); err != nil {
				return nil, err
			}
			outs = append(outs, Output{Path: p, Audience: AnalystsAudience})
		}
		return outs, nil
	}
}

func (f *fixture) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

// scheduler builds a fresh Scheduler on the same warehouse: a new one is a
// restart.
func (f *fixture) scheduler() *Scheduler {
	return &Scheduler{Defs: f.defs, Config: f.cfg, Steps: f.steps, Clock: f.clock, Ingest: f.ingest}
}

func (f *fixture) open(ctx context.Context) (*warehouse.Warehouse, error) {
	return warehouse.Open(ctx, f.wpath, sqlfiles.FS())
}

func (f *fixture) warehouse() *warehouse.Warehouse {
	f.t.Helper()
	w, err := f.open(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = w.Close() })
	return w
}

// freshIngest records a successful ingestion at t.
func freshIngest(t *testing.T, w *warehouse.Warehouse, at time.Time, status string) {
	t.Helper()
	_, err := w.DB.Exec(`INSERT INTO runs (command, arguments, started_at, ended_at, status) VALUES ('ingest', 'x', ?::TIMESTAMP, ?::TIMESTAMP, ?)`,
		warehouse.LocalTimestamp(at), warehouse.LocalTimestamp(at), status)
	if err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, w *warehouse.Warehouse, q string, args ...any) string {
	t.Helper()
	rows, err := w.DB.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var cells []string
		for _, v := range vals {
			switch x := v.(type) {
			case time.Time:
				cells = append(cells, x.Format("2006-01-02 15:04"))
			default:
				cells = append(cells, fmt.Sprint(x))
			}
		}
		lines = append(lines, strings.Join(cells, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func at(t *testing.T, s string) time.Time { return local(t, s) }

func TestRunJobExactlyOnceAndDirectorsOnlyGetTheirFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	ctx := context.Background()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon.Add(time.Minute))
	freshIngest(t, w, mon.Add(-24*time.Hour), warehouse.StatusDone)
	s := f.scheduler()
	o, err := s.RunJob(ctx, w, "weekly_control", mon, false)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != StateDone || len(o.Outputs) != 3 {
		t.Fatalf("outcome %+v", o)
	}
	// Again, even forced: a done run never runs again.
	for _, force := range []bool{false, true} {
		o2, err := f.scheduler().RunJob(ctx, w, "weekly_control", mon, force)
		if err != nil || o2.Skipped != "already done" {
			t.Fatalf("second run: %+v %v", o2, err)
		}
	}
	if n := f.count("weekly_asp@weekly_control"); n != 1 {
		t.Errorf("weekly_asp ran %d times", n)
	}
	// Outbox: each director has their own PDF only; analysts the workbook.
	base := filepath.Join(f.cfg.Outbox)
	var got []string
	_ = filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(base, p)
			got = append(got, rel)
		}
		return nil
	})
	want := []string{
		"analyste_a1/2026-11-23_0700_weekly_control/classeur_regional.xlsx",
		"direction_ML33A/2026-11-23_0700_weekly_control/liste_asp_ML33A.pdf",
		"direction_ML64B/2026-11-23_0700_weekly_control/liste_asp_ML64B.pdf",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outbox:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := query(t, w, `SELECT job, scheduled_for, status FROM runs WHERE command = 'schedule'`); got != "weekly_control 2026-11-23 07:00 done" {
		t.Errorf("runs: %s", got)
	}
	if got := query(t, w, `SELECT count(*) FROM delivery_ledger WHERE status = 'sent'`); got != "3" {
		t.Errorf("deliveries: %s", got)
	}
}

func TestRetriesWithBackoffAndDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	ctx := context.Background()
	start := at(t, "2026-11-24 06:00")
	f.clock.Set(start)
	f.failN["controls"] = 2
	o, err := f.scheduler().RunJob(ctx, w, "daily_ingest", start, false)
	if err != nil || o.State != StateDone {
		t.Fatalf("%+v %v", o, err)
	}
	if n := f.count("controls@daily_ingest"); n != 3 {
		t.Errorf("controls ran %d times, want 3 (2 transient failures)", n)
	}
	// Backoff 1m then 2m, on the injected clock.
	if got := f.clock.Now().Sub(start); got != 3*time.Minute {
		t.Errorf("waited %v, want 3m", got)
	}
	// Too many failures: the run fails, recorded.
	f.failN["controls"] = 5
	next := at(t, "2026-11-25 06:00")
	if _, err := f.scheduler().RunJob(ctx, w, "daily_ingest", next, false); err == nil {
		t.Fatal("want failure")
	}
	// A deadline: a step that hangs is stopped and the run recorded as timed out.
	f.cfg.Deadlines = map[string]Duration{"daily_ingest": Duration(20 * time.Millisecond)}
	f.failN["controls"] = 0
	f.hook["controls"] = func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	third := at(t, "2026-11-26 06:00")
	if _, err := f.scheduler().RunJob(ctx, w, "daily_ingest", third, false); !errors.Is(err, context.DeadlineExceeded) ||
		err.Error() != "étape controls : délai de la tâche dépassé (20 millisecondes, deadlines.daily_ingest dans la configuration) ; l'exécution est arrêtée" {
		t.Fatalf("err = %v, want deadline exceeded, said in French", err)
	}
	got := query(t, w, `SELECT scheduled_for, status FROM runs WHERE command = 'schedule' ORDER BY id`)
	want := "2026-11-24 06:00 done\n2026-11-25 06:00 failed\n2026-11-26 06:00 timed_out"
	if got != want {
		t.Errorf("runs:\n%s\nwant\n%s", got, want)
	}
	if got := query(t, w, `SELECT state FROM schedule_ledger ORDER BY scheduled_for`); got != "done\nfailed\nfailed" {
		t.Errorf("ledger: %s", got)
	}
}

func TestNotWiredStepFailsWithoutRetry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	delete(f.steps, "transfers")
	w := f.warehouse()
	ts := at(t, "2026-11-24 02:30")
	f.clock.Set(ts)
	_, err := f.scheduler().RunJob(context.Background(), w, "night", ts, false)
	if !errors.Is(err, ErrNotWired) {
		t.Fatalf("err = %v", err)
	}
	if !f.clock.Now().Equal(ts) {
		t.Error("a step that is not wired was retried")
	}
}

func TestCatchUp(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{CatchUpOnce, CatchUpSkip} {
		t.Run(policy, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, testJobs)
			f.cfg.CatchUp = policy
			w := f.warehouse()
			ctx := context.Background()
			// The daemon last looked on Monday 23 at 06:30, then was down
			// until Thursday 26 at 12:00.
			s := f.scheduler()
			if _, err := s.Tick(ctx, w, at(t, "2026-11-23 06:30"), true); err != nil {
				t.Fatal(err)
			}
			freshIngest(t, w, at(t, "2026-11-26 05:00"), warehouse.StatusDone)
			s = f.scheduler() // restart
			f.clock.Set(at(t, "2026-11-26 12:00"))
			_, err := s.Tick(ctx, w, at(t, "2026-11-26 12:00"), true)
			if err != nil && policy == CatchUpOnce {
				t.Fatal(err)
			}
			got := query(t, w, `SELECT job, scheduled_for, state FROM schedule_ledger ORDER BY job, scheduled_for`)
			latest := "done"
			if policy == CatchUpSkip {
				latest = "missed"
			}
			want := strings.Join([]string{
				"daily_ingest 2026-11-24 06:00 missed",
				"daily_ingest 2026-11-25 06:00 missed",
				"daily_ingest 2026-11-26 06:00 " + latest,
				"night 2026-11-24 02:30 missed",
				"night 2026-11-25 02:30 missed",
				"night 2026-11-26 02:30 " + latest,
				"weekly_control 2026-11-23 07:00 " + latest,
			}, "\n")
			if got != want {
				t.Errorf("ledger:\n%s\nwant\n%s", got, want)
			}
			// Missed runs are in the runs table, missed (not failed: nothing
			// ran) with the reason.
			if got := query(t, w, `SELECT count(*) FROM runs WHERE status = 'missed' AND error LIKE 'manquée%'`); policy == CatchUpOnce && got != "4" || policy == CatchUpSkip && got != "7" {
				t.Errorf("missed runs recorded: %s", got)
			}
			if got := query(t, w, `SELECT count(*) FROM runs WHERE status = 'failed'`); got != "0" {
				t.Errorf("%s runs recorded failed", got)
			}
			// A second restart at the same time does nothing more.
			before := f.count("controls@daily_ingest")
			if _, err := f.scheduler().Tick(ctx, w, at(t, "2026-11-26 12:00"), true); err != nil {
				t.Fatal(err)
			}
			if f.count("controls@daily_ingest") != before {
				t.Error("a restart ran a run again")
			}
		})
	}
}

// failedDelivery runs the Monday control of 2026-11-23 with ML64B's outbox
// folder blocked by a file (its delivery fails, once: no retry), and returns
// the warehouse, the instant and the blocking file.
func failedDelivery(t *testing.T, f *fixture) (*warehouse.Warehouse, time.Time, string) {
	t.Helper()
	f.cfg.Retries.Attempts = 1
	w := f.warehouse()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon)
	freshIngest(t, w, mon.Add(-time.Hour), warehouse.StatusDone)
	if err := os.MkdirAll(f.cfg.Outbox, 0o700); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(f.cfg.Outbox, "direction_ML64B")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, false)
	if err == nil || o.State != StateDeliveryFailed {
		t.Fatalf("%+v %v", o, err)
	}
	return w, mon, blocker
}

func TestCrashBetweenRunAndDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w, _, blocker := failedDelivery(t, f)
	ctx := context.Background()
	// Restart: the delivery resumes, the steps do not run again, and only
	// ML64B is delivered.
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	outs, err := f.scheduler().Startup(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].State != StateDone || outs[0].Delivered.Sent != 1 {
		t.Fatalf("startup: %+v", outs)
	}
	if n := f.count("weekly_asp@weekly_control"); n != 1 {
		t.Errorf("steps ran %d times", n)
	}
	got := query(t, w, `SELECT recipient, status, count(*) FROM delivery_ledger GROUP BY ALL ORDER BY ALL`)
	want := "analyste_a1 sent 1\ndirection_ML33A sent 1\ndirection_ML64B failed 1\ndirection_ML64B sent 1"
	if got != want {
		t.Errorf("delivery ledger:\n%s\nwant\n%s", got, want)
	}
	if got := query(t, w, `SELECT arguments, status FROM runs WHERE command = 'schedule' ORDER BY id`); got != "run weekly_control --for 2026-11-23T07:00 failed\ndeliver weekly_control --for 2026-11-23T07:00 done" {
		t.Errorf("runs:\n%s", got)
	}
}

// A delivery that failed is tried again while the daemon runs, not only at
// its next start: after DeliveryRetryEvery, to the recipients who did not get
// the files, and no more once delivered.
func TestFailedDeliveryRetriedWhileRunning(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w, mon, blocker := failedDelivery(t, f)
	ctx := context.Background()
	s := f.scheduler()
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	sent := func() string {
		return query(t, w, `SELECT count(*) FROM delivery_ledger WHERE recipient = 'direction_ML64B' AND status = 'sent'`)
	}
	for _, c := range []struct {
		after time.Duration
		want  string
	}{{5 * time.Minute, "0"}, {DeliveryRetryEvery + time.Minute, "1"}, {2 * DeliveryRetryEvery, "1"}} {
		if _, err := s.Tick(ctx, w, mon.Add(c.after), false); err != nil {
			t.Fatalf("tick at +%v: %v", c.after, err)
		}
		if got := sent(); got != c.want {
			t.Errorf("after a tick at +%v: ML64B delivered %s times, want %s", c.after, got, c.want)
		}
		// While a delivery waits for its next try, the daemon wakes up for
		// it (a daemon without an inbox would sleep until the next job).
		if wake := s.NextWake(mon.Add(c.after)); (c.want == "0") != wake.Before(mon.Add(c.after+DeliveryRetryEvery+time.Second)) {
			t.Errorf("after a tick at +%v: next wake-up %v", c.after, wake)
		}
	}
	if got := query(t, w, `SELECT state FROM schedule_ledger WHERE job = 'weekly_control'`); got != StateDone {
		t.Errorf("ledger: %s", got)
	}
	if n := f.count("weekly_asp@weekly_control"); n != 1 {
		t.Errorf("steps ran %d times", n)
	}
}

func TestCrashDuringRunIsRerunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	ctx := context.Background()
	ts := at(t, "2026-11-24 06:00")
	f.clock.Set(ts)
	// A run claimed, recorded as running, then the process died.
	s := f.scheduler()
	if d, _, err := s.claim(ctx, w, "daily_ingest", ts, false); err != nil || d != claimRun {
		t.Fatal(d, err)
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "schedule", Job: "daily_ingest", ScheduledFor: &ts})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ledgerSet(w, "daily_ingest", ts, StateClaimed, run.ID, 0, ""); err != nil {
		t.Fatal(err)
	}
	outs, err := f.scheduler().Startup(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].State != StateDone {
		t.Fatalf("%+v", outs)
	}
	got := query(t, w, `SELECT status FROM runs ORDER BY id`)
	if got != "cancelled\ndone" {
		t.Errorf("runs: %s", got)
	}
	if got := query(t, w, `SELECT state, attempts FROM schedule_ledger`); got != "done 2" {
		t.Errorf("ledger: %s", got)
	}
	if _, err := f.scheduler().Startup(ctx, w); err != nil || f.count("controls@daily_ingest") != 1 {
		t.Errorf("second startup: %v, %d runs", err, f.count("controls@daily_ingest"))
	}
}

func TestFreshnessGate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ingest string // "" none
		age    time.Duration
		state  string
	}{
		{"no extraction", "", 0, StateHeld},
		{"refused", warehouse.StatusRefused, time.Hour, StateHeld},
		{"too old", warehouse.StatusDone, 9 * 24 * time.Hour, StateHeld},
		{"fresh", warehouse.StatusDone, 7 * 24 * time.Hour, StateDone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, testJobs)
			w := f.warehouse()
			mon := at(t, "2026-11-23 07:00")
			f.clock.Set(mon)
			if c.ingest != "" {
				freshIngest(t, w, mon.Add(-c.age), c.ingest)
			}
			o, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, false)
			if o.State != c.state {
				t.Fatalf("state %s (%v), want %s", o.State, err, c.state)
			}
			dirs, _ := os.ReadDir(f.cfg.Outbox)
			var names []string
			for _, d := range dirs {
				names = append(names, d.Name())
			}
			if c.state == StateHeld {
				if !errors.Is(err, ErrStale) {
					t.Errorf("err = %v", err)
				}
				// Only the analysts, told why.
				if strings.Join(names, ",") != "analyste_a1" {
					t.Errorf("outbox folders %v", names)
				}
				msg, err := os.ReadFile(filepath.Join(f.cfg.Outbox, "analyste_a1", "2026-11-23_0700_weekly_control", "ALERTE_fraicheur_2026-11-23.txt"))
				if err != nil || !strings.Contains(string(msg), "rapports retenus") {
					t.Errorf("alert: %v %q", err, msg)
				}
				if got := query(t, w, `SELECT status FROM runs WHERE command = 'schedule'`); got != "refused" {
					t.Errorf("run status %s", got)
				}
				// Not again by itself; by hand with --force, as the alert
				// says, once a fresh extraction is in: the directors get
				// their files, the analysts are not sent the alert again.
				want := `vigie schedule run weekly_control --for "2026-11-23 07:00" --force`
				if !strings.Contains(string(msg), want) {
					t.Errorf("alert lacks %q:\n%s", want, msg)
				}
				if o, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, false); err != nil || o.Skipped != "already held" {
					t.Errorf("unforced re-run: %+v %v", o, err)
				}
				freshIngest(t, w, mon.Add(time.Hour), warehouse.StatusDone)
				o, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, true)
				if err != nil || o.State != StateDone || o.Delivered.Sent != 3 {
					t.Errorf("forced re-run: %+v %v", o, err)
				}
				if got := query(t, w, `SELECT file, count(*) FROM delivery_ledger WHERE recipient = 'analyste_a1' GROUP BY ALL ORDER BY ALL`); got != "ALERTE_fraicheur_2026-11-23.txt 1\nclasseur_regional.xlsx 1" {
					t.Errorf("analyst's deliveries:\n%s", got)
				}
			} else if len(names) != 3 {
				t.Errorf("outbox folders %v", names)
			}
		})
	}
}

// Reports held back stay held when the alert to the analysts cannot be
// delivered: a restart (which resumes failed deliveries) must not send the
// reports made from stale data, even once a fresh extraction is in.
func TestHeldReportsStayHeldWhenTheAlertFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon)
	if err := os.WriteFile(f.cfg.Outbox, []byte("pas un dossier"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, false)
	if o.State != StateHeld || !errors.Is(err, ErrStale) {
		t.Fatalf("state %s (%v), want held", o.State, err)
	}
	if err := os.Remove(f.cfg.Outbox); err != nil {
		t.Fatal(err)
	}
	freshIngest(t, w, mon.Add(time.Hour), warehouse.StatusDone)
	if _, err := f.scheduler().Startup(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	if got := query(t, w, `SELECT count(*) FROM delivery_ledger WHERE recipient LIKE 'direction_%' AND status = 'sent'`); got != "0" {
		t.Errorf("%s deliveries of stale reports to the directors after a restart", got)
	}
	if got := query(t, w, `SELECT state FROM schedule_ledger WHERE job = 'weekly_control'`); got != StateHeld {
		t.Errorf("ledger: %s, want held", got)
	}
	// The daemon tries the alert again (not the reports), once the retry
	// delay has passed, and once it is delivered, no more.
	alert := `SELECT count(*) FROM delivery_ledger WHERE recipient = 'analyste_a1' AND file LIKE 'ALERTE%' AND status = 'sent'`
	s := f.scheduler()
	for _, c := range []struct {
		after time.Duration
		want  string
	}{{5 * time.Minute, "0"}, {DeliveryRetryEvery + 5*time.Minute, "1"}, {3 * DeliveryRetryEvery, "1"}} {
		// (the last try was at 07:03, after the run's own retries)
		if _, err := s.Tick(context.Background(), w, mon.Add(c.after), false); err != nil {
			t.Fatalf("tick at +%v: %v", c.after, err)
		}
		if got := query(t, w, alert); got != c.want {
			t.Errorf("after a tick at +%v: the alert delivered %s times, want %s", c.after, got, c.want)
		}
	}
	if got := query(t, w, `SELECT count(*) FROM delivery_ledger WHERE recipient LIKE 'direction_%' AND status = 'sent'`); got != "0" {
		t.Errorf("%s deliveries of stale reports to the directors after the alert's retry", got)
	}
}

func TestInbox(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	inbox := filepath.Join(f.dir, "inbox")
	f.cfg.Inbox = inbox
	var ingested []string
	f.ingest = func(ctx context.Context, w *warehouse.Warehouse, dir string) error {
		ingested = append(ingested, filepath.Base(dir))
		if strings.Contains(dir, "bad") {
			return warehouse.Refused(errors.New("dossiers.csv: 12 % of rows rejected"))
		}
		return nil
	}
	for name, ready := range map[string]bool{"2026-11-20": true, "2026-11-21_bad": true, "2026-11-22": false} {
		d := filepath.Join(inbox, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if ready {
			if err := os.WriteFile(filepath.Join(d, ReadyMarker), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := f.warehouse()
	f.clock.Set(at(t, "2026-11-23 06:00"))
	res, err := f.scheduler().ProcessInbox(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ingested) != "[2026-11-20 2026-11-21_bad]" || fmt.Sprint(res.Processed) != "[2026-11-20]" || fmt.Sprint(res.Rejected) != "[2026-11-21_bad]" {
		t.Errorf("ingested %v, result %+v", ingested, res)
	}
	reason, err := os.ReadFile(filepath.Join(inbox, "rejected", "2026-11-21_bad", RejectReasonFile))
	if err != nil || !strings.Contains(string(reason), "12 % of rows rejected") {
		t.Errorf("reason: %v %q", err, reason)
	}
	if _, err := os.Stat(filepath.Join(inbox, "2026-11-22")); err != nil {
		t.Error("a folder without _READY was moved")
	}
	// The same name dropped again goes next to the first.
	if err := os.MkdirAll(filepath.Join(inbox, "2026-11-20"), 0o700); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(inbox, "2026-11-20", ReadyMarker), nil, 0o600)
	res, err = f.scheduler().ProcessInbox(context.Background(), w)
	if err != nil || fmt.Sprint(res.Processed) != "[2026-11-20.2]" {
		t.Errorf("%+v %v", res, err)
	}
}

func TestTwoDaemons(t *testing.T) {
	t.Parallel()
	path := LockPath(filepath.Join(t.TempDir(), "w.duckdb"))
	first, err := AcquireLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AcquireLock(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second daemon: err = %v, want ErrLocked", err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := AcquireLock(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = again.Release()
}

// runDaemon runs the daemon loop on the fake clock from start until end.
func runDaemon(t *testing.T, f *fixture, start, end time.Time) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.clock.Set(start)
	f.clock.mu.Lock()
	f.clock.end, f.clock.stop = end, cancel
	f.clock.mu.Unlock()
	if err := f.scheduler().Run(ctx, f.open); err != nil {
		t.Fatal(err)
	}
}

func TestDaemonHolidaysAndDST(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		start, end string
		want       string // ledger of weekly_control and night, one per line
	}{
		{"Easter Monday 2026", "2026-04-05 20:00", "2026-04-07 12:00",
			"night 2026-04-06 02:30 done\nnight 2026-04-07 02:30 done\nweekly_control 2026-04-07 07:00 held"},
		{"Whit Monday 2026", "2026-05-24 20:00", "2026-05-26 12:00",
			"night 2026-05-25 02:30 done\nnight 2026-05-26 02:30 done\nweekly_control 2026-05-26 07:00 held"},
		{"spring forward 2026", "2026-03-28 12:00", "2026-03-29 12:00", "night 2026-03-29 03:00 done"},
		{"fall back 2026", "2026-10-24 12:00", "2026-10-25 12:00", "night 2026-10-25 02:30 done"},
		{"spring forward 2027", "2027-03-27 12:00", "2027-03-28 12:00", "night 2027-03-28 03:00 done"},
		{"fall back 2027", "2027-10-30 12:00", "2027-10-31 12:00", "night 2027-10-31 02:30 done"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, testJobs)
			runDaemon(t, f, at(t, c.start), at(t, c.end))
			w := f.warehouse()
			got := query(t, w, `SELECT job, scheduled_for, state FROM schedule_ledger WHERE job <> 'daily_ingest' ORDER BY job, scheduled_for`)
			if got != c.want {
				t.Errorf("ledger:\n%s\nwant\n%s", got, c.want)
			}
			if n := f.count("transfers@night"); n != strings.Count(c.want, "night ") {
				t.Errorf("night ran %d times", n)
			}
		})
	}
}

// SIGTERM during the Monday control: the step under way may finish (or, if
// it does not within stop_grace, is cancelled), no further step starts, the
// run is recorded cancelled and the instant interrupted, and the next start
// runs it once more, to the end.
func TestDaemonStop(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stuck   bool
		catchUp string
	}{{false, CatchUpOnce}, {true, CatchUpOnce}, {false, CatchUpSkip}} {
		stuck := c.stuck
		t.Run(fmt.Sprintf("stuck=%v,catch_up=%s", stuck, c.catchUp), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, testJobs)
			f.cfg.CatchUp = c.catchUp // the interrupted run is re-run under either policy
			mon := at(t, "2026-11-23 06:59")
			ctx, cancel := context.WithCancel(context.Background())
			f.clock.Set(mon)
			f.hook["weekly_asp"] = func(stepCtx context.Context) error {
				cancel() // SIGTERM; on the fake clock stop_grace elapses at once
				if stuck {
					<-stepCtx.Done()
					return stepCtx.Err()
				}
				return nil
			}
			w0 := f.warehouse()
			freshIngest(t, w0, mon, warehouse.StatusDone)
			_ = w0.Close()
			if err := f.scheduler().Run(ctx, f.open); err != nil {
				t.Fatal(err)
			}
			if f.count("weekly_asp@weekly_control") != 1 || f.count("report_region@weekly_control") != 0 {
				t.Fatalf("the step under way should end and the next not start: %v", f.calls)
			}
			w := f.warehouse()
			if got := query(t, w, `SELECT state FROM schedule_ledger WHERE job = 'weekly_control'`); got != "interrupted" {
				t.Errorf("ledger: %s", got)
			}
			if got := query(t, w, `SELECT status FROM runs WHERE job = 'weekly_control'`); got != "cancelled" {
				t.Errorf("runs: %s", got)
			}
			_ = w.Close()
			f.hook["weekly_asp"] = nil
			runDaemon(t, f, at(t, "2026-11-23 07:10"), at(t, "2026-11-23 07:20"))
			w = f.warehouse()
			if got := query(t, w, `SELECT state, attempts FROM schedule_ledger WHERE job = 'weekly_control'`); got != "done 2" {
				t.Errorf("ledger after restart: %s", got)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	base := "outbox: /o\nwork_dir: /w\nrecipients:\n  analysts: [{id: a1}]\n"
	cases := map[string]string{
		base + "catch_up: always\n":                `catch_up = "always"`,
		base + "freshness_max_age: 8 days\n":       `vigie.yaml : ligne 5 : "8 days" : ce n'est pas une durée`,
		base + "deadlines: {weekly_control: 3z}\n": `vigie.yaml : ligne 5 : "3z" : ce n'est pas une durée`,
		"outbox: /o\nwork_dir: /w\nrecipients:\n  analysts: [{id: a1}]\n  directors: [{structure: \"ML/33\"}]\n":                  `recipients.directors[0].structure = "ML/33"`,
		"outbox: /o\nwork_dir: /w\nrecipients:\n  analysts: [{id: a1, email: nope}]\n":                                            `vigie.yaml : ligne 4 : "nope" : ce n'est pas une adresse électronique seule`,
		"outbox: /o\nwork_dir: /w\nrecipients:\n  analysts: [{id: a1, email: \"Jeanne Dupont <j@x.org>\"}]\n":                     `vigie.yaml : ligne 4 : "Jeanne Dupont <j@x.org>" : ce n'est pas une adresse électronique seule`,
		"outbox: /o\nwork_dir: /w\nrecipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-1, email: \"<d@x.org>\"}]\n": `vigie.yaml : ligne 5 : "<d@x.org>"`,
		base + "smtp: {host: h, from: \"Vigie <v@x.org>\"}\n":                                                                     `vigie.yaml : ligne 5 : "Vigie <v@x.org>"`,
		base + "smtp: {host: h, tls: ssl, from: v@x.org}\n":                                                                       `smtp.tls = "ssl"`,
		base + "smtp: {host: h, from: v@x.org, username: u}\n":                                                                    "smtp.password_env : absent",
		base + "retries: {attempts: 0}\nsmtp: {host: h, from: v@x.org, tls: none, username: u, password_env: P}\n":                "jamais envoyé en clair",
		base + "inbox_folder: /i\n":                           "ligne 5 : clé « inbox_folder » inconnue",
		base + "retries: {attempts: beaucoup}\n":              "ligne 5 : la valeur `beaucoup` n'a pas le type attendu (un nombre entier)",
		base + "outbox: [a\n":                                 "YAML illisible",
		"work_dir: /w\nrecipients:\n  analysts: [{id: a1}]\n": "outbox : absent",
		base + "counsellors: {structures: [\"ML 33\"]}\n":     `counsellors.structures[0] = "ML 33"`,
	}
	for in, want := range cases {
		_, err := ParseConfig("vigie.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseConfig(%q) = %v\nwant an error containing %q", in, err, want)
		}
		// A value refused is no unreadable YAML, and every reason is French.
		if err != nil && want != "YAML illisible" && strings.Contains(err.Error(), "YAML illisible") || err != nil && strings.Contains(err.Error(), "mail:") {
			t.Errorf("ParseConfig(%q) = %v: misleading or English", in, err)
		}
	}
	c, err := ParseConfig("vigie.yaml", []byte(base+"freshness_max_age: 8d\ndeadlines: {weekly_control: 3h}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.FreshnessMaxAge) != 192*time.Hour || c.DeadlineFor("weekly_control") != 3*time.Hour || c.DeadlineFor("x") != 2*time.Hour || c.CatchUp != CatchUpOnce {
		t.Errorf("defaults/values wrong: %+v", c)
	}
	if _, err := LoadConfig("../testdata/schedules/vigie.yaml"); err != nil {
		t.Errorf("example configuration: %v", err)
	}
}

func TestCheckStructures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs) // directors of ML33A and ML64B
	if orphans, err := f.cfg.CheckStructures(nil); err != nil || orphans != nil {
		t.Errorf("empty warehouse: %v %v", orphans, err)
	}
	orphans, err := f.cfg.CheckStructures([]string{"ML33A", "ML64B", "ML87C"})
	if err != nil || fmt.Sprint(orphans) != "[ML87C]" {
		t.Errorf("orphans %v, err %v", orphans, err)
	}
	_, err = f.cfg.CheckStructures([]string{"ML33A", "ML87C"})
	if err == nil || !strings.Contains(err.Error(), `recipients.directors[1].structure = "ML64B" : structure inconnue`) ||
		!strings.Contains(err.Error(), "structures connues : ML33A, ML87C") {
		t.Errorf("err = %v", err)
	}
	f.cfg.Counsellors.Structures = []string{"*"}
	if _, err := f.cfg.CheckStructures([]string{"ML33A", "ML64B"}); err != nil {
		t.Errorf("counsellors of every structure (\"*\"): %v", err)
	}
	f.cfg.Counsellors.Structures = []string{"ML33A", "ML99Z"}
	_, err = f.cfg.CheckStructures([]string{"ML33A", "ML64B"})
	if err == nil || !strings.Contains(err.Error(), `counsellors.structures[1] = "ML99Z" : structure inconnue`) {
		t.Errorf("a counsellors' structure the warehouse does not know: %v", err)
	}
}

// The Monday control by email, on a real SMTP server on loopback: each
// director receives only their structure's file, the analyst the workbook,
// attachments intact; a director whose server refused once gets the file
// once after the retry (backoff on the injected clock), and nobody else is
// sent anything again.
func TestWeeklyControlByEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	for i := range f.cfg.Recipients.Directors {
		f.cfg.Recipients.Directors[i].Email = Address(strings.ToLower(f.cfg.Recipients.Directors[i].Structure) + "@direction.test")
	}
	f.cfg.Recipients.Analysts[0].Email = "a1@arml.test"
	srv := smtptest.Start(t, false)
	srv.FailOnce("ml64b@direction.test")
	w := f.warehouse()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon)
	freshIngest(t, w, mon.Add(-time.Hour), warehouse.StatusDone)
	s := f.scheduler()
	s.SMTP = &delivery.SMTPConfig{Host: "127.0.0.1", Port: srv.Port, TLS: delivery.TLSStartTLS,
		Username: smtptest.User, Password: smtptest.Password, From: "vigie@arml.test", TLSConfig: srv.TLSConfig()}
	o, err := s.RunJob(context.Background(), w, "weekly_control", mon, false)
	if err != nil || o.State != StateDone {
		t.Fatalf("%+v %v", o, err)
	}
	if waited := f.clock.Now().Sub(mon); waited != time.Minute {
		t.Errorf("the delivery retry waited %v, want the 1m backoff", waited)
	}
	sums := map[string]string{}
	for _, out := range o.Outputs {
		sum, err := fileSum(out.Path)
		if err != nil {
			t.Fatal(err)
		}
		sums[filepath.Base(out.Path)] = sum
	}
	got, subjects := srv.Received(t, sums)
	for _, subject := range subjects {
		if !strings.Contains(subject, "Contrôle hebdomadaire") {
			t.Errorf("subject %q", subject)
		}
	}
	want := map[string][]string{
		"ml33a@direction.test": {"liste_asp_ML33A.pdf"},
		"ml64b@direction.test": {"liste_asp_ML64B.pdf"},
		"a1@arml.test":         {"classeur_regional.xlsx"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("received %v\nwant %v (each once)", got, want)
	}
	ledger := query(t, w, `SELECT recipient, channel, status, count(*) FROM delivery_ledger GROUP BY ALL ORDER BY ALL`)
	wantLedger := strings.Join([]string{
		"analyste_a1 email sent 1", "analyste_a1 outbox sent 1",
		"direction_ML33A email sent 1", "direction_ML33A outbox sent 1",
		"direction_ML64B email failed 1", "direction_ML64B email sent 1", "direction_ML64B outbox sent 1",
	}, "\n")
	if ledger != wantLedger {
		t.Errorf("delivery ledger:\n%s\nwant\n%s", ledger, wantLedger)
	}
}

// The process dies after the steps, before any delivery: the restart
// delivers what was produced, without running the steps again, and the dead
// run is recorded as cancelled.
func TestCrashAfterStepsBeforeDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	ctx := context.Background()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon)
	freshIngest(t, w, mon.Add(-time.Hour), warehouse.StatusDone)
	s := f.scheduler()
	// RunJob up to the delivery, then nothing (the process died).
	if d, _, err := s.claim(ctx, w, "weekly_control", mon, false); err != nil || d != claimRun {
		t.Fatal(d, err)
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "schedule", Job: "weekly_control", ScheduledFor: &mon})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := s.runSteps(ctx, w, f.defs.Job("weekly_control"), mon, run.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.recordOutputs(ctx, w, "weekly_control", mon, outputs); err != nil {
		t.Fatal(err)
	}
	if err := s.ledgerSet(w, "weekly_control", mon, StateProduced, run.ID, 0, ""); err != nil {
		t.Fatal(err)
	}
	outs, err := f.scheduler().Startup(ctx, w)
	if err != nil || len(outs) != 1 || outs[0].State != StateDone || outs[0].Delivered.Sent != 3 {
		t.Fatalf("startup: %+v %v", outs, err)
	}
	if n := f.count("weekly_asp@weekly_control"); n != 1 {
		t.Errorf("steps ran %d times", n)
	}
	if got := query(t, w, `SELECT status FROM runs WHERE command = 'schedule' ORDER BY id`); got != "cancelled\ndone" {
		t.Errorf("runs:\n%s", got)
	}
	if got := query(t, w, `SELECT count(*) FROM delivery_ledger WHERE status = 'sent'`); got != "3" {
		t.Errorf("deliveries: %s", got)
	}
	// Another restart delivers nothing more.
	if outs, err := f.scheduler().Startup(ctx, w); err != nil || len(outs) != 0 {
		t.Errorf("second startup: %+v %v", outs, err)
	}
}

// Runs of the same instant racing in one process (a manual run while
// another is starting): one runs, the others skip without an error.
func TestConcurrentRunsOfOneInstant(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	w := f.warehouse()
	mon := at(t, "2026-11-23 07:00")
	f.clock.Set(mon)
	freshIngest(t, w, mon.Add(-time.Hour), warehouse.StatusDone)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.scheduler().RunJob(context.Background(), w, "weekly_control", mon, false)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := f.count("weekly_asp@weekly_control"); n != 1 {
		t.Errorf("the steps ran %d times", n)
	}
	if got := query(t, w, `SELECT count(*) FROM delivery_ledger`); got != "3" {
		t.Errorf("%s deliveries, want 3", got)
	}
}

// The warehouse cannot be opened at 07:00 (an analyst's long query holds
// it): the daemon looks again after the backoff, and the Monday control
// runs a minute late rather than a day late.
func TestDaemonRetriesABusyWarehouse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	mon := at(t, "2026-11-23 06:59")
	w0 := f.warehouse()
	freshIngest(t, w0, mon, warehouse.StatusDone)
	_ = w0.Close()
	var mu sync.Mutex
	opens := 0
	open := func(ctx context.Context) (*warehouse.Warehouse, error) {
		mu.Lock()
		opens++
		n := opens
		mu.Unlock()
		if n == 2 {
			return nil, errors.New("could not set lock on file: conflicting lock is held")
		}
		return f.open(ctx)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.clock.Set(mon)
	f.clock.mu.Lock()
	f.clock.end, f.clock.stop = at(t, "2026-11-23 07:30"), cancel
	f.clock.mu.Unlock()
	if err := f.scheduler().Run(ctx, open); err != nil {
		t.Fatal(err)
	}
	w := f.warehouse()
	if got := query(t, w, `SELECT state, updated_at FROM schedule_ledger WHERE job = 'weekly_control'`); got != "done 2026-11-23 07:01" {
		t.Errorf("ledger: %q", got)
	}
}
