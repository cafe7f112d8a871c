package controls

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/benchregion"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// benchAsOf is the as-of date of the benchmark's weekly run; the region is
// generated as of that day and the week before is run first.
var benchAsOf = date("2026-11-23")

// BenchmarkControls times every control on the demo region at scale
// VIGIE_BENCH_SCALE (make bench: 1, about 150,000 dossiers), as the Monday
// run does it: the previous week's run is already stored, so the history is
// compared too. It reports the wall and CPU time of the run and the peak
// resident memory of the process during it. Skipped unless
// VIGIE_BENCH_SCALE is set. Target at scale 1: under 5 s on 2 cores, peak
// under 1 GiB.
func BenchmarkControls(b *testing.B) {
	scale := benchenv.Scale(b)
	built := time.Now()
	// generate, ingest and run the previous week in a child process, so
	// that its memory does not count here
	path := benchregion.Build(b)
	b.Logf("scale %g: demo region generated, ingested and controlled for the week before in %s", scale, time.Since(built).Round(time.Millisecond))
	benchRun(b, scale, path)
}

// BenchmarkControlsAnomalies2x is BenchmarkControls on a region generated
// with twice the demo's anomalies (demo.Options.AnomalyFactor 2): more
// findings to store and to compare with the previous week's. Target at
// scale 1: under 5 s, as on the demo's region (issue 16).
func BenchmarkControlsAnomalies2x(b *testing.B) {
	scale := benchenv.Scale(b)
	built := time.Now()
	path := benchregion.BuildAnomalies(b, 2)
	b.Logf("scale %g: region with twice the demo's anomalies generated, ingested and controlled for the week before in %s", scale, time.Since(built).Round(time.Millisecond))
	benchRun(b, scale, path)
}

// benchRun opens the region at path (the previous week's run stored) and
// times the weekly run of every control b.N times.
func benchRun(b *testing.B, scale float64, path string) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := benchenv.RSS()
		m := benchenv.Start()
		res, err := recorded(b, ctx, w, Options{AsOf: benchAsOf, SkipList: true})
		if err != nil {
			b.Fatal(err)
		}
		elapsed, cpu := m.Wall(), m.CPU()
		peak := benchenv.Peak()
		n := map[string]int{}
		for _, c := range res.Counts {
			n[c.Suivi] += c.N
		}
		// what `vigie controls` adds: reading the list back
		b.StopTimer()
		listStart := time.Now()
		list, err := loadFindings(ctx, w.DB, qFindings, res.RunID)
		if err != nil {
			b.Fatal(err)
		}
		listed := time.Since(listStart)
		listPeak := benchenv.Peak()
		b.StartTimer()
		b.ReportMetric(float64(n[Nouveau]+n[Persistant]), "findings")
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
		b.ReportMetric(elapsed.Seconds(), "s-run")
		b.ReportMetric(cpu.Seconds(), "s-cpu")
		var steps []string
		for _, t := range res.Timings {
			steps = append(steps, t.Step+" "+t.Duration.Round(time.Millisecond).String())
		}
		b.Logf("scale %g: %d findings (%d nouveaux, %d persistants, %d résolus) in %s (CPU %s), RSS %d MiB before, peak %d MiB; %s",
			scale, n[Nouveau]+n[Persistant], n[Nouveau], n[Persistant], n[Resolu], elapsed.Round(time.Millisecond),
			cpu.Round(time.Millisecond), before>>20, peak>>20, strings.Join(steps, ", "))
		b.Logf("reading the %d findings back as the command does: %s more, peak RSS %d MiB",
			len(list), listed.Round(time.Millisecond), listPeak>>20)
	}
}

// TestBenchRegion is the child process of BenchmarkControls that builds the
// region and runs the week before; it does nothing unless a benchmark started it.
func TestBenchRegion(t *testing.T) {
	w := benchregion.Child(t, benchAsOf)
	if _, err := recorded(t, context.Background(), w, Options{AsOf: benchAsOf.AddDate(0, 0, -7), SkipList: true}); err != nil {
		t.Fatal(err)
	}
}
