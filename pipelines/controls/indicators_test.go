package controls

import (
	"context"
	"testing"
	"time"
)

// TestIndicators checks the indicators stored with a run: appointments by
// statut and absence rate per structure and counsellor over an explicit
// period (local dates, archived dossiers counted), the default period, and
// the SIENE attachment rate per structure and counsellor.
func TestIndicators(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	ctx := context.Background()
	res, err := recorded(t, ctx, w, Options{AsOf: date("2026-11-23"), From: date("2026-11-01"), To: date("2026-11-05")})
	if err != nil {
		t.Fatal(err)
	}
	type rdv struct {
		prevu, present, absent, total int64
		taux                          float64
	}
	read := func(niveau, structure string, user any) rdv {
		t.Helper()
		var r rdv
		if err := w.DB.QueryRow(`SELECT prevu, present, absent, total, taux_absence FROM indicator_rdv
WHERE run_id = ? AND niveau = ? AND code_structure = ? AND id_utilisateur IS NOT DISTINCT FROM ?`,
			res.RunID, niveau, structure, user).Scan(&r.prevu, &r.present, &r.absent, &r.total, &r.taux); err != nil {
			t.Fatalf("indicator_rdv %s %s %s: %v", niveau, structure, user, err)
		}
		return r
	}
	// 1 to 5 November: u_ref has 2 present, 6 absent (3 of them the archived
	// dossier's) and 1 prevu (the archived dossier's)
	want := rdv{prevu: 1, present: 2, absent: 6, total: 9, taux: 0.75}
	if got := read("conseiller", "ML-A", "u_ref"); got != want {
		t.Errorf("u_ref over 1-5 November: %+v, want %+v", got, want)
	}
	if got := read("structure", "ML-A", nil); got != want {
		t.Errorf("ML-A over 1-5 November: %+v, want %+v", got, want)
	}
	var from, to time.Time
	if err := w.DB.QueryRow(`SELECT date_debut, date_fin FROM control_runs WHERE run_id = ?`, res.RunID).Scan(&from, &to); err != nil ||
		!from.Equal(date("2026-11-01")) || !to.Equal(date("2026-11-05")) {
		t.Errorf("period recorded %s .. %s (%v)", from, to, err)
	}

	// default period: the 28 days before D, 26 October .. 22 November; the
	// appointment of Sunday 22 November 23:30 is in, Monday 00:10 is not
	res2 := runAt(t, w, "2026-11-23")
	if err := w.DB.QueryRow(`SELECT date_debut, date_fin FROM control_runs WHERE run_id = ?`, res2.RunID).Scan(&from, &to); err != nil ||
		!from.Equal(date("2026-10-26")) || !to.Equal(date("2026-11-22")) {
		t.Errorf("default period %s .. %s (%v)", from, to, err)
	}
	var prevu int64
	if err := w.DB.QueryRow(`SELECT prevu FROM indicator_rdv WHERE run_id = ? AND niveau = 'conseiller' AND id_utilisateur = 'u_ref'`, res2.RunID).Scan(&prevu); err != nil || prevu != 2 {
		t.Errorf("u_ref prevu over the default period: %d (%v), want 2 (22 November 23:30 and the archived dossier's)", prevu, err)
	}

	type siene struct {
		partenaires, rattaches int64
		taux                   float64
	}
	readS := func(niveau string, user any) siene {
		t.Helper()
		var s siene
		if err := w.DB.QueryRow(`SELECT partenaires, rattaches, taux_rattachement FROM indicator_siene
WHERE run_id = ? AND niveau = ? AND code_structure = 'ML-A' AND id_utilisateur IS NOT DISTINCT FROM ?`,
			res.RunID, niveau, user).Scan(&s.partenaires, &s.rattaches, &s.taux); err != nil {
			t.Fatalf("indicator_siene %s %s: %v", niveau, user, err)
		}
		return s
	}
	// ML-A: 6 active partners, 5 attached; u_ref refers 5 of them (4 attached)
	if got := readS("structure", nil); got != (siene{6, 5, 5.0 / 6}) {
		t.Errorf("SIENE rate of ML-A: %+v", got)
	}
	if got := readS("conseiller", "u_ref"); got != (siene{5, 4, 0.8}) {
		t.Errorf("SIENE rate of u_ref: %+v", got)
	}
	if got := readS("conseiller", "USR-04_in_partenaire"); got != (siene{1, 1, 1}) {
		t.Errorf("SIENE rate of USR-04_in_partenaire: %+v", got)
	}
}
