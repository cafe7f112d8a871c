package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSubscriptions(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	add(t, s, "dir-a", Standard, "ML-A")
	add(t, s, "av-a", Avance, "ML-A")
	add(t, s, "expert", Expert, "")
	add(t, s, "valid", Valideur, "")
	add(t, s, "root", Admin, "")
	acc := func(login string) Account {
		a, err := s.Get(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	analysis := func(id int64) Analysis {
		a, err := s.Analysis(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	in := AnalysisInput{Titre: "Jeunes par site", SQL: "SELECT 1", Affichage: DisplayTable}
	personal, err := s.CreateAnalysis(ctx, "av-a", in, "test")
	if err != nil {
		t.Fatal(err)
	}
	shared, err := s.CreateAnalysis(ctx, "expert", in, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ProposeAnalysis(ctx, analysis(shared), "expert", "test"); err != nil {
		t.Fatal(err)
	}

	// A proposed analysis: the valideur may open it, not subscribe to it.
	if err := s.Subscribe(ctx, acc("valid"), analysis(shared), Weekly, "test"); !errors.Is(err, ErrNoAnalysis) {
		t.Fatalf("valideur subscribing to a proposed analysis: %v, want ErrNoAnalysis", err)
	}
	if err := s.DecideAnalysis(ctx, analysis(shared), 1, true, "", "valid", "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		login     string
		id        int64
		frequence string
		ok        bool
	}{
		{"av-a", personal, Daily, true},     // its own
		{"dir-a", personal, Weekly, false},  // another's personal analysis
		{"expert", personal, Weekly, false}, // idem, regional profile
		{"dir-a", shared, Weekly, true},     // the catalogue
		{"root", shared, Weekly, false},     // admin reads no data
		{"av-a", shared, "annuel", false},   // unknown frequency
		{"dir-a", shared, Monthly, true},    // changes the frequency
		{"dir-a", shared, Monthly, true},    // the same again: nothing
	} {
		err := s.Subscribe(ctx, acc(tc.login), analysis(tc.id), tc.frequence, "test")
		if (err == nil) != tc.ok {
			t.Errorf("%s subscribes to %d (%s): %v", tc.login, tc.id, tc.frequence, err)
		}
	}
	err = s.Subscribe(ctx, acc("av-a"), analysis(shared), "horaire", "test")
	if want := "fréquence « horaire » inconnue : « quotidien », « hebdomadaire » ou « mensuel »"; err == nil || err.Error() != want {
		t.Errorf("unknown frequency: %v, want %q", err, want)
	}
	all, err := s.Subscriptions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Login != "av-a" || all[0].Frequence != Daily || all[0].Analysis.ID != personal ||
		all[1].Login != "dir-a" || all[1].Frequence != Monthly || all[1].Analysis.Titre != "Jeunes par site" {
		t.Fatalf("subscriptions: %+v", all)
	}
	mine, err := s.Subscriptions(ctx, "dir-a")
	if err != nil || len(mine) != 1 {
		t.Fatalf("dir-a's subscriptions: %+v, %v", mine, err)
	}

	if err := s.Unsubscribe(ctx, "dir-a", analysis(shared), "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unsubscribe(ctx, "dir-a", analysis(shared), "test"); !errors.Is(err, ErrNoAnalysis) {
		t.Fatalf("second unsubscribe: %v", err)
	}
	// Deleting the analysis ends its subscriptions.
	if err := s.DeleteAnalysis(ctx, analysis(personal), "av-a", "test"); err != nil {
		t.Fatal(err)
	}
	if all, err := s.Subscriptions(ctx, ""); err != nil || len(all) != 0 {
		t.Fatalf("after deleting the analysis: %+v, %v", all, err)
	}
	entries, _, err := s.AuditLog(ctx, AuditFilter{Action: "abonnement_cree", Limit: 10})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit of new subscriptions: %+v, %v", entries, err)
	}
	entries, _, err = s.AuditLog(ctx, AuditFilter{Action: "abonnement_modifie", Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Login != "dir-a" || !strings.Contains(entries[0].Objet, "le 1er du mois") {
		t.Fatalf("audit of a new frequency: %+v, %v", entries, err)
	}
}
