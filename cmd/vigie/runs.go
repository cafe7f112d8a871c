package main

import (
	"github.com/spf13/cobra"
)

func init() { register(newRunsCmd) }

func newRunsCmd(a *app) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "Affiche l'historique des commandes qui ont modifié l'entrepôt",
		Long: `Affiche chaque exécution enregistrée, la plus récente d'abord : id, commande,
arguments, tâche, début, fin, statut (running, done, refused, failed,
cancelled, timed_out, ou missed pour une exécution planifiée que le démon, arrêté
à l'instant prévu, n'a pas lancée), les décomptes par fichier d'un chargement et l'erreur
s'il y en a une. Une exécution est enregistrée une fois, par qui la lance :
la ligne de commande, le démon (une ligne par tâche planifiée) ou la
démonstration.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if limit <= 0 {
				return usagef("par exemple --limit 20", "--limit doit être positif, reçu %d", limit)
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := w.DB.QueryContext(ctx, `
SELECT r.id, r.command, r.arguments, r.job, r.scheduled_for, r.started_at, r.ended_at, r.status,
       (SELECT string_agg(f.table_name || ' ' || f.rows_read || '/' || f.rows_loaded || '/' || f.rows_quarantined, ', ' ORDER BY f.table_name)
          FROM run_files f WHERE f.run_id = r.id) AS files_read_loaded_quarantined,
       r.error
FROM runs r ORDER BY r.id DESC LIMIT ?`, limit)
			if err != nil {
				return err
			}
			t, err := readTable(rows)
			if err != nil {
				return err
			}
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "nombre d'exécutions affichées")
	addFormatFlag(cmd, a)
	return cmd
}
