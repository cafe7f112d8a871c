package reporting

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// BenchmarkReports writes every report of the 43 structures and the region
// from a synthetic region (testdata/reports/bench.sql) after two weekly
// controls runs. Skipped unless VIGIE_BENCH_SCALE is set (make bench: 1).
// The target at scale 1 is under 20 s on 2 cores.
func BenchmarkReports(b *testing.B) {
	s := os.Getenv("VIGIE_BENCH_SCALE")
	if s == "" {
		b.Skip("set VIGIE_BENCH_SCALE (e.g. 1) to run")
	}
	scale, err := strconv.ParseFloat(s, 64)
	if err != nil || scale <= 0 {
		b.Fatalf("VIGIE_BENCH_SCALE=%q: want a positive number", s)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"), sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "reports", "bench.sql"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `CREATE TABLE bench_params AS SELECT CAST(? AS DOUBLE) AS scale`, scale); err != nil {
		b.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, string(body)); err != nil {
		b.Fatalf("bench.sql: %v", err)
	}
	for _, d := range []string{"2026-11-09", "2026-11-16", "2026-11-23"} {
		if _, err := controls.Run(ctx, w, controls.Options{AsOf: day(d)}); err != nil {
			b.Fatalf("controls %s: %v", d, err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := b.TempDir()
		if d := os.Getenv("VIGIE_KEEP_REPORTS"); d != "" {
			out = d
		}
		start := time.Now()
		res, err := Run(ctx, w, Options{AsOf: day("2026-11-23"), Out: out})
		if err != nil {
			b.Fatal(err)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(res.Structures), "structures")
		b.ReportMetric(float64(len(res.Files)), "files")
		b.ReportMetric(float64(m.Sys)/(1<<20), "MiB-sys")
		b.Logf("scale %g: %d structures, %d files in %s", scale, res.Structures, len(res.Files), time.Since(start))
	}
}
