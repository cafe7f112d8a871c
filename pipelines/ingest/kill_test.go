package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestMain lets the test binary play the ingesting process that a test kills.
func TestMain(m *testing.M) {
	if dir := os.Getenv("VIGIE_TEST_INGEST_CHILD"); dir != "" {
		os.Exit(childIngest(dir, os.Getenv("VIGIE_TEST_WAREHOUSE")))
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
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// A second extraction changes dossiers, programmes and events.
	dossiers := strings.ReplaceAll(basicFile(t, "dossiers.csv"), "Martin", "Martin-Durand")
	events := basicFile(t, "evenements.csv") + "E9,D1,2026-11-22,atelier,,,,\n"
	dir := extraction(t, map[string]string{"dossiers.csv": dossiers, "evenements.csv": events})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VIGIE_TEST_INGEST_CHILD="+dir, "VIGIE_TEST_WAREHOUSE="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "UPSERTED") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not reach the middle of its load: %q, %v; stderr: %s", line, err, stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = cmd.Wait()

	w, err = warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer w.Close()
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
