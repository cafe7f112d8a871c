package reporting

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	"github.com/arml-na/vigie/reports"
)

// trend sums a structure's report up: its reference date, its nouveaux and
// its résolus.
type trend struct {
	compared           string
	nouveaux, resolved int
}

func trendOf(t *testing.T, w *warehouse.Warehouse, asOf, period, code string) trend {
	t.Helper()
	list, err := listStructures(context.Background(), w, day(asOf), code)
	if err != nil || len(list) != 1 {
		t.Fatalf("structure %s: %v", code, err)
	}
	r, err := loadStructure(context.Background(), w, day(asOf), period, list[0])
	if err != nil {
		t.Fatal(err)
	}
	return summarize(r)
}

func summarize(r *reports.StructureReport) trend {
	tr := trend{resolved: len(r.Resolved)}
	if !r.ComparedAsOf.IsZero() {
		tr.compared = r.ComparedAsOf.Format(time.DateOnly)
	}
	for _, f := range r.Findings {
		if f.Suivi == controls.Nouveau {
			tr.nouveaux++
		}
	}
	return tr
}

// The weekly report's « nouveaux / résolus » compare with the weekly control
// of the week before, the monthly report's with the month before's: the
// daily and hand-made runs in between (several in the week) change neither.
func TestTrendComparesWithReferenceRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded.Ingest(t, ctx, w, filepath.Join("..", "..", "testdata", "reports", "extraction"), ingest.Options{MaxRejectRatio: 1e-9}); err != nil {
		t.Fatal(err)
	}
	run := func(d, ref string) {
		t.Helper()
		if _, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: day(d), Reference: ref}); err != nil {
			t.Fatalf("controls %s: %v", d, err)
		}
	}
	const code = "ML-16001"
	run("2026-11-01", controls.Monthly)
	run("2026-11-09", controls.Weekly)
	run("2026-11-16", controls.Weekly) // D16-002 has neither email nor phone (DOS-03), D16-001 has both
	// During the week D16-001 loses its email and phone, D16-002 gets an
	// email; daily and hand-made runs see it before the Monday control.
	if _, err := w.DB.ExecContext(ctx, `UPDATE dossiers SET email = NULL, telephone_mobile = NULL WHERE id_dossier = 'D16-001';
		UPDATE dossiers SET email = 'jeune@example.fr' WHERE id_dossier = 'D16-002'`); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-11-18", "2026-11-20", "2026-11-22"} {
		run(d, "")
	}
	run("2026-11-23", controls.Weekly)
	// Positive control: against the run just before (the 22nd), the
	// controls' own follow-up sees D16-001's DOS-03 as persistant and
	// nothing resolved; a comparison with the previous run would say so.
	var ownSuivi string
	var ownResolved int
	if err := w.DB.QueryRowContext(ctx, `SELECT suivi, (SELECT count(*) FROM findings_resolved WHERE run_id = f.run_id AND rule = 'DOS-03')
		FROM findings f WHERE run_id = (SELECT max(run_id) FROM control_runs) AND rule = 'DOS-03' AND id_objet = 'D16-001'`).Scan(&ownSuivi, &ownResolved); err != nil {
		t.Fatal(err)
	}
	if ownSuivi != controls.Persistant || ownResolved != 0 {
		t.Fatalf("the runs in between did not see the change (suivi %q, %d resolved): the check below would prove nothing", ownSuivi, ownResolved)
	}
	list, err := listStructures(ctx, w, day("2026-11-23"), code)
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	r, err := loadStructure(ctx, w, day("2026-11-23"), controls.Weekly, list[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ComparedAsOf.Format(time.DateOnly); got != "2026-11-16" {
		t.Fatalf("the weekly report compares with %s, want the Monday control of the week before, 2026-11-16", got)
	}
	suivi := map[string]string{}
	for _, f := range r.Findings {
		suivi[f.Rule+" "+f.IDObjet] = f.Suivi
	}
	if suivi["DOS-03 D16-001"] != controls.Nouveau {
		t.Errorf("D16-001's DOS-03 is %q in the weekly report, want nouveau since the Monday before", suivi["DOS-03 D16-001"])
	}
	resolved := false
	for _, f := range r.Resolved {
		resolved = resolved || (f.Rule == "DOS-03" && f.IDObjet == "D16-002")
	}
	if !resolved {
		t.Errorf("D16-002's DOS-03 is not resolved in the weekly report (resolved: %v)", r.Resolved)
	}
	weekly := summarize(r)
	// A monthly report compares with the month before's reference run, not
	// with the weekly ones.
	run("2026-12-01", controls.Monthly)
	monthly := trendOf(t, w, "2026-12-01", controls.Monthly, code)
	if monthly.compared != "2026-11-01" {
		t.Errorf("the monthly report compares with %q, want 2026-11-01", monthly.compared)
	}
	// The weekly report of the 1st compares with the Monday control on or
	// before the 24th: the 23rd.
	if w1 := trendOf(t, w, "2026-12-01", controls.Weekly, code); w1.compared != "2026-11-23" {
		t.Errorf("weekly report of 2026-12-01 compares with %q, want 2026-11-23", w1.compared)
	}
	// The figures are the difference between the two runs' findings.
	var want trend
	want.compared = "2026-11-16"
	if err := w.DB.QueryRowContext(ctx, `
WITH cur AS (SELECT * FROM findings WHERE run_id = (SELECT max(run_id) FROM control_runs WHERE as_of = '2026-11-23') AND code_structure = $1),
     ref AS (SELECT * FROM findings WHERE run_id = (SELECT run_id FROM control_runs WHERE as_of = '2026-11-16') AND code_structure = $1)
SELECT (SELECT count(*) FROM cur c WHERE NOT EXISTS (SELECT 1 FROM ref r WHERE r.rule = c.rule AND r.id_objet = c.id_objet AND r.id_lie IS NOT DISTINCT FROM c.id_lie)),
       (SELECT count(*) FROM ref r WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE r.rule = c.rule AND r.id_objet = c.id_objet AND r.id_lie IS NOT DISTINCT FROM c.id_lie))`,
		code).Scan(&want.nouveaux, &want.resolved); err != nil {
		t.Fatal(err)
	}
	if weekly != want {
		t.Errorf("weekly figures %+v, want %+v", weekly, want)
	}
	// The page says which run it compares with.
	out := t.TempDir()
	if _, err := Run(ctx, w, Options{AsOf: day("2026-11-23"), Out: out, Structure: code, Period: controls.Weekly}); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, filepath.Join(out, code, "2026-11-23", "tableau-de-bord-"+code+"-2026-11-23.pdf")); !containsAll(text, "comparés au contrôle de référence du 16/11/2026", "depuis le 16/11/2026") {
		t.Errorf("the dashboard does not say which reference run it compares with:\n%s", text)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(strings.Join(strings.Fields(s), " "), x) {
			return false
		}
	}
	return true
}
