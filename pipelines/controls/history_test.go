package controls

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
)

// TestHistory runs the controls four times, loading a small weekly extraction
// (testdata/controls/history) through the ingestion between runs,
// and checks nouveau / persistant / resolu with first-seen dates and run counts.
func TestHistory(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	ctx := context.Background()
	// load one week's extraction of testdata/controls/history
	load := func(week string) {
		t.Helper()
		res, err := ingested(t, ctx, w, filepath.Join("..", "..", "testdata", "controls", "history", week), ingest.Options{})
		if err != nil {
			t.Fatalf("ingest %s: %v", week, err)
		}
		if res.Quarantined != 0 {
			t.Fatalf("ingest %s: %d rows quarantined: %+v", week, res.Quarantined, res.Samples)
		}
	}

	var limitBefore, limitAfter string
	if err := w.DB.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limitBefore); err != nil {
		t.Fatal(err)
	}
	first := runAt(t, w, "2026-11-16")
	if err := w.DB.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limitAfter); err != nil || limitAfter != limitBefore {
		t.Errorf("memory limit %q after the run, %q before (%v)", limitAfter, limitBefore, err)
	}
	for _, f := range first.Findings {
		if f.Suivi != Nouveau || f.Runs != 1 || f.FirstSeen.Format("2006-01-02") != "2026-11-16" {
			t.Fatalf("first run: %s %s is %s/%d/%s", f.Rule, f.IDObjet, f.Suivi, f.Runs, f.FirstSeen)
		}
	}
	if len(first.Resolved) != 0 {
		t.Fatalf("first run resolved %d findings", len(first.Resolved))
	}

	// fix one finding, add another
	load("semaine2")
	second := runAt(t, w, "2026-11-23")
	f2 := index(second.Findings)
	if f := f2["SIE-01|SIE-01_out"]; f.Suivi != Nouveau || f.Runs != 1 {
		t.Errorf("new finding: %+v", f)
	}
	if f := f2["SIE-03|SIE-03_in"]; f.Suivi != Persistant || f.Runs != 2 || f.FirstSeen.Format("2006-01-02") != "2026-11-16" {
		t.Errorf("persistent finding: %+v", f)
	}
	if _, ok := f2["SIE-01|SIE-01_in"]; ok {
		t.Error("fixed finding still found")
	}
	resolved := index(second.Resolved)
	if f, ok := resolved["SIE-01|SIE-01_in"]; !ok || f.Suivi != Resolu || f.Runs != 1 {
		t.Errorf("resolved finding: %+v (found %v)", f, ok)
	}
	// a PCJ pair is identified with its pacea: another pacea on the same cej is new
	load("semaine3")

	// a run limited to ML-B compares with the previous run for ML-B only
	third, err := recorded(t, ctx, w, Options{AsOf: date("2026-11-30"), Structures: []string{"ML-B"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(third.Findings, third.Resolved...) {
		if f.CodeStructure != "ML-B" {
			t.Fatalf("run for ML-B reports %s %s of %s", f.Rule, f.IDObjet, f.CodeStructure)
		}
	}
	if f := index(third.Findings)["SIE-03|SIE-03_in"]; f.Runs != 3 || f.Suivi != Persistant {
		t.Errorf("third run: %+v", f)
	}

	// a full run: ML-A's previous run is the second one, ML-B's the third;
	// a dossier archived in between is neither found nor listed as resolved
	load("semaine4")
	if err := archiveDossier(ctx, w, "DOS-03_in_none", "deces", date("2026-12-01"), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	fourth := runAt(t, w, "2026-12-07")
	for _, f := range append(fourth.Findings, fourth.Resolved...) {
		if f.IDDossier == "DOS-03_in_none" {
			t.Errorf("archived dossier in %s %s (%s)", f.Rule, f.IDObjet, f.Suivi)
		}
	}
	f4 := index(fourth.Findings)
	if f := f4["SIE-03|SIE-03_in"]; f.Runs != 4 || f.FirstSeen.Format("2006-01-02") != "2026-11-16" {
		t.Errorf("ML-B finding on the fourth run: %+v", f)
	}
	if f := f4["DOS-05|DOS-05_in"]; f.Runs != 3 || f.Suivi != Persistant {
		t.Errorf("ML-A finding on the fourth run: %+v", f)
	}
	if _, ok := index(fourth.Resolved)["SIE-01|SIE-01_out"]; !ok {
		t.Error("SIE-01_out not resolved on the fourth run")
	}
	var pairs []Finding
	for _, f := range fourth.Findings {
		if f.Rule == "PCJ-02" && f.IDObjet == "PCJ-02_in_open" {
			pairs = append(pairs, f)
		}
	}
	if len(pairs) != 2 {
		t.Fatalf("PCJ-02 pairs on PCJ-02_in_open: %d, want 2", len(pairs))
	}
	for _, f := range pairs {
		want := map[string]string{"pcj3_pacea": Persistant, "pcj3_pacea_bis": Nouveau}[f.IDLie]
		if f.Suivi != want {
			t.Errorf("PCJ-02 pair with %s: %s, want %s", f.IDLie, f.Suivi, want)
		}
	}

	// an unknown structure is refused, and the refusal recorded
	if _, err := recorded(t, ctx, w, Options{AsOf: date("2026-12-07"), Structures: []string{"ML-B", "ML-ZZ"}}); err == nil || !strings.Contains(err.Error(), "ML-ZZ") {
		t.Errorf("unknown structure: %v", err)
	}
	var refused int
	if err := w.DB.QueryRow(`SELECT count(*) FROM runs WHERE command = 'controls' AND status = 'refused'`).Scan(&refused); err != nil || refused != 1 {
		t.Errorf("refused runs: %d, %v", refused, err)
	}

	// the run record and the indicators are stored with the run
	var status string
	var n int
	if err := w.DB.QueryRow(`SELECT status FROM runs WHERE id = ?`, fourth.RunID).Scan(&status); err != nil || status != "done" {
		t.Errorf("run status %q, %v", status, err)
	}
	if err := w.DB.QueryRow(`SELECT count(*) FROM indicator_siene WHERE run_id = ? AND niveau = 'structure'`, fourth.RunID).Scan(&n); err != nil || n < 3 {
		t.Errorf("indicator_siene rows: %d, %v", n, err)
	}
	var taux float64
	if err := w.DB.QueryRow(`SELECT taux_rattachement FROM indicator_siene WHERE run_id = ? AND niveau = 'structure' AND code_structure = 'ML-A'`, fourth.RunID).Scan(&taux); err != nil {
		t.Fatal(err)
	}
	var want float64
	if err := w.DB.QueryRow(`SELECT avg(CASE WHEN rattache_siene THEN 1 ELSE 0 END) FROM partenaires WHERE actif AND code_structure = 'ML-A'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if taux != want {
		t.Errorf("SIENE rate of ML-A %v, want %v", taux, want)
	}
}

// TestUpcomingAndAbsenceRate checks the appointment indicators' boundaries.
func TestUpcomingAndAbsenceRate(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	res := runAt(t, w, "2026-11-23")
	rows, err := w.DB.Query(`SELECT id_rdv FROM upcoming_rdv WHERE run_id = ? AND id_utilisateur = 'USR-01_in_dir_actif' ORDER BY id_rdv`, res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 2 || ids[0] != "up_d" || ids[1] != "up_d6" {
		t.Errorf("upcoming appointments %v, want [up_d up_d6]", ids)
	}
	var present, absent int64
	var taux float64
	if err := w.DB.QueryRow(`SELECT present, absent, taux_absence FROM indicator_rdv WHERE run_id = ? AND niveau = 'structure' AND code_structure = 'ML-A'`, res.RunID).Scan(&present, &absent, &taux); err != nil {
		t.Fatal(err)
	}
	if present+absent == 0 || taux != float64(absent)/float64(present+absent) {
		t.Errorf("absence rate %v for %d present, %d absent", taux, present, absent)
	}
}
