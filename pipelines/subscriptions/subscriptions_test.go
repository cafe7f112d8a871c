package subscriptions_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/ingest/ingesttest"
	"github.com/arml-na/vigie/pipelines/subscriptions"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func TestDue(t *testing.T) {
	t.Parallel()
	paris := func(d string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", d, warehouse.Paris)
		return v
	}
	monday, tuesday, first := paris("2026-11-30 07:30"), paris("2026-12-01 07:30"), paris("2026-12-01 07:30")
	for _, c := range []struct {
		f            string
		at           time.Time
		sent, missed bool // the period's earlier runs
		want         bool
	}{
		{accounts.Daily, monday, true, false, true},
		{accounts.Weekly, monday, false, false, true},
		{accounts.Weekly, tuesday, true, false, false},  // Monday's run sent it
		{accounts.Weekly, tuesday, false, false, false}, // no run this week before: not a Monday
		{accounts.Weekly, tuesday, false, true, true},   // Monday missed: made up once
		{accounts.Weekly, tuesday, true, true, false},   // … and not again
		{accounts.Monthly, first, false, false, true},
		{accounts.Monthly, monday, false, false, false},
		{accounts.Monthly, paris("2026-12-02 07:30"), false, true, true},
		{accounts.Monthly, paris("2026-12-02 07:30"), true, true, false},
		// Monday 00:30 in Paris is still Sunday in UTC: Paris decides.
		{accounts.Weekly, time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), false, false, true},
		{"annuel", first, false, true, false},
	} {
		var asked []string
		got := subscriptions.Due(c.f, c.at, func(since time.Time) (bool, bool) {
			asked = append(asked, since.In(warehouse.Paris).Format("2006-01-02 15:04"))
			return c.sent, c.missed
		})
		if got != c.want {
			t.Errorf("Due(%s, %s, sent %v, missed %v) = %v", c.f, c.at, c.sent, c.missed, got)
		}
		// The period asked about starts on its Monday (1st) at midnight.
		if c.at.Month() != time.December {
			continue
		}
		if c.f == accounts.Weekly && len(asked) == 1 && asked[0] != "2026-11-30 00:00" || c.f == accounts.Monthly && len(asked) == 1 && asked[0] != "2026-12-01 00:00" {
			t.Errorf("Due(%s, %s) asked about the period from %v", c.f, c.at, asked)
		}
	}
}

