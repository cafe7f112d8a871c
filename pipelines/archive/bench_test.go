package archive

import (
	"context"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// fillRegion writes n synthetic dossiers (scale 1: 100,000, the order of a
// region's young people), each with 2 programmes and 8 events, of which
// `old` are 31 or older with closed programmes: the only ones the plan
// archives, since every other dossier met someone in 2025-2026.
func fillRegion(b *testing.B, w *warehouse.Warehouse, n, old int) {
	b.Helper()
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, nom_naissance, date_naissance, nir, email,
			telephone_mobile, adresse_voie, code_postal, date_inscription, annee_naissance)
		 SELECT printf('D%07d', i), printf('ML-%05d', i % 43), 'm', 'Prenom' || i, 'Nom' || i, 'Naiss' || i,
			CASE WHEN i < ? THEN DATE '1990-01-01' + CAST(i % 1000 AS INTEGER) ELSE DATE '2003-01-01' + CAST(i % 2000 AS INTEGER) END,
			'1' || printf('%014d', i), 'jeune' || i || '@example.org', '06' || printf('%08d', i), i || ' rue de la Paix', '16000',
			DATE '2020-01-01' + CAST(i % 2000 AS INTEGER), 2000
		 FROM range(?) t(i)`, []any{old, n}},
		{`INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree)
		 SELECT printf('P%07d-%d', i, k), printf('D%07d', i), CASE k WHEN 0 THEN 'pacea' ELSE 'cej' END,
			CASE WHEN i < ? OR k = 0 THEN 'clos' ELSE CASE WHEN i % 3 = 0 THEN 'en_cours' ELSE 'clos' END END, DATE '2022-01-01'
		 FROM range(?) t(i), range(2) u(k)`, []any{old, n}},
		{`INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, commentaire)
		 SELECT printf('E%07d-%d', i, k), printf('D%07d', i), TIMESTAMP '2025-01-01 09:00' + to_days(CAST((i + k * 97) % 600 AS INTEGER)),
			CASE k % 3 WHEN 0 THEN 'atelier' WHEN 1 THEN 'telephone' ELSE 'entretien_individuel' END, 'commentaire ' || i
		 FROM range(?) t(i), range(8) u(k)`, []any{n}},
	} {
		if _, err := w.DB.Exec(st.q, st.args...); err != nil {
			b.Fatalf("fill: %v", err)
		}
	}
}

func BenchmarkPlanScale(b *testing.B) {
	scale := benchenv.Scale(b)
	w := openTest(b)
	n := int(100000 * scale)
	fillRegion(b, w, n, n/10)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		benchenv.ResetPeak()
		start := time.Now()
		plan, err := Plan(ctx, w, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-plan")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak-rss")
		if len(plan) != n {
			b.Fatalf("plan of %d dossiers, want %d", len(plan), n)
		}
		if d := time.Since(start); scale == 1 && d > 3*time.Second {
			b.Errorf("plan at scale 1 took %v, budget 3 s", d)
		}
	}
}

func BenchmarkApply10000(b *testing.B) {
	scale := benchenv.Scale(b)
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		w := openTest(b)
		dossiers := int(100000 * scale)
		want := min(dossiers, 10000) // below scale 0.1, every dossier is to archive
		fillRegion(b, w, dossiers, 10000)
		dir := b.TempDir()
		benchenv.ResetPeak()
		b.StartTimer()
		start := time.Now()
		res, err := Apply(ctx, w, Options{AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), BackupDir: dir, RunID: 1})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := Compact(ctx, w.Path, w.SQL); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		b.StopTimer()
		b.ReportMetric(d.Seconds(), "s-apply")
		b.ReportMetric(float64(benchenv.Peak())/(1<<20), "MiB-peak-rss")
		if len(res.Archived) != want {
			b.Fatalf("archived %d, want %d", len(res.Archived), want)
		}
		b.ReportMetric(float64(len(res.Archived)), "dossiers")
		if d > 15*time.Second {
			b.Errorf("apply of %d dossiers (backup and compaction included) took %v, budget 15 s", len(res.Archived), d)
		}
	}
}
