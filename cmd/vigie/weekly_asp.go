package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/reporting"
)

func init() {
	register(newWeeklyASPCmd)
	registerDemoStep(demoStep{order: 25, name: "weekly-asp", run: demoWeeklyASP})
}

func newWeeklyASPCmd(a *app) *cobra.Command {
	var asOf, structure, pdf string
	cmd := &cobra.Command{
		Use:   "weekly-asp",
		Short: "Print the ASP list of the week before the as-of date",
		Long: `Print the ASP list (contract/rules.md, PCJ): every PACEA left with the motif
reorientation_autre_dispositif whose exit date, or the local date its exit was
entered, falls in the week (Monday to Sunday) before the week of the as-of
date. Archived dossiers are left out. The list holds names and birth dates:
it is meant for the structure's signed list to the ASP.

Columns: code_structure,id_dossier,nom_usage,prenom,date_naissance,
id_dispositif,date_entree,date_sortie,date_saisie_sortie,numero_cerfa,
date_entree_cej.

With --pdf DIR, it also writes each structure's list as an A4 PDF ready to
sign, DIR/<code_structure>/<as-of>/liste-asp-<code>-<as-of>.pdf, and names
the files on standard error.`,
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
	cmd.Flags().StringVar(&asOf, "as-of", "", "the day the list is made, yyyy-mm-dd (default today in Europe/Paris)")
	cmd.Flags().StringVar(&structure, "structure", "", "one structure only")
	cmd.Flags().StringVar(&pdf, "pdf", "", "also write each structure's signed list as a PDF under this folder")
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
func frCount(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
