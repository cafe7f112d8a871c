package controls

import (
	"context"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/arml-na/vigie/pipelines/internal/childtest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// childSigterm runs the controls on the warehouse at path as vigie does,
// until the parent's SIGTERM during step.
func childSigterm(path, step string) int {
	return warehousetest.StoppedRun(path, "controls", &stepHook, "STEP", step, func(ctx context.Context, w *warehouse.Warehouse, id int64) error {
		_, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), RunID: id, Reference: Weekly})
		return err
	})
}

// stopChildAt runs the controls in a child process on the warehouse at
// path, sends it SIGTERM once it reached step, and returns the line saying
// how the run ended, and the child's standard error.
func stopChildAt(t *testing.T, path, step string) (status, stderr string) {
	t.Helper()
	child, _ := childtest.Start(t, "STEP "+step, "VIGIE_TEST_SIGTERM_CHILD="+path, "VIGIE_TEST_STEP="+step)
	return child.Signal(t, syscall.SIGTERM), child.Stderr.String()
}

// A SIGTERM during any step of a controls run stops it promptly: the run is
// recorded as cancelled, and no control run, finding or indicator is stored
// (the steps before it included: one transaction holds them all).
func TestControlsStopOnSIGTERMInEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	steps := []string{"controls/prev_findings.sql", "controls/record_resolved.sql", "controls/indicator_rdv.sql", "controls/upcoming_rdv.sql", "controls/indicator_siene.sql"}
	steps = append(steps, Families...)
	for _, step := range steps {
		t.Run(strings.TrimPrefix(step, "controls/"), func(t *testing.T) {
			t.Parallel()
			path := rulesTemplate.file(t)
			status, stderr := stopChildAt(t, path, step)
			if status != "STATUS "+warehouse.StatusCancelled {
				t.Errorf("after SIGTERM in step %s: %q, want the run cancelled; stderr: %s", step, status, stderr)
			}
			w := warehousetest.Reopen(t, path)
			got := storedRows(t, w)
			want := map[string]int{"control_runs": 0, "findings": 0, "findings_resolved": 0, "indicator_rdv": 0, "upcoming_rdv": 0, "indicator_siene": 0}
			delete(got, "runs")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("a run stopped in step %s stored rows: %v", step, got)
			}
			var n int
			if err := w.DB.QueryRow(`SELECT count(*) FROM runs WHERE command = 'controls' AND status = 'cancelled'`).Scan(&n); err != nil || n != 1 {
				t.Errorf("%d cancelled controls runs recorded (%v), want 1", n, err)
			}
		})
	}
}

// A SIGTERM once the run's transaction committed does not make a stored run
// look cancelled: the run is recorded as done, with its findings.
func TestControlsSIGTERMAfterCommitKeepsTheRunDone(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := rulesTemplate.file(t)
	status, stderr := stopChildAt(t, path, "committed")
	if status != "STATUS "+warehouse.StatusDone {
		t.Errorf("after SIGTERM once committed: %q, want the run done; stderr: %s", status, stderr)
	}
	w := warehousetest.Reopen(t, path)
	got := storedRows(t, w)
	if got["control_runs"] != 1 || got["findings"] == 0 {
		t.Errorf("stored after SIGTERM once committed: %v, want the run and its findings", got)
	}
	var runStatus string
	if err := w.DB.QueryRow(`SELECT status FROM runs WHERE command = 'controls'`).Scan(&runStatus); err != nil || runStatus != warehouse.StatusDone {
		t.Errorf("run recorded %q (%v), want done", runStatus, err)
	}
}

// A controls run stopped inside its transaction puts DuckDB's memory limit
// back, as a run that ends does: the setting is the database's, and the
// daemon that ran the controls goes on with its other jobs. Not parallel: it
// sets stepHook, which the parallel tests do not use.
func TestStoppedControlsPutTheMemoryLimitBack(t *testing.T) {
	w, err := warehouse.Open(context.Background(), rulesTemplate.file(t), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	before := warehousetest.MemoryLimit(t, w)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer func(h func(string)) { stepHook = h }(stepHook)
	stepHook = func(step string) {
		if step == Families[0] {
			cancel() // SIGTERM during the first family, inside the transaction
		}
	}
	err = w.Record(ctx, warehouse.RunInfo{Command: "controls"}, func(id int64) error {
		_, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), RunID: id, Reference: Weekly, MemoryLimit: "300MB"})
		return err
	})
	if warehouse.Classify(err) != warehouse.StatusCancelled {
		t.Fatalf("a run stopped in %s: %v, want cancelled", Families[0], err)
	}
	if after := warehousetest.MemoryLimit(t, w); after != before {
		t.Errorf("memory limit %s after the stopped run, %s before", after, before)
	}
}
