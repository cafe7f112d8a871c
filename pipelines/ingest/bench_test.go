package ingest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Environment of the benchmark's child processes.
const (
	envBenchChild = "VIGIE_BENCH_INGEST_CHILD" // "read_csv" or "ingest"
	envBenchDir   = "VIGIE_BENCH_INGEST_DIR"   // the generated extraction
	envBenchDB    = "VIGIE_BENCH_INGEST_DB"    // the database file to create
)

// childResult is what a child process measured, printed as one JSON line.
type childResult struct {
	Seconds float64
	CPU     float64 // user + system seconds of the child
	PeakMiB float64
	Rows    int64
	Steps   []ingest.Timing
}

// BenchmarkIngest generates the demo extraction at VIGIE_BENCH_SCALE (make
// bench: 1, about 150,000 dossiers), then loads it twice, each in a fresh
// process so that each peak memory is its own: once with DuckDB's bare
// read_csv into tables (CREATE TABLE AS SELECT * FROM read_csv(file,
// ignore_errors = true): types auto-detected, the demo's few bad rows
// skipped; the floor any CSV load has to pay), once with ingest.Run. Target at scale 1:
// ingest no more than 2× read_csv, peak under 2 GiB.
func BenchmarkIngest(b *testing.B) {
	scale := benchenv.Scale(b)
	dir := b.TempDir()
	ext := filepath.Join(dir, "extraction")
	start := time.Now()
	st, err := demo.Generate(context.Background(), ext, demo.Options{Scale: scale, Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, warehouse.Paris)})
	if err != nil {
		b.Fatal(err)
	}
	var rows int
	for _, t := range st.Tables {
		rows += t.Rows
	}
	b.Logf("scale %g: %d dossiers, %d rows in %d files generated in %s", scale, st.Dossiers, rows, len(st.Tables), time.Since(start).Round(time.Millisecond))

	for i := 0; i < b.N; i++ {
		bare := runChild(b, "read_csv", ext, filepath.Join(dir, fmt.Sprintf("bare%d.duckdb", i)))
		ing := runChild(b, "ingest", ext, filepath.Join(dir, fmt.Sprintf("w%d.duckdb", i)))
		b.ReportMetric(bare.Seconds, "s-read_csv")
		b.ReportMetric(ing.Seconds, "s-ingest")
		b.ReportMetric(ing.Seconds/bare.Seconds, "ratio")
		b.ReportMetric(ing.CPU/bare.CPU, "cpu-ratio")
		b.ReportMetric(bare.PeakMiB, "MiB-peak-read_csv")
		b.ReportMetric(ing.PeakMiB, "MiB-peak-ingest")
		// Where ingest's time went: reading, checking (both per table) and the load.
		var steps []string
		kinds := map[string]time.Duration{}
		for _, t := range ing.Steps {
			kind, table, _ := strings.Cut(t.Step, " ")
			kinds[kind] += t.Duration
			if t.Duration > time.Second {
				steps = append(steps, fmt.Sprintf("%s %s %s", kind, table, t.Duration.Round(time.Millisecond)))
			}
		}
		for _, k := range []string{"read", "check", "load"} {
			b.ReportMetric(kinds[k].Seconds(), "s-"+k)
		}
		b.Logf("read_csv: %d rows in %.2f s (CPU %.2f s), peak %.0f MiB; ingest: %d rows in %.2f s (CPU %.2f s), %.2f× (CPU %.2f×), peak %.0f MiB",
			bare.Rows, bare.Seconds, bare.CPU, bare.PeakMiB, ing.Rows, ing.Seconds, ing.CPU, ing.Seconds/bare.Seconds, ing.CPU/bare.CPU, ing.PeakMiB)
		b.Logf("ingest: read %s, check %s, load %s; steps over 1 s: %s", kinds["read"].Round(time.Millisecond),
			kinds["check"].Round(time.Millisecond), kinds["load"].Round(time.Millisecond), strings.Join(steps, "; "))
	}
}

func runChild(b *testing.B, kind, ext, db string) childResult {
	b.Helper()
	return benchenv.Child[childResult](b, kind, "TestBenchIngestChild", envBenchChild+"="+kind, envBenchDir+"="+ext, envBenchDB+"="+db)
}

// TestBenchIngestChild is a child process of BenchmarkIngest; it does nothing
// unless VIGIE_BENCH_INGEST_CHILD is set.
func TestBenchIngestChild(t *testing.T) {
	kind := os.Getenv(envBenchChild)
	if kind == "" {
		t.Skip("child process of BenchmarkIngest")
	}
	ext, path := os.Getenv(envBenchDir), os.Getenv(envBenchDB)
	ctx := context.Background()
	var r childResult
	var m benchenv.Mark
	switch kind {
	case "read_csv":
		db, err := sql.Open("duckdb", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		files, err := filepath.Glob(filepath.Join(ext, "*.csv*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no CSV file in %s: %v", ext, err)
		}
		m = benchenv.Start()
		for _, f := range files {
			table := strings.SplitN(filepath.Base(f), ".", 2)[0]
			if _, err := db.ExecContext(ctx, "CREATE TABLE "+warehouse.MustIdent(table)+" AS SELECT * FROM read_csv(?, ignore_errors = true)", f); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var n int64
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+warehouse.MustIdent(table)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			r.Rows += n
		}
		if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			t.Fatal(err)
		}
		r.Seconds = m.Wall().Seconds()
	case "ingest":
		w, err := warehouse.Open(ctx, path, sqlfiles.FS())
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		m = benchenv.Start()
		var res *ingest.Result
		err = w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) (err error) {
			res, err = ingest.Run(ctx, w, ext, ingest.Options{RunID: id})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
			t.Fatal(err)
		}
		r.Seconds = m.Wall().Seconds()
		r.Rows = res.Read - res.Quarantined
		r.Steps = res.Timings
	default:
		t.Fatalf("%s=%q", envBenchChild, kind)
	}
	r.PeakMiB = float64(benchenv.Peak()) / (1 << 20)
	r.CPU = m.CPU().Seconds()
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RESULT %s\n", js)
}
