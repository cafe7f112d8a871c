package transfers

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/benchregion"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// benchAsOf is the day the benchmark's demo region is generated as of; its
// transfer requests are dated up to that day, so all of them are due at
// 04:00 two days later.
var benchAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// BenchmarkRun500 runs the transfer requests of the demo region at scale
// VIGIE_BENCH_SCALE (make bench: 1, about 150,000 dossiers and 500 requests
// of every kind, refusals included) as the nightly batch does, every one due.
// Skipped unless VIGIE_BENCH_SCALE is set. Target at scale 1: under 5 s.
// Reports the run's wall and CPU time and the process's peak RSS.
func BenchmarkRun500(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	built := time.Now()
	region := benchregion.Build(b)
	b.Logf("scale %g: demo region generated and ingested in %s", scale, time.Since(built).Round(time.Millisecond))
	b.ResetTimer()
	at := time.Date(benchAsOf.Year(), benchAsOf.Month(), benchAsOf.Day()+2, 4, 0, 0, 0, warehouse.Paris)
	for range b.N {
		b.StopTimer()
		// each run starts from the region as ingested
		path := filepath.Join(b.TempDir(), "vigie.duckdb")
		copyFile(b, region, path)
		w, err := warehouse.Open(ctx, path, sqlfiles.FS())
		if err != nil {
			b.Fatal(err)
		}
		var requests int
		if err := w.DB.QueryRowContext(ctx, `SELECT count(*) FROM transferts`).Scan(&requests); err != nil {
			b.Fatal(err)
		}
		res, d, cpu := measure(b, w, at)
		executed, refused := res.Count(StatusExecuted), res.Count(StatusRefused)
		if executed+refused != requests || executed < requests*3/4 {
			b.Fatalf("%d requests: %d executed and %d refused, want all of them final and most executed", requests, executed, refused)
		}
		b.Logf("%d requests (%d executed, %d refused, %d rows changed) in %s (CPU %s)",
			requests, executed, refused, res.Lines(), d.Round(time.Millisecond), cpu.Round(time.Millisecond))
		if scale == 1 && d > 5*time.Second {
			b.Errorf("a run of %d requests took %v (%v of CPU), budget 5 s", requests, d, cpu)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkRun500Scattered runs 500 due requests on a synthetic region of
// 100,000 dossiers times VIGIE_BENCH_SCALE whose rows are laid out in the
// worst order for a transfer: dossier i belongs to structure i % 43, so the
// rows of any one counsellor are spread over the whole table and each request
// changes a few rows in each of dozens of storage vectors (an extraction
// comes grouped by structure, the demo region's layout above). Each request
// moves one counsellor's dossiers (a fifth of them with a selection) to a
// colleague, plus partner and reference requests. Measured for the README, no
// budget: it shows what the layout costs.
func BenchmarkRun500Scattered(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	n := int(100000 * scale)
	for range b.N {
		b.StopTimer()
		w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "vigie.duckdb"), sqlfiles.FS())
		if err != nil {
			b.Fatal(err)
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, fonctions, etat)
			  SELECT printf('U%02d-%02d', s, u), 'u', printf('ML-%05d', s), 'A', 'B', ['conseiller_referent'], 'actif'
			  FROM range(43) a(s), range(20) c(u)`, nil},
			{`INSERT INTO dossiers (id_dossier, code_structure, civilite, date_inscription, id_conseiller_referent)
			  SELECT printf('D%07d', i), printf('ML-%05d', i % 43), 'm', DATE '2025-01-01', printf('U%02d-%02d', i % 43, (i // 43) % 20)
			  FROM range(?) t(i)`, []any{n}},
			{`INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, contexte)
			  SELECT printf('E%07d-%d', i, k), printf('D%07d', i), TIMESTAMP '2026-01-01 10:00', 'atelier', 'ctx' || (i % 7)
			  FROM range(?) t(i), range(5) u(k)`, []any{n}},
			{`INSERT INTO partenaires (id_partenaire, code_structure, raison_sociale, rattache_siene, id_conseiller_referent)
			  SELECT printf('P%06d', i), printf('ML-%05d', i % 43), 'p', true, printf('U%02d-%02d', i % 43, (i // 43) % 20)
			  FROM range(5000) t(i)`, nil},
			// 500 requests dated 2026-11-22: referent moves (some with a selection), partners, references.
			{`INSERT INTO transferts (id_transfert, code_structure, type_transfert, table_reference, source, destination, selection, date_demande)
			  SELECT printf('T%04d', r), printf('ML-%05d', r % 43),
			         CASE WHEN r % 5 = 3 THEN 'referent_partenaire' WHEN r % 5 = 4 THEN 'reference' ELSE 'conseiller_referent' END,
			         CASE WHEN r % 5 = 4 THEN 'evenements.contexte' END,
			         CASE WHEN r % 5 = 4 THEN 'ctx' || (r % 7) ELSE printf('U%02d-%02d', r % 43, (r // 43) % 20) END,
			         CASE WHEN r % 5 = 4 THEN 'ctx-new' || (r % 7) ELSE printf('U%02d-%02d', r % 43, ((r // 43) + 1) % 20) END,
			         CASE WHEN r % 5 = 1 THEN [printf('D%07d', r), printf('D%07d', r + 43), printf('D%07d', r + 86)] END,
			         TIMESTAMP '2026-11-22 08:00' + to_seconds(r)
			  FROM range(500) t(r)`, nil},
		} {
			if _, err := w.DB.ExecContext(ctx, st.q, st.args...); err != nil {
				b.Fatalf("fill: %v", err)
			}
		}
		at := time.Date(2026, 11, 23, 4, 0, 0, 0, warehouse.Paris)
		res, _, _ := measure(b, w, at)
		if res.Count(StatusExecuted) != 500 {
			b.Fatalf("%d executed, want 500", res.Count(StatusExecuted))
		}
		_ = w.Close()
		b.StartTimer()
	}
}

// TestBenchRegion is the child process of BenchmarkRun500 that builds the
// region; it does nothing unless a benchmark started it.
func TestBenchRegion(t *testing.T) {
	benchregion.Child(t, benchAsOf)
}

// measure times a transfer run of w at the instant at (the benchmark's timer
// stopped before and after) and reports its figures: wall and CPU time, the
// process's peak RSS, the rows changed.
func measure(b *testing.B, w *warehouse.Warehouse, at time.Time) (*Result, time.Duration, time.Duration) {
	b.Helper()
	benchenv.ResetPeak()
	b.StartTimer()
	start, cpu := time.Now(), benchenv.CPU()
	res, err := Run(context.Background(), w, Options{At: at, RunID: 1})
	if err != nil {
		b.Fatal(err)
	}
	d := time.Since(start)
	b.StopTimer()
	cpu = benchenv.CPU() - cpu
	b.ReportMetric(d.Seconds(), "s-run")
	b.ReportMetric(cpu.Seconds(), "s-cpu")
	b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak-rss")
	b.ReportMetric(float64(res.Lines()), "rows")
	return res, d, cpu
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}
