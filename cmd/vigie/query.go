package main

import (
	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

func init() { register(newQueryCmd) }

func newQueryCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query SQL",
		Short: "Lance une requête SQL en lecture seule sur l'entrepôt",
		Long: `Lance une requête SQL en lecture seule sur l'entrepôt et affiche son résultat.

Les tables portent les noms et colonnes du format d'extraction (voir
contract/extract-format.md), plus runs, run_files, quarantine et les tables des
contrôles et des lots. Toute requête qui écrit, attache une autre base ou
touche un fichier est refusée.`,
		Example: `  vigie query "SELECT code_structure, count(*) FROM dossiers GROUP BY ALL"
  vigie query --format csv "SELECT * FROM quarantine WHERE run_id = 3"`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := warehouse.Query(ctx, w, args[0])
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
	addFormatFlag(cmd, a)
	return cmd
}
