package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/territoire"
)

func init() {
	register(newTerritoireCmd)
	registerDemoStep(demoStep{order: 45, name: "transfert de territoire", run: demoTerritoire})
}

// demoTerritoire plans the transfer of the commune that the demo region
// lists under two structures (TER-01) from the one whose young people live
// there (the last by code) to the other.
func demoTerritoire(ctx context.Context, _ *app, d *demoRun) error {
	var from, to, commune string
	err := d.Warehouse.DB.QueryRowContext(ctx, `SELECT max(code_structure), min(code_structure), any_value(commune_insee)
		FROM zones_couverture WHERE commune_insee = (SELECT min(commune_insee) FROM zones_couverture
		GROUP BY commune_insee HAVING count(*) > 1 ORDER BY 1 LIMIT 1)`).Scan(&from, &to, &commune)
	if err != nil {
		return fmt.Errorf("aucune commune partagée par deux structures : %w", err)
	}
	p, err := territoire.MakePlan(ctx, d.Warehouse, territoire.Options{From: from, To: to, Communes: []string{commune}, AsOf: d.AsOf})
	if err != nil {
		return err
	}
	path, err := territoire.WriteWorkbook(filepath.Join(d.Out, "territoire"), p)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, x := range p.Decisions {
		counts[x.Decision]++
	}
	fmt.Fprintf(d.Summary, "Plan de transfert de la commune %s de %s à %s : %d à clore pour déménagement, %d à mener à terme par %s, %d sans action ; %s.\n",
		commune, from, to, counts[territoire.SortirDemenagement], counts[territoire.TerminerEnA], from, counts[territoire.AucuneAction], path)
	return nil
}

func newTerritoireCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "territoire",
		Short: "Transferts de territoire entre deux Missions Locales (loi NOTRe)",
		Args:  noArgs,
	}
	cmd.AddCommand(newTerritoirePlanCmd(a))
	return cmd
}

func newTerritoirePlanCmd(a *app) *cobra.Command {
	var from, to, communes, asOf, xlsx string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan de transfert de communes d'une Mission Locale à une autre",
		Long: `Imprime le plan de transfert des communes --communes de la Mission Locale
--from (A) à la Mission Locale --to (B) (contract/rules.md, TER) : pour chaque
dossier non archivé de A dont la commune est cédée, une ligne par dispositif
ouvert, terminer_en_A pour une Garantie jeunes ou un emploi d'avenir (A les mène
à leur terme), sortir_demenagement pour les autres (à clore à la date --as-of,
motif déménagement), ou une ligne aucune_action pour un dossier sans dispositif
ouvert. Le plan ne change rien.

Refusé (code 1) quand --from ou --to n'est pas une structure de l'entrepôt, ou
qu'une commune n'est pas dans la zone de couverture de A ;
un avertissement nomme les communes déjà dans celle de B. Avec --xlsx DIR, écrit
aussi le classeur pour les deux directions (le plan et le changement des zones).

Colonnes : id_dossier,code_structure,commune_insee,decision,id_dispositif,code_dispositif.`,
		Example: `  vigie territoire plan --from ML-16001 --to ML-33002 --communes 16102,16070 --as-of 2026-11-23
  vigie territoire plan --from ML-16001 --to ML-33002 --communes 16102 --format csv --xlsx plans`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			d, err := parseAsOf(asOf, time.Now())
			if err != nil {
				return err
			}
			opts := territoire.Options{From: from, To: to, AsOf: d}
			for _, c := range strings.Split(communes, ",") {
				if c = strings.TrimSpace(c); c != "" {
					opts.Communes = append(opts.Communes, c)
				}
			}
			if err := opts.Validate(); err != nil {
				return usagef("voir « vigie territoire plan --help »", "%v", err)
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			p, err := territoire.MakePlan(ctx, w, opts)
			if err != nil {
				return err
			}
			if len(p.AlreadyInB) > 0 {
				fmt.Fprintf(a.stderr, "Attention : %s déjà dans la zone de couverture de %s.\n", strings.Join(p.AlreadyInB, ", "), to)
			}
			if xlsx != "" {
				path, err := territoire.WriteWorkbook(xlsx, p)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Classeur écrit : %s\n", path)
			}
			t := stringTable(territoire.Columns)
			for _, d := range p.Decisions {
				t.rows = append(t.rows, d.Row())
			}
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "la Mission Locale qui cède les communes (A)")
	cmd.Flags().StringVar(&to, "to", "", "la Mission Locale qui les reçoit (B)")
	cmd.Flags().StringVar(&communes, "communes", "", "les codes INSEE cédés, séparés par des virgules")
	nowFlag(cmd.Flags(), &asOf, "as-of", dayFlag, "la date du transfert, aaaa-mm-jj (par défaut aujourd'hui, Europe/Paris)")
	cmd.Flags().StringVar(&xlsx, "xlsx", "", "écrire aussi le classeur du plan dans ce dossier")
	addFormatFlag(cmd, a)
	return cmd
}
