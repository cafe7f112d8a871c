package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/rafael"
	"github.com/arml-na/vigie/pipelines/steps"
)

func init() {
	register(newRafaelCmd)
	registerDemoStep(demoStep{order: 15, name: "fichier Rafael", run: demoRafael})
}

// demoRafael writes the Rafael file of the month two months before the
// as-of date, as the ARML would have sent it then: its date requests not
// yet reported 45 days after that month's end are RAF-02 findings.
func demoRafael(ctx context.Context, _ *app, d *demoRun) error {
	month := rafael.PreviousMonth(d.AsOf.AddDate(0, 0, 1-d.AsOf.Day()).AddDate(0, -1, 0))
	res, err := steps.Run(ctx, d.env(), steps.Rafael, d.runInfo(d.AsOf), rafael.Options{Month: month, Out: filepath.Join(d.Out, "rafael")})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Summary, "Fichier Rafael de %s : %s à envoyer à l'éditeur, %s.\n",
		month, frCount(len(res.Requests), "demande", "demandes"), res.Path)
	return nil
}

func newRafaelCmd(a *app) *cobra.Command {
	var opts rafael.Options
	cmd := &cobra.Command{
		Use:   "rafael",
		Short: "Fichier mensuel des demandes de modification Rafael",
		Long: `Écrit DIR/demandes-rafael-<aaaa-mm>.xlsx, le fichier du mois des demandes de
modification des dates des formations Rafael que l'ARML envoie à l'éditeur
(contract/rules.md, RAF) : les demandes explicites lues dans les commentaires
des situations (« fin réelle au 12/03/2026 », « suspendue le 03/02/2026 »,
« supprimer »), une ligne par demande. Une demande déjà envoyée dans un fichier,
ou déjà satisfaite, n'est pas renvoyée ; relancer le même mois redonne le même
fichier. Le fichier contient les commentaires : il est écrit en mode 0600.

Colonnes : code_structure,id_dossier,id_situation,intitule,organisme,champ,
valeur_actuelle,valeur_demandee,commentaire (champ suppression : valeurs vides).`,
		Example: `  vigie rafael --month 2026-10 --out demandes
  vigie rafael --month 2026-10 --out demandes --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if err := opts.Validate(); err != nil {
				return usagef("voir « vigie rafael --help »", "%v", err)
			}
			ctx := cmd.Context()
			w, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			opts.Now = time.Now()
			res, err := steps.Run(ctx, a.env(w), steps.Rafael, runInfo(cmd, args), opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "Demandes Rafael de %s : %s (%s), %s dans %s.\n",
				opts.Month, frCount(len(res.Requests), "demande", "demandes"), french.Count(res.New, "nouvelle", "nouvelles"),
				french.Plural(int64(len(res.Requests)), "écrite", "écrites"), res.Path)
			t := stringTable(rafael.Columns)
			t.types[6], t.types[7] = "DATE", "DATE"
			for _, r := range res.Requests {
				t.rows = append(t.rows, r.Row())
			}
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().StringVar(&opts.Month, "month", "", "le mois du fichier, aaaa-mm (obligatoire)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "le dossier où écrire le fichier (obligatoire)")
	addFormatFlag(cmd, a)
	return cmd
}
