package reporting

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Environment of the benchmark's child process: the warehouse it reports on
// and the folder it writes to.
const (
	benchWarehouseEnv = "VIGIE_BENCH_REPORT_WAREHOUSE"
	benchOutEnv       = "VIGIE_BENCH_REPORT_OUT"
)

// TestMain runs the benchmark's child process when benchWarehouseEnv is set:
// it opens the warehouse as `vigie report` does, writes every report and
// exits, so its peak memory is the report run's alone.
func TestMain(m *testing.M) {
	if path := os.Getenv(benchWarehouseEnv); path != "" {
		if err := benchChild(path, os.Getenv(benchOutEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func benchChild(path, out string) error {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		return err
	}
	defer w.Close()
	res, err := Run(ctx, w, Options{AsOf: day("2026-11-23"), Out: out})
	if err != nil {
		return err
	}
	// VmHWM, not the parent's getrusage: Linux carries the parent's peak
	// over an exec into the child's ru_maxrss.
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	var peak int64
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if peak, err = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err != nil {
				return fmt.Errorf("VmHWM %q: %w", rest, err)
			}
		}
	}
	fmt.Printf("%d %d %d\n", res.Structures, len(res.Files), peak)
	return nil
}

// BenchmarkReports writes every report of the 43 structures and the region
// from a synthetic region (testdata/reports/bench.sql: 90,000 dossiers and
// about 8,000 findings per structure at scale 1, heavier than the demo's
// region) after three weekly controls runs. The reports are written by a
// child process, as `vigie report` would: the benchmark reports its wall
// time, its CPU time (the machine is shared: wall time alone depends on the
// neighbours) and its peak resident memory (the child's VmHWM). Skipped
// unless VIGIE_BENCH_SCALE is set (make bench: 1). The target at scale 1 is
// under 20 s on 2 cores, peak memory under 1 GiB. VIGIE_KEEP_REPORTS=DIR
// keeps the files for a look.
func BenchmarkReports(b *testing.B) {
	scale := benchenv.Scale(b)
	path := filepath.Join(b.TempDir(), "w.duckdb")
	buildBenchRegion(b, path, scale)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := b.TempDir()
		if d := os.Getenv("VIGIE_KEEP_REPORTS"); d != "" {
			out = d
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), benchWarehouseEnv+"="+path, benchOutEnv+"="+out)
		start := time.Now()
		stdout, err := cmd.Output()
		elapsed := time.Since(start)
		if err != nil {
			b.Fatalf("report run: %v", err)
		}
		var structures, files, peakKB int64
		if _, err := fmt.Sscan(string(stdout), &structures, &files, &peakKB); err != nil {
			b.Fatalf("child said %q: %v", stdout, err)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			b.Fatal("no resource usage of the child process")
		}
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		peak := peakKB << 10
		b.ReportMetric(elapsed.Seconds(), "s-run")
		b.ReportMetric(cpu.Seconds(), "s-cpu")
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
		b.ReportMetric(float64(files), "files")
		b.Logf("scale %g: %d structures, %d files in %s (CPU %s), peak RSS %d MiB", scale, structures, files,
			elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), peak>>20)
	}
}

// buildBenchRegion writes the synthetic region into a new warehouse at path
// and runs the controls of three weeks, for the trend.
func buildBenchRegion(b testing.TB, path string, scale float64) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
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
		if _, err := recorded.Controls(b, ctx, w, controls.Options{AsOf: day(d)}); err != nil {
			b.Fatalf("controls %s: %v", d, err)
		}
	}
}
