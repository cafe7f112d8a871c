package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// demoConsole creates one demo account of each profile in the demo
// warehouse's console store (nowhere else), with passwords generated and
// printed once, and says how to open the console on the demo region.
func (a *app) demoConsole(ctx context.Context, w *warehouse.Warehouse, out string) error {
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
	if err := demoCatalogue(ctx, store); err != nil {
		return fmt.Errorf("analyse de démonstration : %w", err)
	}
	fmt.Fprintf(a.stdout, "Dans « Analyses et mallette », une analyse de l'expert validée par le valideur : chaque compte la voit sur ses données.\n")
	return nil
}

// demoCatalogue puts one analysis in the demo's catalogue, as its profiles
// would: written and proposed by demo-expert, validated by demo-valideur.
func demoCatalogue(ctx context.Context, store *accounts.Store) error {
	in := accounts.AnalysisInput{Titre: "Constats ouverts par famille de règles", Affichage: accounts.DisplayBars,
		Description: "Le dernier contrôle, par famille : où porter l'effort de saisie.",
		SQL: "SELECT split_part(rule, '-', 1) AS famille, count(*) AS constats\nFROM findings\n" +
			"WHERE run_id = (SELECT max(run_id) FROM findings)\nGROUP BY ALL\nORDER BY constats DESC"}
	id, err := store.CreateAnalysis(ctx, "demo-expert", in, "demo")
	if err != nil {
		return err
	}
	a, err := store.Analysis(ctx, id)
	if err != nil {
		return err
	}
	if err := store.ProposeAnalysis(ctx, a, "demo-expert", "demo"); err != nil {
		return err
	}
	return store.DecideAnalysis(ctx, a, a.Version, true, "", "demo-valideur", "demo")
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
