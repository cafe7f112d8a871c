package national

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the bare read_csv's own DuckDB

	"github.com/arml-na/vigie/pipelines/backup"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/lake"
	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Environment of the phases' child processes.
const (
	envPhase = "VIGIE_NATIONAL_PHASE"
	envDir   = "VIGIE_NATIONAL_DIR" // the benchmark's folder: extraction/, vigie.duckdb, outputs
)

// asOf is the day the region is generated as of; the transfers run two days
// later at 04:00, when every request is due.
var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// phases run in order, each in its own process.
var phases = []string{"read_csv", "ingest", "controls", "reports", "asp", "transfers", "backup", "export"}

// envPhases, when set, names the phases to run (comma-separated, among
// phases, kept in their order): a run that measures ingest and controls need
// not wait for the transfers and the export. A phase needs the ones before
// it that write the warehouse (ingest for all, controls for the reports).
const envPhases = "VIGIE_NATIONAL_PHASES"

// selectedPhases returns the phases envPhases names, or all of them.
func selectedPhases(b *testing.B) []string {
	list := os.Getenv(envPhases)
	if list == "" {
		return phases
	}
	want := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		want[strings.TrimSpace(p)] = true
	}
	var out []string
	for _, p := range phases {
		if want[p] {
			out = append(out, p)
			delete(want, p)
		}
	}
	if len(want) > 0 || len(out) == 0 {
		b.Fatalf("%s=%q: name phases among %s", envPhases, list, strings.Join(phases, ","))
	}
	return out
}

// result is what a phase measured, printed by the child as one JSON line.
type result struct {
	Phase   string
	Seconds float64
	CPU     float64
	PeakMiB float64
	What    string // what was done, for the log
}

