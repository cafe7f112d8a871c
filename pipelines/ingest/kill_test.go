package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/childtest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestMain lets the test binary play the ingesting process that a test kills.
func TestMain(m *testing.M) {
	if dir := os.Getenv("VIGIE_TEST_INGEST_CHILD"); dir != "" {
		os.Exit(childIngest(dir, os.Getenv("VIGIE_TEST_WAREHOUSE")))
	}
	if dir := os.Getenv("VIGIE_TEST_SIGTERM_CHILD"); dir != "" {
		os.Exit(childSigterm(dir, os.Getenv("VIGIE_TEST_WAREHOUSE"), os.Getenv("VIGIE_TEST_PHASE")))
	}
	os.Exit(m.Run())
}

func childIngest(dir, path string) int {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	afterUpsert = func(table string) {
		if table == "evenements" {
			fmt.Println("UPSERTED", table)
			time.Sleep(time.Minute) // the parent kills us here
		}
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "ingest"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := Run(ctx, w, dir, Options{RunID: run.ID}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestIngestKilledHalfWayLeavesWarehouseUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path, before := closedAfterFirstLoad(t)

	// A second extraction changes dossiers, programmes and events.
	dossiers := strings.ReplaceAll(basicFile(t, "dossiers.csv"), "Martin", "Martin-Durand")
	events := basicFile(t, "evenements.csv") + "E9,D1,2026-11-22,atelier,,,,\n"
	dir := extraction(t, map[string]string{"dossiers.csv": dossiers, "evenements.csv": events})
	child, _ := childtest.Start(t, "UPSERTED", "VIGIE_TEST_INGEST_CHILD="+dir, "VIGIE_TEST_WAREHOUSE="+path)
	if err := child.Cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = child.Cmd.Wait()
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".w.duckdb.tmp-*"))
	if len(left) == 0 {
		t.Fatal("control: the killed load left no temporary folder: the test would prove nothing")
	}
	for _, d := range left {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("temporary folder %s: %v %v, want mode 0700", d, fi, err)
		}
	}

	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer w.Close()
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".w.duckdb.tmp-*")); len(left) != 0 {
		t.Errorf("the next run left the killed load's temporary folders: %v", left)
	}
	if after := snapshot(t, w); after != before {
		t.Errorf("a load killed half-way changed the warehouse:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The same extraction loads fine afterwards.
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, w, `SELECT count(*) FROM dossiers WHERE nom_usage = 'Martin-Durand'`); n != 1 {
		t.Error("the second load did not apply")
	}
}

// childSigterm ingests dir into the warehouse at path as vigie does, until
// the parent's SIGTERM during phase.
func childSigterm(dir, path, phase string) int {
	return warehousetest.StoppedRun(path, "ingest", &phaseHook, "PHASE", phase, func(ctx context.Context, w *warehouse.Warehouse, id int64) error {
		_, err := Run(ctx, w, dir, Options{RunID: id})
		return err
	})
}

// sigtermAt loads dir into the warehouse at path in a child process, sends
// it SIGTERM once it reached phase, and returns the line saying how the run
// ended, and the child's standard error.
func sigtermAt(t *testing.T, path, dir, phase string) (status, stderr string) {
	t.Helper()
	child, _ := childtest.Start(t, "PHASE "+phase, "VIGIE_TEST_SIGTERM_CHILD="+dir, "VIGIE_TEST_WAREHOUSE="+path, "VIGIE_TEST_PHASE="+phase)
	return child.Signal(t, syscall.SIGTERM), child.Stderr.String()
}

// A SIGTERM once the load committed does not make a loaded extraction look
// cancelled: the run is recorded as done, and the rows are in.
func TestIngestSIGTERMAfterCommitKeepsTheRunDone(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path, _ := closedAfterFirstLoad(t)
	dossiers := strings.ReplaceAll(basicFile(t, "dossiers.csv"), "Martin", "Martin-Durand")
	dir := extraction(t, map[string]string{"dossiers.csv": dossiers})
	status, stderr := sigtermAt(t, path, dir, "committed")
	if status != "STATUS "+warehouse.StatusDone {
		t.Errorf("after SIGTERM once committed: %q, want the run done; stderr: %s", status, stderr)
	}
	w := warehousetest.Reopen(t, path)
	if n := count(t, w, `SELECT count(*) FROM dossiers WHERE nom_usage = 'Martin-Durand'`); n != 1 {
		t.Error("the committed load is not in the warehouse")
	}
	if n := count(t, w, `SELECT count(*) FROM runs WHERE command = 'ingest' AND status = 'done'`); n != 2 {
		t.Errorf("%d ingest runs done, want 2 (the first load and this one)", n)
	}
}

// A SIGTERM during any phase of a load stops it cleanly and promptly: the
// run is recorded as cancelled, the warehouse is as it was, no temporary
// folder is left.
func TestIngestStopsOnSIGTERMInEveryPhase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for _, phase := range []string{"scan", "read", "check", "load"} {
		t.Run(phase, func(t *testing.T) {
			t.Parallel()
			path, before := closedAfterFirstLoad(t)
			dossiers := strings.ReplaceAll(basicFile(t, "dossiers.csv"), "Martin", "Martin-Durand")
			dir := extraction(t, map[string]string{"dossiers.csv": dossiers})
			status, stderr := sigtermAt(t, path, dir, phase)
			if status != "STATUS "+warehouse.StatusCancelled {
				t.Errorf("after SIGTERM in phase %s: %q, want the run cancelled; stderr: %s", phase, status, stderr)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".w.duckdb.tmp-*")); len(left) != 0 {
				t.Errorf("temporary folders left: %v", left)
			}
			w := warehousetest.Reopen(t, path)
			if after := snapshot(t, w); after != before {
				t.Errorf("a load stopped in phase %s changed the warehouse", phase)
			}
			if n := count(t, w, `SELECT count(*) FROM runs WHERE status = 'cancelled'`); n != 1 {
				t.Errorf("%d cancelled runs recorded, want 1", n)
			}
		})
	}
}

// closedAfterFirstLoad is a warehouse file holding the basic extraction,
// closed (for a child process to open), and the snapshot of its tables.
func closedAfterFirstLoad(t *testing.T) (path, before string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path, before
}
