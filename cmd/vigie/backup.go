package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/backup"
	"github.com/arml-na/vigie/pipelines/steps"
)

func init() { register(newBackupCmd) }

// backupFlags are the options of `vigie backup`.
type backupFlags struct {
	out  string
	keep int
	wait time.Duration
}

func (f *backupFlags) validate() error {
	if f.out == "" {
		return usagef("par exemple : vigie backup --out /var/lib/vigie/sauvegardes", "--out est obligatoire : le dossier où écrire la copie")
	}
	if f.keep < 1 {
		return usagef("gardez au moins la copie qui vient d'être faite : --keep 1 ou plus", "--keep %d : doit être au moins 1", f.keep)
	}
	if f.wait < 0 {
		return usagef("par exemple --wait 30m", "--wait %v : doit être positive", f.wait)
	}
	return nil
}

func newBackupCmd(a *app) *cobra.Command {
	f := backupFlags{keep: backup.DefaultKeep, wait: 30 * time.Minute}
	cmd := &cobra.Command{
		Use:   "backup --out DIR",
		Short: "Écrit une copie cohérente de l'entrepôt (et son empreinte SHA-256)",
		Long: `Écrit dans DIR une copie cohérente de l'entrepôt, vigie-<aaaa-mm-jj_hhmmss>.duckdb,
et son empreinte vigie-….duckdb.sha256 (format de sha256sum), en mode 0600 :
la copie contient les identités des jeunes.

La copie n'est jamais celle d'un fichier en cours d'écriture : vigie prend le
verrou de l'entrepôt (il attend, au plus --wait, la fin d'une ingestion ou
d'un passage du démon), reporte le journal dans le fichier (CHECKPOINT), puis
copie ses octets. Les --keep copies les plus récentes du dossier sont gardées,
les plus anciennes supprimées.

Affiche path,sha256,bytes. 'vigie restore FICHIER' remet une copie en place.`,
		Example: `  vigie backup --out /var/lib/vigie/sauvegardes
  vigie backup --out /var/lib/vigie/sauvegardes --keep 30 --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if err := f.validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openWaiting(ctx, f.wait)
			if err != nil {
				return err
			}
			c, err := steps.Run(ctx, a.env(w), steps.Backup, runInfo(cmd, nil), backup.Options{Out: f.out, Keep: f.keep, Now: time.Now()})
			if cerr := w.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if len(c.Removed) > 0 {
				fmt.Fprintf(a.stderr, "%d sauvegarde(s) plus ancienne(s) supprimée(s) (--keep %d).\n", len(c.Removed), f.keep)
			}
			t := stringTable([]string{"path", "sha256", "bytes"})
			t.types[2] = "BIGINT"
			t.rows = append(t.rows, []any{c.Path, c.SHA256, c.Bytes})
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "", "dossier des sauvegardes (créé en mode 0700)")
	cmd.Flags().IntVar(&f.keep, "keep", f.keep, "nombre de copies gardées dans le dossier, la nouvelle comprise")
	cmd.Flags().DurationVar(&f.wait, "wait", f.wait, "attente maximale du verrou de l'entrepôt tenu par un autre processus")
	addFormatFlag(cmd, a)
	return cmd
}
