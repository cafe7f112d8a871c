package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestMain lets the test binary play the query process that vigie query
// starts (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if os.Getenv(envQueryEngine) != "" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// A query that crashes the engine does not take vigie down without a word:
// the query runs in a process of its own, and vigie says in French what
// happened, exit status 1.
func TestQueryEngineCrashIsReportedInFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	warehousetest.DanglingView(t, wh)
	code, out, errs := runVigie(t, "--warehouse", wh, "query", "SELECT count(*) AS n FROM runs")
	if code != 0 || !strings.Contains(out, "n") {
		t.Fatalf("control: a plain query through the query process: exit %d, %q, %s", code, out, errs)
	}
	code, _, errs = runVigie(t, "--warehouse", wh, "query", "SELECT * FROM xlsx_rows")
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(errs, "le moteur DuckDB s'est arrêté brutalement") {
		t.Errorf("no French message on standard error:\n%s", errs)
	}
	code, _, errs = runVigie(t, "--warehouse", wh, "query", "SELECT 1; SELECT 2")
	if code != exitFailed || strings.Count(errs, "vigie :") != 1 {
		t.Errorf("a refused query: exit %d, want one message:\n%s", code, errs)
	}
}
