package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/backup"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newRestoreCmd) }

func newRestoreCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore FICHIER",
		Short: "Vérifie une copie de 'vigie backup' et la remet à la place de l'entrepôt",
		Long: `Remet en place de l'entrepôt (--warehouse) une copie écrite par 'vigie backup'.

La copie est d'abord vérifiée : son empreinte SHA-256 doit être celle de
FICHIER.sha256, elle doit s'ouvrir comme un entrepôt dont vigie connaît le
schéma (une copie plus ancienne est mise à niveau, une plus récente refusée),
et chaque ligne de chaque table doit se relire. Une copie altérée ou tronquée
est refusée et l'entrepôt en place n'est pas touché.

Les archivages de l'entrepôt en place sont reportés dans la copie : un
dossier archivé après la sauvegarde reste archivé (identité effacée, fichier
réécrit), et une ingestion ultérieure d'anciennes extractions ne fait pas
revenir son identité. L'ancien entrepôt est gardé à côté, sous
<entrepôt>.avant-restauration-<aaaa-mm-jj_hhmmss>.

Refusée tant qu'un autre processus utilise l'entrepôt (démon, ingestion,
vigie query, vigie serve) : arrêtez-les d'abord.

Affiche path,restored_from.`,
		Example: `  vigie restore /var/lib/vigie/sauvegardes/vigie-2026-11-23_064500.duckdb`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			res, err := backup.Restore(cmd.Context(), a.warehousePath, args[0], sqlfiles.FS(), time.Now())
			if err != nil {
				return err
			}
			if res.Aside != "" {
				fmt.Fprintf(a.stderr, "L'ancien entrepôt est gardé sous %s.\n", res.Aside)
			}
			if res.Carried > 0 {
				fmt.Fprintf(a.stderr, "%d dossier(s) archivé(s) après la sauvegarde le reste(nt) dans l'entrepôt restauré.\n", res.Carried)
			}
			if res.NotCarried != nil {
				fmt.Fprintf(a.stderr, "Attention : les archivages de l'ancien entrepôt n'ont pas pu être reportés (il ne s'ouvre pas : %v) ; refaites ceux faits après la sauvegarde (liste dans les fichiers « Sauvegarde avant archivage ») avant toute nouvelle ingestion.\n", res.NotCarried)
			}
			t := stringTable([]string{"path", "restored_from"})
			t.rows = append(t.rows, []any{res.Path, res.From})
			return t.write(a.stdout, a.format)
		},
	}
	addFormatFlag(cmd, a)
	return cmd
}
