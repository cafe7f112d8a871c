package subscriptions_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/internal/benchenv"
	"github.com/arml-na/vigie/pipelines/internal/benchregion"
	"github.com/arml-na/vigie/pipelines/subscriptions"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

var benchMonday = time.Date(2026, 11, 23, 7, 30, 0, 0, warehouse.Paris)

// BenchmarkSubscriptions times the Monday sending of the subscriptions on
// the demo region at scale VIGIE_BENCH_SCALE: every structure's director
// subscribed to two catalogue analyses (its dossiers by site, and the list
// of its young people followed, nominative), and one analyst to both over
// the region. Each analysis runs in its own child process over the
// subscriber's scope, as in production. It reports the run's wall and CPU
// time and the time per subscriber.
func BenchmarkSubscriptions(b *testing.B) {
	benchenv.Scale(b)
	region := benchregion.Build(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, err := warehouse.Open(ctx, benchregion.Copy(b, region), sqlfiles.FS())
		if err != nil {
			b.Fatal(err)
		}
		n := benchSubscribers(b, ctx, w)
		o := subscriptions.Options{For: benchMonday, Out: filepath.Join(b.TempDir(), "out"), Query: data.QueryFile}
		b.StartTimer()
		m := benchenv.Start()
		res, err := subscriptions.Run(ctx, w, o)
		if err != nil {
			b.Fatal(err)
		}
		wall, cpu := m.Wall(), m.CPU()
		b.StopTimer()
		if res.Sent != 2*n || res.Withheld != 0 {
			b.Fatalf("sent %d, withheld %d, want %d sent", res.Sent, res.Withheld, 2*n)
		}
		b.ReportMetric(wall.Seconds(), "s-run")
		b.ReportMetric(cpu.Seconds(), "s-cpu")
		b.ReportMetric(wall.Seconds()/float64(n), "s-per-subscriber")
		b.Logf("%d subscribers, %d workbooks in %s (CPU %s)", n, res.Sent, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// benchSubscribers creates the console's accounts and subscriptions of
// BenchmarkSubscriptions and returns how many subscribers there are.
func benchSubscribers(b *testing.B, ctx context.Context, w *warehouse.Warehouse) int {
	b.Helper()
	store, err := accounts.Open(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), sqlfiles.FS())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	rows, err := w.DB.QueryContext(ctx, `SELECT code_structure FROM structures ORDER BY 1`)
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	known := func(string) bool { return true }
	const pw = "un-mot-de-passe-solide"
	for _, l := range []struct{ login, profil string }{{"exp", accounts.Expert}, {"val", accounts.Valideur}, {"ana", accounts.Analyste}} {
		if err := store.Add(ctx, accounts.NewAccount{Login: l.login, Profil: l.profil, Password: pw}, known, "bench", "bench"); err != nil {
			b.Fatal(err)
		}
	}
	var catalogue []accounts.Analysis
	for _, in := range []accounts.AnalysisInput{
		{Titre: "Dossiers suivis par site", Affichage: accounts.DisplayBars,
			SQL: "SELECT code_lieu_rattachement AS site, count(*) AS dossiers FROM dossiers WHERE NOT archive GROUP BY ALL ORDER BY 2 DESC"},
		{Titre: "Jeunes suivis", Affichage: accounts.DisplayTable,
			SQL: "SELECT id_dossier, nom_usage, prenom, date_inscription FROM dossiers WHERE NOT archive ORDER BY id_dossier"},
	} {
		id, err := store.CreateAnalysis(ctx, "exp", in, "bench")
		if err != nil {
			b.Fatal(err)
		}
		a, _ := store.Analysis(ctx, id)
		if err := store.ProposeAnalysis(ctx, a, "exp", "bench"); err != nil {
			b.Fatal(err)
		}
		if err := store.DecideAnalysis(ctx, a, a.Version, true, "", "val", "bench"); err != nil {
			b.Fatal(err)
		}
		a, _ = store.Analysis(ctx, id)
		catalogue = append(catalogue, a)
	}
	logins := []string{"ana"}
	for _, c := range codes {
		login := "dir-" + benchLogin(c)
		if err := store.Add(ctx, accounts.NewAccount{Login: login, Profil: accounts.Standard, CodeStructure: c, Password: pw}, known, "bench", "bench"); err != nil {
			b.Fatal(err)
		}
		logins = append(logins, login)
	}
	for _, l := range logins {
		acc, err := store.Get(ctx, l)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range catalogue {
			if err := store.Subscribe(ctx, acc, a, accounts.Weekly, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	return len(logins)
}

// benchLogin turns a structure code into a login's characters.
func benchLogin(code string) string {
	out := []rune{}
	for _, r := range code {
		switch {
		case r >= 'A' && r <= 'Z':
			out = append(out, r-'A'+'a')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			out = append(out, r)
		}
	}
	return string(out)
}

// TestBenchRegion is the child process of BenchmarkSubscriptions that builds
// the region; it does nothing unless a benchmark started it.
func TestBenchRegion(t *testing.T) {
	benchregion.Child(t, benchMonday)
}
