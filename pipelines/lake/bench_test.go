package lake

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

// BenchmarkExport exports the demo region at VIGIE_BENCH_SCALE (make bench:
// 1, about 150,000 dossiers and 3.2 million rows) to the lake. Target at
// scale 1: under 30 s. Reports the wall and CPU time and the peak RSS.
func BenchmarkExport(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	region := benchregion.Build(b)
	w, err := warehouse.Open(ctx, region, sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ResetTimer()
	for range b.N {
		out := b.TempDir()
		m := benchenv.Start()
		ds, err := Export(ctx, w, Options{Out: out, Key: []byte("une-clé-de-banc-d-essai-de-32-octets")})
		if err != nil {
			b.Fatal(err)
		}
		d, cpu := m.Wall(), m.CPU()
		var rows int64
		files := 0
		for _, x := range ds {
			rows, files = rows+x.Rows, files+x.Files
		}
		b.ReportMetric(d.Seconds(), "s-export")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak")
		b.Logf("scale %g: %d rows in %d Parquet files in %s (CPU %s), peak %.0f MiB", scale, rows, files,
			d.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(benchenv.Peak())/(1<<20))
		if scale == 1 && d > 30*time.Second {
			b.Errorf("export took %v, budget 30 s", d)
		}
	}
}

// TestBenchRegion is the child process of BenchmarkExport that builds the
// region; it does nothing unless a benchmark started it.
func TestBenchRegion(t *testing.T) {
	benchregion.Child(t, benchAsOf)
}