// What a subscriber is told when an analysis is due but not sent, and that
// a warehouse without a console sends nothing and creates no console.
func TestWithheldSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ext := ingesttest.Extraction(t, filepath.Join("..", "..", "testdata", "ingest", "basic"), nil)
	if err := w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		_, err := ingest.Run(ctx, w, ext, ingest.Options{RunID: id})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 11, 23, 7, 30, 0, 0, warehouse.Paris)
	// The copy the analyses run on: seen while they run, gone after.
	var copies []string
	query := func(ctx context.Context, path, structure, sqlText string) (*warehouse.Table, error) {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the analysis runs on %s: %v", path, err)
		}
		copies = append(copies, path)
		return data.QueryFile(ctx, path, structure, sqlText)
	}
	o := subscriptions.Options{For: monday, Out: filepath.Join(dir, "out"), Query: query}

	// No console beside the warehouse: nothing to send, nothing created.
	res, err := subscriptions.Run(ctx, w, o)
	if err != nil || len(res.BySubscriber) != 0 {
		t.Fatalf("without a console: %+v, %v", res, err)
	}
	if _, err := os.Stat(warehouse.ConsoleDir(w.Path)); !os.IsNotExist(err) {
		t.Fatalf("the run created the console's folder: %v", err)
	}

	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := monday.Add(-100 * 24 * time.Hour)
	store.Now = func() time.Time { return now }
	known := func(c string) bool { return c == "ML-16001" }
	for _, l := range []string{"old", "av"} {
		if err := store.Add(ctx, accounts.NewAccount{Login: l, Profil: accounts.Avance, CodeStructure: "ML-16001", Password: "un-mot-de-passe-solide"}, known, "test", "cli"); err != nil {
			t.Fatal(err)
		}
	}
	now = monday.Add(-24 * time.Hour) // av's password is changed, old's has expired by Monday
	if err := store.SetPassword(ctx, "av", "un-autre-mot-de-passe", "av", "test"); err != nil {
		t.Fatal(err)
	}
	analysis := func(owner, sqlText string) accounts.Analysis {
		id, err := store.CreateAnalysis(ctx, owner, accounts.AnalysisInput{Titre: "A " + sqlText, SQL: sqlText, Affichage: accounts.DisplayBars}, "test")
		if err != nil {
			t.Fatal(err)
		}
		a, _ := store.Analysis(ctx, id)
		return a
	}
	acc := func(l string) accounts.Account { a, _ := store.Get(ctx, l); return a }
	good := analysis("av", "SELECT code_structure, count(*) AS n FROM dossiers GROUP BY 1")
	broken := analysis("av", "SELECT nope FROM dossiers")
	mine := analysis("old", "SELECT 1 AS x")
	for _, s := range []struct {
		login string
		a     accounts.Analysis
	}{{"av", good}, {"av", broken}, {"old", mine}} {
		if err := store.Subscribe(ctx, acc(s.login), s.a, accounts.Weekly, "test"); err != nil {
			t.Fatal(err)
		}
	}
	// A catalogue analysis its author took back and retitled: the
	// subscriber is told it is no longer shared, by its number, never by
	// the author's new title.
	for _, l := range []string{"exp", "val"} {
		p := map[string]string{"exp": accounts.Expert, "val": accounts.Valideur}[l]
		if err := store.Add(ctx, accounts.NewAccount{Login: l, Profil: p, Password: "un-mot-de-passe-solide"}, known, "test", "cli"); err != nil {
			t.Fatal(err)
		}
	}
	shared := analysis("exp", "SELECT 2 AS y")
	if err := store.ProposeAnalysis(ctx, shared, "exp", "test"); err != nil {
		t.Fatal(err)
	}
	if err := store.DecideAnalysis(ctx, shared, shared.Version, true, "", "val", "test"); err != nil {
		t.Fatal(err)
	}
	shared, _ = store.Analysis(ctx, shared.ID)
	if err := store.Subscribe(ctx, acc("av"), shared, accounts.Weekly, "test"); err != nil {
		t.Fatal(err)
	}
	if err := store.UpdateAnalysis(ctx, shared.ID, "exp", accounts.AnalysisInput{Titre: "Brouillon secret", SQL: "SELECT 3", Affichage: accounts.DisplayTable}, "test"); err != nil {
		t.Fatal(err)
	}

	res, err = subscriptions.Run(ctx, w, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || res.Withheld != 3 || len(res.BySubscriber["av"]) != 2 || len(res.BySubscriber["old"]) != 1 {
		t.Fatalf("result: %+v", res)
	}
	body := func(login string) string {
		files := res.BySubscriber[login]
		b, err := os.ReadFile(files[len(files)-1])
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if b := body("av"); !strings.Contains(b, "Voici les analyses auxquelles") || !strings.Contains(b, "« A SELECT code_structure, count(*) AS n FROM dossiers GROUP BY 1 » (chaque lundi) : 1\u00a0ligne (analyse-") ||
		!strings.Contains(b, "non envoyée, la requête a échoué ; ouvrez l'analyse dans la console pour voir pourquoi.") || strings.Contains(b, "« nope »") {
		t.Errorf("av's email:\n%s", b)
	}
	if b := body("av"); strings.Contains(b, "Brouillon secret") || !strings.Contains(b, fmt.Sprintf("« Analyse n° %d » (chaque lundi) : non envoyée, l'analyse n'est plus partagée avec vous", shared.ID)) {
		t.Errorf("av's email on the analysis taken back:\n%s", b)
	}
	if b := body("old"); !strings.Contains(b, "L'analyse à laquelle vous êtes abonné·e dans la console vigie ne vous est pas envoyée aujourd'hui") ||
		!strings.Contains(b, "non envoyée, votre mot de passe a expiré") || strings.Contains(b, "données personnelles") {
		t.Errorf("old's email:\n%s", b)
	}
	for _, f := range res.BySubscriber["av"] {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v (0600 expected: it holds personal data)", f, fi.Mode(), err)
		}
	}
	// The copy holds every identity: in the warehouse's private temporary
	// folder (which the next opening removes after a killed run), and gone.
	if len(copies) == 0 {
		t.Fatal("no analysis ran")
	}
	for _, c := range copies {
		if !strings.HasPrefix(filepath.Base(filepath.Dir(c)), ".w.duckdb.tmp-abonnements-") {
			t.Errorf("the copy of the warehouse is at %s, not in a private temporary folder", c)
		}
		if _, err := os.Stat(c); !os.IsNotExist(err) {
			t.Errorf("the copy of the warehouse was left behind: %s (%v)", c, err)
		}
	}
}

// An analysis is not started when the run's deadline is too near: the
// subscriber is told, and the run ends in time with what it computed.
func TestSubscriptionsNearTheDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Add(ctx, accounts.NewAccount{Login: "ana", Profil: accounts.Analyste, Password: "un-mot-de-passe-solide"}, nil, "test", "cli"); err != nil {
		t.Fatal(err)
	}
	// The store lets a test give an analyste an analysis of its own (the
	// console does not): what matters here is the run.
	id, err := store.CreateAnalysis(ctx, "ana", accounts.AnalysisInput{Titre: "Un", SQL: "SELECT 1", Affichage: accounts.DisplayTable}, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := store.Analysis(ctx, id)
	acc, _ := store.Get(ctx, "ana")
	if err := store.Subscribe(ctx, acc, a, accounts.Daily, "test"); err != nil {
		t.Fatal(err)
	}
	o := subscriptions.Options{For: time.Date(2026, 11, 23, 7, 30, 0, 0, warehouse.Paris), Out: filepath.Join(dir, "out"), Query: data.QueryFile}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := subscriptions.Run(dctx, w, o)
	if err != nil {
		t.Fatal(err)
	}
	files := res.BySubscriber["ana"]
	if res.Sent != 0 || len(files) != 1 {
		t.Fatalf("result near the deadline: %+v", res)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "non envoyée, le temps de la tâche était écoulé") {
		t.Errorf("email:\n%s", b)
	}
}
