package transfers

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// BenchmarkRun500 runs 500 due requests (skipped unless VIGIE_BENCH_SCALE is
// set) on a region of 100,000 dossiers times the scale, 43 structures of 20
// counsellors: each request moves one counsellor's dossiers (half of them with
// a selection) to a colleague, plus partner and reference requests. Target at
// scale 1: under 5 s. Reports the run's time and the process's peak RSS.
func BenchmarkRun500(b *testing.B) {
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
		benchenv.ResetPeak()
		b.StartTimer()
		start, cpu := time.Now(), benchenv.CPU()
		res, err := Run(ctx, w, Options{At: at, RunID: 1})
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		b.StopTimer()
		cpu = benchenv.CPU() - cpu
		b.ReportMetric(cpu.Seconds(), "s-cpu")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak-rss")
		b.ReportMetric(d.Seconds(), "s-run")
		if res.Count(StatusExecuted) != 500 {
			b.Fatalf("%d executed, want 500", res.Count(StatusExecuted))
		}
		b.ReportMetric(float64(res.Lines()), "rows")
		if d > 5*time.Second {
			b.Errorf("a run of 500 requests took %v (%v of CPU), budget 5 s", d, cpu)
		}
		_ = w.Close()
		b.StartTimer()
	}
}
