package backup

import (
	"context"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/benchregion"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

var benchAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// BenchmarkBackup backs up the demo region at VIGIE_BENCH_SCALE (make bench:
// 1, about 150,000 dossiers): open, checkpoint, copy, checksum. Target at
// scale 1: under 10 s. Reports the wall and CPU time and the peak RSS.
func BenchmarkBackup(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	region := benchregion.Build(b)
	b.ResetTimer()
	for range b.N {
		out := b.TempDir()
		m := benchenv.Start()
		w, err := warehouse.OpenWaiting(ctx, region, sqlfiles.FS(), time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		c, err := Take(ctx, w, Options{Out: out, Keep: 1, Now: time.Now()})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		d, cpu := m.Wall(), m.CPU()
		b.ReportMetric(d.Seconds(), "s-backup")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak")
		b.Logf("scale %g: %.0f MiB copied and summed in %s (CPU %s), peak %.0f MiB", scale, float64(c.Bytes)/(1<<20),
			d.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(benchenv.Peak())/(1<<20))
		if scale == 1 && d > 10*time.Second {
			b.Errorf("backup took %v, budget 10 s", d)
		}
	}
}

// TestBenchRegion is the child process of BenchmarkBackup that builds the
// region; it does nothing unless a benchmark started it.
func TestBenchRegion(t *testing.T) {
	benchregion.Child(t, benchAsOf)
}
