package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestMain lets the test binary play the query process that vigie query
// starts (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if os.Getenv(envQueryEngine) != "" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// danglingView leaves in a warehouse what earlier versions left after an
// XLSX load: an Arrow view whose memory is gone. Reading it crashes the
// engine (SIGSEGV in C++).
func danglingView(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	b.Field(0).(*array.Int64Builder).Append(1)
	rec := b.NewRecordBatch()
	b.Release()
	reader, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(*duckdb.Conn))
		if err != nil {
			return err
		}
		release, err := ar.RegisterView(reader, "xlsx_rows")
		if err != nil {
			return err
		}
		release()
		return nil
	})
	reader.Release()
	rec.Release()
	if err != nil {
		t.Fatal(err)
	}
}

// A query that crashes the engine does not take vigie down without a word:
// the query runs in a process of its own, and vigie says in French what
// happened, exit status 1.
func TestQueryEngineCrashIsReportedInFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	danglingView(t, wh)
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
