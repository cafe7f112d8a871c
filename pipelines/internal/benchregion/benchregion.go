// Package benchregion builds the demo region that benchmarks run on: the
// demo extraction at the benchmark's scale, generated and ingested into a
// warehouse file by a child process (the benchmark binary itself, running
// the package's TestBenchRegion), so that the memory this takes does not
// count in the benchmark's own peak.
package benchregion

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// env names the warehouse a child process builds.
const env = "VIGIE_BENCH_REGION"

// Build runs the calling package's TestBenchRegion in a child process,
// which calls Child, and returns the warehouse file it built under a
// temporary folder of b.
func Build(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "region.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchRegion$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), env+"="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build the region: %v\n%s", err, out)
	}
	return path
}

// Child is the body of a TestBenchRegion: in the child process started by
// Build, it generates the demo extraction as of asOf at VIGIE_BENCH_SCALE,
// ingests it and returns the open warehouse (closed at the end of the test)
// for the caller to run more on; elsewhere it skips the test.
func Child(t *testing.T, asOf time.Time) *warehouse.Warehouse {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skip("child process of a benchmark")
	}
	scale, err := strconv.ParseFloat(os.Getenv("VIGIE_BENCH_SCALE"), 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := filepath.Join(filepath.Dir(path), "extraction")
	if _, err := demo.Generate(ctx, dir, demo.Options{Scale: scale, Seed: 1, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := ingest.Run(ctx, w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	return w
}
