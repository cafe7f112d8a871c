package controls

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// BenchmarkControls times every control on a region at scale
// VIGIE_BENCH_SCALE (make bench: 1) and reports the peak resident memory of
// the process during the run. Skipped unless VIGIE_BENCH_SCALE is set.
// Target at scale 1: under 5 s on 2 cores, peak under 1 GiB.
func BenchmarkControls(b *testing.B) {
	s := os.Getenv("VIGIE_BENCH_SCALE")
	if s == "" {
		b.Skip("set VIGIE_BENCH_SCALE (e.g. 1) to run")
	}
	scale, err := strconv.ParseFloat(s, 64)
	if err != nil || scale <= 0 {
		b.Fatalf("VIGIE_BENCH_SCALE=%q: want a positive number", s)
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "w.duckdb")
	built := time.Now()
	// build in a child process, so that its memory does not count here
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchRegion$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), "VIGIE_BENCH_REGION="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build the region: %v\n%s", err, out)
	}
	b.Logf("scale %g: region built in %s", scale, time.Since(built).Round(time.Millisecond))

	// a fresh process opens an existing warehouse: reopen it
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := rss("VmRSS:")
		resetPeakRSS()
		start := time.Now()
		res, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), SkipList: true})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		peak := peakRSS()
		n := 0
		for _, c := range res.Counts {
			if c.Suivi != Resolu {
				n += c.N
			}
		}
		// what `vigie controls` adds: reading the list back
		b.StopTimer()
		listStart := time.Now()
		list, err := loadFindings(ctx, w.DB, qFindings, res.RunID)
		if err != nil {
			b.Fatal(err)
		}
		listed := time.Since(listStart)
		listPeak := peakRSS()
		b.StartTimer()
		b.ReportMetric(float64(n), "findings")
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
		b.ReportMetric(elapsed.Seconds(), "s-run")
		var steps []string
		for _, t := range res.Timings {
			steps = append(steps, t.Step+" "+t.Duration.Round(time.Millisecond).String())
		}
		b.Logf("scale %g: %d findings in %s, RSS %d MiB before, peak %d MiB; %s", scale, n,
			elapsed.Round(time.Millisecond), before>>20, peak>>20, strings.Join(steps, ", "))
		b.Logf("reading the %d findings back as the command does: %s more, peak RSS %d MiB",
			len(list), listed.Round(time.Millisecond), listPeak>>20)
	}
}

// TestBenchRegion is the child process of BenchmarkControls that builds the
// region; it does nothing unless VIGIE_BENCH_REGION names the warehouse.
func TestBenchRegion(t *testing.T) {
	path := os.Getenv("VIGIE_BENCH_REGION")
	if path == "" {
		t.Skip("child process of BenchmarkControls")
	}
	scale, err := strconv.ParseFloat(os.Getenv("VIGIE_BENCH_SCALE"), 64)
	if err != nil {
		t.Fatal(err)
	}
	buildRegion(t, path, scale)
}

// buildRegion writes a synthetic region into a new warehouse at path.
func buildRegion(b testing.TB, path string, scale float64) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "controls", "bench.sql"))
	if err != nil {
		b.Fatal(err)
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE bench_params AS SELECT CAST(? AS DOUBLE) AS scale`, scale); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, string(body)); err != nil {
		b.Fatalf("bench.sql: %v", err)
	}
}

// rss reads one memory line of /proc/self/status, in bytes (0 if absent).
func rss(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// resetPeakRSS resets the kernel's peak resident set size of this process
// (Linux: clear_refs 5), so that peakRSS measures from now on.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS returns the peak resident set size in bytes: VmHWM, or getrusage's
// maxrss (the whole life of the process) when /proc is not there.
func peakRSS() int64 {
	if n := rss("VmHWM:"); n > 0 {
		return n
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10
}
