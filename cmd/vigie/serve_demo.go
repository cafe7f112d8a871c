package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/subscriptions"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// demoConsole creates one demo account of each profile in the demo
// warehouse's console store (nowhere else), with passwords generated and
// printed once, and says how to open the console on the demo region.
func (a *app) demoConsole(ctx context.Context, w *warehouse.Warehouse, out string, asOf time.Time) error {
	codes, err := schedules.KnownStructures(ctx, w)
	if err != nil || len(codes) == 0 {
		return fmt.Errorf("comptes de démonstration : aucune structure : %w", err)
	}
	structure := codes[0]
	store, err := accounts.Open(ctx, accountsPath(w.Path), sqlfiles.FS())
	if err != nil {
		return err
	}
	defer store.Close()
	prog := programName()
	fmt.Fprintf(a.stdout, "\nLa console (tableaux de bord dans le navigateur) sur la région de démonstration :\n")
	fmt.Fprintf(a.stdout, "  %s serve --warehouse %s --reports %s\n", prog, w.Path, filepath.Join(out, "reports"))
	fmt.Fprintf(a.stdout, "puis ouvrez http://127.0.0.1:8080/ avec l'un de ces comptes de démonstration (mots de passe affichés\n"+
		"cette seule fois ; ils n'existent que dans %s) :\n", accountsPath(w.Path))
	for _, p := range accounts.Profiles {
		n := accounts.NewAccount{Login: "demo-" + p, Profil: p, Password: demoPassword()}
		what := "la région"
		if accounts.StructureScoped(p) {
			n.CodeStructure, what = structure, "la structure "+structure
		}
		if p == accounts.Admin {
			what = "les comptes et le journal d'audit"
		}
		if err := store.Add(ctx, n, func(c string) bool { return slices.Contains(codes, c) }, "demo", "demo"); err != nil {
			return fmt.Errorf("compte de démonstration %s : %w", n.Login, err)
		}
		fmt.Fprintf(a.stdout, "  %-15s %-9s mot de passe %s   (%s)\n", n.Login, p, n.Password, what)
	}
	id, err := demoCatalogue(ctx, store)
	if err != nil {
		return fmt.Errorf("analyse de démonstration : %w", err)
	}
	fmt.Fprintf(a.stdout, "Dans « Analyses et mallette », une analyse de l'expert validée par le valideur : chaque compte la voit sur ses données.\n")
	return a.demoSubscription(ctx, w, store, id, out, asOf)
}

// demoSubscription subscribes demo-standard to the catalogue's analysis and
// sends it as the daemon's subscriptions job would on the demo's day: over
// demo-standard's structure only, into the outbox.
func (a *app) demoSubscription(ctx context.Context, w *warehouse.Warehouse, store *accounts.Store, id int64, out string, asOf time.Time) error {
	acc, err := store.Get(ctx, "demo-standard")
	if err != nil {
		return err
	}
	an, err := store.Analysis(ctx, id)
	if err != nil {
		return err
	}
	if err := store.Subscribe(ctx, acc, an, accounts.Daily, "demo"); err != nil {
		return fmt.Errorf("abonnement de démonstration : %w", err)
	}
	at := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 7, 30, 0, 0, warehouse.Paris)
	res, err := steps.Run(ctx, steps.Env{W: w, Log: a.log}, steps.Subscriptions, warehouse.RunInfo{},
		subscriptions.Options{For: at, Out: filepath.Join(out, "abonnements"), Query: data.QueryFile})
	if err != nil {
		return fmt.Errorf("abonnement de démonstration : %w", err)
	}
	outs, err := steps.Subscriptions.OutputsOf(res)
	if err != nil {
		return err
	}
	outbox := filepath.Join(out, "outbox")
	if _, err := demoOutbox(ctx, a, w, outbox, at, outs, nil); err != nil {
		return fmt.Errorf("abonnement de démonstration : %w", err)
	}
	fmt.Fprintf(a.stdout, "Et demo-standard y est abonné (chaque jour) : son résultat, sur sa seule structure, est livré dans %s\n",
		filepath.Join(outbox, "abonne_demo-standard"))
	return nil
}

// demoCatalogue puts one analysis in the demo's catalogue, as its profiles
// would: written and proposed by demo-expert, validated by demo-valideur.
func demoCatalogue(ctx context.Context, store *accounts.Store) (int64, error) {
	in := accounts.AnalysisInput{Titre: "Constats ouverts par famille de règles", Affichage: accounts.DisplayBars,
		Description: "Le dernier contrôle, par famille : où porter l'effort de saisie.",
		SQL: "SELECT split_part(rule, '-', 1) AS famille, count(*) AS constats\nFROM findings\n" +
			"WHERE run_id = (SELECT max(run_id) FROM findings)\nGROUP BY ALL\nORDER BY constats DESC"}
	id, err := store.CreateAnalysis(ctx, "demo-expert", in, "demo")
	if err != nil {
		return 0, err
	}
	a, err := store.Analysis(ctx, id)
	if err != nil {
		return 0, err
	}
	if err := store.ProposeAnalysis(ctx, a, "demo-expert", "demo"); err != nil {
		return 0, err
	}
	return id, store.DecideAnalysis(ctx, a, a.Version, true, "", "demo-valideur", "demo")
}

// demoPassword returns 20 random characters, easy to type.
func demoPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:10]) + "-" + string(b[10:15]) + "-" + string(b[15:])
}
