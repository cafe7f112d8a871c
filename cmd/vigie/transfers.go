package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

func init() {
	register(newTransfersCmd)
	registerDemoStep(demoStep{order: 30, name: "transfers", run: demoTransfers})
}

func newTransfersCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transfers",
		Short: "Le lot nocturne des transferts",
		Args:  noArgs,
	}
	cmd.AddCommand(newTransfersRunCmd(a))
	return cmd
}

// parseAt reads --at, a Europe/Paris wall-clock instant; empty means now.
func parseAt(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now.In(warehouse.Paris).Truncate(time.Minute), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, warehouse.Paris); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef(`indiquez l'instant local (Europe/Paris) au format "aaaa-mm-jj hh:mm", par exemple --at "2026-11-23 04:00"`, "--at %q n'est pas un instant", s)
}

func newTransfersRunCmd(a *app) *cobra.Command {
	var at string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Exécute les transferts dus à un instant local",
		Long: `Exécute chaque demande de transfert due à --at (heure locale de Paris) et pas
encore exécutée ni refusée, dans l'ordre de date_demande puis id_transfert,
chacune dans sa propre transaction (rules.md TRF). Une demande datée du jour
local J est due à 04:00 le jour J + 1 ; avant, elle est affichée en_attente et
rien n'est enregistré. Chaque ligne modifiée est journalisée dans
transfer_journal (voir vigie query).

Affiche id_transfert,statut,raison,lignes_modifiees (statut execute, refuse ou
en_attente ; raison en français). Ensuite, les éléments sources des demandes
exécutées que plus rien de vivant ne référence (un compte qui n'est plus
référent de rien, un lieu plus utilisé, une valeur plus portée) sont listés sur
la sortie d'erreur comme supprimables dans i-milo et gardés dans
transfer_deletable ; le lot lui-même ne les supprime jamais.`,
		Example: `  vigie transfers run --at "2026-11-23 04:00"
  vigie transfers run --at "2026-11-23 04:00" --dry-run --format csv
  vigie query "SELECT * FROM transfer_journal WHERE id_transfert = 'T0001'"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			instant, err := parseAt(at, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			opts := transfers.Options{At: instant, DryRun: dryRun}
			var res *transfers.Result
			if dryRun {
				// Checked and counted in a transaction that is rolled back; no run recorded.
				res, err = steps.Transfers.Preview(ctx, a.env(w), opts)
				if err != nil {
					return err
				}
				fmt.Fprint(a.stderr, "Simulation, rien n'est modifié. ")
			} else {
				info := runInfo(cmd, args)
				info.ScheduledFor = &instant
				res, err = steps.Run(ctx, a.env(w), steps.Transfers, info, opts)
				if err != nil {
					// Requests before the failure are executed and stay so.
					if res != nil {
						_ = outcomesTable(res).write(a.stdout, a.format)
					}
					return err
				}
			}
			fmt.Fprintln(a.stderr, transfersSummary(res, instant))
			writeDeletable(a.stderr, res)
			return outcomesTable(res).write(a.stdout, a.format)
		},
	}
	nowFlag(cmd.Flags(), &at, "at", instantFlag, `l'instant local du lot "aaaa-mm-jj hh:mm" (par défaut maintenant, heure de Paris)`)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "affiche ce qui se passerait ; ne change rien")
	addFormatFlag(cmd, a)
	return cmd
}

func outcomesTable(res *transfers.Result) *table {
	t := stringTable([]string{"id_transfert", "statut", "raison", "lignes_modifiees"})
	t.types[3] = "BIGINT"
	for _, o := range res.Outcomes {
		var raison any
		if o.Raison != "" {
			raison = o.Raison
		}
		t.rows = append(t.rows, []any{o.IDTransfert, o.Statut, raison, o.Lignes})
	}
	return t
}

// transfersSummary is the one French line a run ends with.
func transfersSummary(res *transfers.Result, at time.Time) string {
	return fmt.Sprintf("Transferts au %s : %s (%s), %s, %s en attente ; %s.",
		at.In(warehouse.Paris).Format("02/01/2006 15:04"), frCount(res.Count(transfers.StatusExecuted), "exécuté", "exécutés"),
		french.Count(res.Lines(), "ligne modifiée", "lignes modifiées"), frCount(res.Count(transfers.StatusRefused), "refusé", "refusés"),
		frInt(res.Count(transfers.StatusPending)), frCount(len(res.Deletable), "élément source supprimable", "éléments sources supprimables"))
}

// writeRefusals lists the first refused requests of a run with their reason.
func writeRefusals(w io.Writer, res *transfers.Result, most int) {
	n := 0
	for _, o := range res.Outcomes {
		if o.Statut != transfers.StatusRefused {
			continue
		}
		if n == 0 {
			fmt.Fprintln(w, "Demandes refusées :")
		}
		if n++; n <= most {
			fmt.Fprintf(w, "  %s — %s\n", o.IDTransfert, o.Raison)
		}
	}
	if n > most {
		fmt.Fprintf(w, "  … et %s, avec leur raison dans la table transfer_status (statut refuse)\n", frCount(n-most, "autre", "autres"))
	}
}

func writeDeletable(w io.Writer, res *transfers.Result) {
	if len(res.Deletable) == 0 {
		return
	}
	fmt.Fprintln(w, "Éléments sources plus référencés, à supprimer dans i-milo si besoin :")
	for _, d := range res.Deletable {
		what := d.Element + " " + d.Value
		if d.Table != "" {
			what = d.Element + " « " + d.Value + " » (" + strings.Join([]string{d.Table, d.Column}, ".") + ")"
		}
		fmt.Fprintf(w, "  %s — %s, transfert %s\n", d.CodeStructure, what, d.IDTransfert)
	}
}

// demoTransfers runs the transfer batch at 04:00 on the demo's as-of day.
func demoTransfers(ctx context.Context, _ *app, d *demoRun) error {
	at := time.Date(d.AsOf.Year(), d.AsOf.Month(), d.AsOf.Day(), 4, 0, 0, 0, warehouse.Paris)
	info := d.runInfo(d.AsOf)
	info.ScheduledFor = &at
	res, err := steps.Run(ctx, d.env(), steps.Transfers, info, transfers.Options{At: at})
	if err != nil {
		return err
	}
	fmt.Fprintln(d.Summary, transfersSummary(res, at))
	writeRefusals(d.Summary, res, 5)
	writeDeletable(d.Summary, res)
	fmt.Fprintf(d.Summary, "Journal des lignes modifiées : %s query --warehouse %s \"SELECT * FROM transfer_journal WHERE run_id = %d\"\n",
		programName(), d.Warehouse.Path, res.RunID)
	return nil
}
