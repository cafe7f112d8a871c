package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/reporting"
	structurepkg "github.com/arml-na/vigie/pipelines/structure"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

func init() {
	register(newWeeklyASPCmd)
	registerDemoStep(demoStep{order: 25, name: "weekly-asp", run: demoWeeklyASP})
}

func newWeeklyASPCmd(a *app) *cobra.Command {
	var asOf, structure, pdf string
	cmd := &cobra.Command{
		Use:   "weekly-asp",
		Short: "Affiche la liste ASP de la semaine avant la date",
		Long: `Affiche la liste ASP (contract/rules.md, PCJ) : chaque PACEA sorti avec le
motif reorientation_autre_dispositif dont la date de sortie, ou la date locale
de saisie de la sortie, tombe dans la semaine (lundi à dimanche) qui précède
celle de la date. Les dossiers archivés sont écartés. La liste contient des
noms et des dates de naissance : elle sert à la liste signée de la structure
pour l'ASP.

Colonnes : code_structure,id_dossier,nom_usage,prenom,date_naissance,
id_dispositif,date_entree,date_sortie,date_saisie_sortie,numero_cerfa,
date_entree_cej.

Avec --pdf DOSSIER, écrit aussi la liste de chaque structure en PDF A4 prêt à
signer, DOSSIER/<code_structure>/<date>/liste-asp-<code>-<date>.pdf, et nomme
les fichiers sur la sortie d'erreur.`,
		Example: `  vigie weekly-asp --as-of 2026-11-23
  vigie weekly-asp --as-of 2026-11-23 --structure ML-16001 --format csv
  vigie weekly-asp --as-of 2026-11-23 --pdf listes-asp`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			d, err := parseAsOf(asOf, time.Now())
			if err != nil {
				return err
			}
			if structure != "" && !controls.ValidStructure(structure) {
				return usagef("un code de structure ne contient que des lettres, des chiffres, - et _, par exemple --structure ML-16001", "code de structure %q invalide", structure)
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			if structure != "" {
				// An empty list for a mistyped code would read as a week
				// without exits to sign for.
				known, err := controls.KnownStructure(ctx, w, structure)
				if err != nil {
					return err
				}
				if !known {
					return warehouse.Refused(structurepkg.Unknown(structure))
				}
			}
			if pdf != "" {
				opts := reporting.Options{AsOf: d, Structure: structure, Out: pdf, Progress: a.stderr}
				if _, err := reporting.WriteASPLists(ctx, w, opts); err != nil {
					return err
				}
			}
			rows, err := controls.QueryWeeklyASP(ctx, w, d, structure)
			if err != nil {
				return err
			}
			t, err := readTable(rows)
			if err != nil {
				return fmt.Errorf("weekly-asp: %w", err)
			}
			return t.write(a.stdout, a.format)
		},
	}
	nowFlag(cmd.Flags(), &asOf, "as-of", dayFlag, "le jour de la liste, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	cmd.Flags().StringVar(&structure, "structure", "", "une seule structure")
	cmd.Flags().StringVar(&pdf, "pdf", "", "écrit aussi la liste à signer de chaque structure en PDF dans ce dossier")
	addFormatFlag(cmd, a)
	return cmd
}

// demoWeeklyASP counts the ASP list of each structure.
func demoWeeklyASP(ctx context.Context, _ *app, d *demoRun) error {
	rows, err := controls.WeeklyASP(ctx, d.Warehouse, d.AsOf, "")
	if err != nil {
		return err
	}
	mon, sun := controls.WeekBefore(d.AsOf)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.CodeStructure]++
	}
	codes := make([]string, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Fprintf(d.Summary, "Liste ASP de la semaine du %s au %s : %s dans %s.\n",
		mon.Format("02/01/2006"), sun.Format("02/01/2006"), frCount(len(rows), "jeune", "jeunes"), frCount(len(codes), "structure", "structures"))
	for _, c := range codes {
		fmt.Fprintf(d.Summary, "  %-12s %4d\n", c, counts[c])
	}
	return nil
}

// frCount writes n with the French singular (0 and 1) or plural form.
func frCount(n int, one, many string) string { return french.Count(int64(n), one, many) }