// BenchmarkNational generates the demo extraction at VIGIE_BENCH_SCALE and
// runs it through DuckDB's bare read_csv (the floor of any CSV load), then
// ingest, controls, every report, the ASP lists, the transfers, a backup and
// an export, each in a fresh process. It runs only at scale 10 and above (a
// national extraction: about 1.5 million dossiers and 40 million rows) or
// when VIGIE_BENCH_NATIONAL is set; `make bench` at scale 1 skips it.
// Targets at scale 10: ingest within 1.5× the bare read_csv, controls under
// 20 s, peak under 3 GiB, every report under 3 minutes, ASP lists under 30 s.
// VIGIE_NATIONAL_PHASES limits the run to some phases.
func BenchmarkNational(b *testing.B) {
	scale := benchenv.Scale(b)
	if scale < 10 && os.Getenv("VIGIE_BENCH_NATIONAL") == "" {
		b.Skip("the national benchmark runs at VIGIE_BENCH_SCALE=10 (or with VIGIE_BENCH_NATIONAL=1)")
	}
	for range b.N {
		dir := b.TempDir()
		start := time.Now()
		st, err := demo.Generate(context.Background(), filepath.Join(dir, "extraction"), demo.Options{Scale: scale, Seed: 1, AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		var rows int
		for _, t := range st.Tables {
			rows += t.Rows
		}
		var csvBytes int64
		files, _ := filepath.Glob(filepath.Join(dir, "extraction", "*"))
		for _, f := range files {
			if fi, err := os.Stat(f); err == nil {
				csvBytes += fi.Size()
			}
		}
		b.Logf("scale %g: %d structures, %d dossiers, %d rows, %.2f GiB of files, generated in %s", scale, st.Structures, st.Dossiers, rows,
			float64(csvBytes)/(1<<30), time.Since(start).Round(time.Second))
		got := map[string]result{}
		for _, p := range selectedPhases(b) {
			r := runPhase(b, p, dir)
			got[p] = r
			b.ReportMetric(r.Seconds, "s-"+p)
			b.ReportMetric(r.PeakMiB, "MiB-peak-"+p)
			b.Logf("%-9s %7.1f s (CPU %7.1f s), peak %5.0f MiB: %s", p, r.Seconds, r.CPU, r.PeakMiB, r.What)
		}
		if fi, err := os.Stat(filepath.Join(dir, "vigie.duckdb")); err == nil {
			b.Logf("warehouse file: %.2f GiB", float64(fi.Size())/(1<<30))
		}
		bare, ing := got["read_csv"], got["ingest"]
		if bare.Seconds > 0 && ing.Seconds > 0 {
			ratio := ing.Seconds / bare.Seconds
			b.ReportMetric(ratio, "ingest/read_csv")
			b.Logf("ingest / bare read_csv: %.2f× (CPU %.2f×)", ratio, ing.CPU/bare.CPU)
		}
	}
}

func runPhase(b *testing.B, phase, dir string) result {
	b.Helper()
	return benchenv.Child[result](b, phase, "TestNationalPhase", envPhase+"="+phase, envDir+"="+dir)
}

// TestNationalPhase is a child process of BenchmarkNational: it runs one
// phase and prints what it measured; it does nothing otherwise.
func TestNationalPhase(t *testing.T) {
	phase := os.Getenv(envPhase)
	if phase == "" {
		t.Skip("child process of BenchmarkNational")
	}
	dir := os.Getenv(envDir)
	ctx := context.Background()
	ext := filepath.Join(dir, "extraction")
	path := filepath.Join(dir, "vigie.duckdb")
	var w *warehouse.Warehouse
	if phase != "read_csv" {
		var err error
		if w, err = warehouse.Open(ctx, path, sqlfiles.FS()); err != nil {
			t.Fatal(err)
		}
		defer w.Close()
	}
	m := benchenv.Start()
	what, err := run(ctx, t, phase, ext, dir, w)
	if err != nil {
		t.Fatal(err)
	}
	r := result{Phase: phase, Seconds: m.Wall().Seconds(), CPU: m.CPU().Seconds(),
		PeakMiB: float64(benchenv.Peak()) / (1 << 20), What: what}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("RESULT " + string(js))
}

// run runs one phase and says what it did.
func run(ctx context.Context, t *testing.T, phase, ext, dir string, w *warehouse.Warehouse) (string, error) {
	switch phase {
	case "read_csv":
		return bareReadCSV(ctx, ext, filepath.Join(dir, "bare.duckdb"))
	case "ingest":
		res, err := recorded.Ingest(t, ctx, w, ext, ingest.Options{})
		if err != nil {
			return "", err
		}
		kinds := map[string]time.Duration{}
		for _, s := range res.Timings {
			kind, _, _ := strings.Cut(s.Step, " ")
			kinds[kind] += s.Duration
		}
		return fmt.Sprintf("%d rows read, %d quarantined; read %.1f s, check %.1f s, load %.1f s", res.Read, res.Quarantined,
			kinds["read"].Seconds(), kinds["check"].Seconds(), kinds["load"].Seconds()), nil
	case "controls":
		res, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: asOf, SkipList: true})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d findings", res.Found()), nil
	case "reports":
		res, err := reporting.Run(ctx, w, reporting.Options{AsOf: asOf, Out: filepath.Join(dir, "rapports"), Progress: io.Discard})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d files", len(res.Files)), nil
	case "asp":
		res, err := reporting.WriteASPLists(ctx, w, reporting.Options{AsOf: asOf, Out: filepath.Join(dir, "asp"), Progress: io.Discard})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d files", len(res.Files)), nil
	case "transfers":
		at := time.Date(asOf.Year(), asOf.Month(), asOf.Day()+2, 4, 0, 0, 0, warehouse.Paris)
		res, err := recorded.Transfers(t, ctx, w, transfers.Options{At: at})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d executed, %d refused, %d rows changed", res.Count(transfers.StatusExecuted), res.Count(transfers.StatusRefused), res.Lines()), nil
	case "backup":
		c, err := backup.Take(ctx, w, backup.Options{Out: filepath.Join(dir, "sauvegardes"), Keep: 1, Now: time.Now()})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%.2f GiB copied and summed", float64(c.Bytes)/(1<<30)), nil
	case "export":
		ds, err := lake.Export(ctx, w, lake.Options{Out: filepath.Join(dir, "lac"), Key: []byte(strings.Repeat("k", 32))})
		if err != nil {
			return "", err
		}
		var rows int64
		files := 0
		for _, d := range ds {
			rows, files = rows+d.Rows, files+d.Files
		}
		return fmt.Sprintf("%d rows in %d Parquet files", rows, files), nil
	}
	return "", fmt.Errorf("unknown phase %q", phase)
}

// bareReadCSV loads every CSV file of ext into its own table with DuckDB's
// read_csv (types detected, bad rows skipped) in a plain DuckDB file: the
// floor any CSV load pays, measured in the same run as ingest.
func bareReadCSV(ctx context.Context, ext, path string) (string, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	files, err := filepath.Glob(filepath.Join(ext, "*.csv*"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no CSV file in %s: %v", ext, err)
	}
	var rows int64
	for _, f := range files {
		table := strings.SplitN(filepath.Base(f), ".", 2)[0]
		if _, err := db.ExecContext(ctx, "CREATE TABLE "+warehouse.MustIdent(table)+" AS SELECT * FROM read_csv(?, ignore_errors = true)", f); err != nil {
			return "", fmt.Errorf("%s: %w", f, err)
		}
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+warehouse.MustIdent(table)).Scan(&n); err != nil {
			return "", err
		}
		rows += n
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d rows", rows), nil
}
