package demo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
)

// BenchmarkGenerate writes the region at VIGIE_BENCH_SCALE (make bench: 1,
// about 150,000 dossiers) and reports the time, the rows and bytes written
// and the peak resident memory of the process. Target at scale 1: well under
// a minute, with a modest memory (the dossiers are streamed).
func BenchmarkGenerate(b *testing.B) {
	scale := benchenv.Scale(b)
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		benchenv.ResetPeak()
		start := time.Now()
		st, err := Generate(context.Background(), dir, Options{Scale: scale, Seed: 1, AsOf: testAsOf})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		var rows int
		var size int64
		var per []string
		for _, t := range st.Tables {
			per = append(per, t.Table+" "+strconv.Itoa(t.Rows))
			rows += t.Rows
			if fi, err := os.Stat(filepath.Join(dir, t.File)); err == nil {
				size += fi.Size()
			}
		}
		b.ReportMetric(elapsed.Seconds(), "s")
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(size)/(1<<20), "MiB-written")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak")
		b.Logf("scale %g: %d dossiers, %d rows, %.0f MiB in %d files, in %s, peak RSS %.0f MiB",
			scale, st.Dossiers, rows, float64(size)/(1<<20), len(st.Tables), elapsed.Round(time.Millisecond), float64(benchenv.Peak())/(1<<20))
		b.Logf("rows: %s", strings.Join(per, ", "))
	}
}
