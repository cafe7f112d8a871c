// Package benchregion builds the demo region that benchmarks run on: the
// demo extraction at the benchmark's scale, generated and ingested into a
// warehouse file by a child process (the benchmark binary itself, running
// the package's TestBenchRegion), so that the memory this takes does not
// count in the benchmark's own peak.
package benchregion

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// env names the warehouse a child process builds; envShuffle the tables
// whose files it shuffles; envAnomalies the demo's anomaly factor.
const (
	env          = "VIGIE_BENCH_REGION"
	envShuffle   = "VIGIE_BENCH_SHUFFLE"
	envAnomalies = "VIGIE_BENCH_ANOMALIES"
)

// Build runs the calling package's TestBenchRegion in a child process,
// which calls Child, and returns the warehouse file it built under a
// temporary folder of b. The files of the tables named in shuffled have
// their rows in a random order (an extraction sorted by something else than
// structure) when they are ingested.
func Build(b *testing.B, shuffled ...string) string {
	b.Helper()
	return build(b, envShuffle+"="+strings.Join(shuffled, ","))
}

// BuildAnomalies is Build for a region generated with the demo's anomaly
// factor (demo.Options.AnomalyFactor): 2 gives twice the demo's anomalies.
func BuildAnomalies(b *testing.B, factor float64) string {
	b.Helper()
	return build(b, envAnomalies+"="+strconv.FormatFloat(factor, 'g', -1, 64))
}

// build runs the child with extra added to its environment.
func build(b *testing.B, extra ...string) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "region.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchRegion$", "-test.bench=^$")
	cmd.Env = append(append(os.Environ(), env+"="+path), extra...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build the region: %v\n%s", err, out)
	}
	return path
}

// Copy copies the warehouse file region (built by Build) to a new file
// under a temporary folder of tb and returns its path: a benchmark that
// changes the warehouse starts each run from the region as ingested.
func Copy(tb testing.TB, region string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "vigie.duckdb")
	in, err := os.Open(region)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
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
	factor := 0.0 // the demo's share
	if s := os.Getenv(envAnomalies); s != "" {
		if factor, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	dir := filepath.Join(filepath.Dir(path), "extraction")
	if _, err := demo.Generate(ctx, dir, demo.Options{Scale: scale, Seed: 1, AsOf: asOf, AnomalyFactor: factor}); err != nil {
		t.Fatal(err)
	}
	if list := os.Getenv(envShuffle); list != "" {
		for _, table := range strings.Split(list, ",") {
			if err := shuffle(dir, table); err != nil {
				t.Fatal(err)
			}
		}
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
	if err := w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		_, err := ingest.Run(ctx, w, dir, ingest.Options{RunID: id})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	return w
}

// shuffle rewrites the CSV file of table in dir (.csv or .csv.gz) with its
// records, after the header, in a random order of a fixed seed.
func shuffle(dir, table string) error {
	path := filepath.Join(dir, table+".csv")
	gz := false
	if _, err := os.Stat(path); err != nil {
		path, gz = path+".gz", true
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	cr := csv.NewReader(r)
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = ';', -1, true
	recs, err := cr.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	body := recs[1:]
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	var w io.Writer = out
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(out)
		w = zw
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.WriteAll(recs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return out.Close()
}
