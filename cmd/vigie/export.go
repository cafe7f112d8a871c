package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/lake"
	"github.com/arml-na/vigie/schedules"
)

const envExportKey = "VIGIE_EXPORT_KEY"

func init() { register(newExportCmd) }

// exportFlags are the options of `vigie export`.
type exportFlags struct {
	out    string
	config string
	wait   time.Duration
}

// key returns the keyed hash's key: $VIGIE_EXPORT_KEY, else the file named
// by export.key_file in the configuration (--config, $VIGIE_CONFIG, or
// vigie.yaml when it exists). It is the only place that reads the key.
func (f *exportFlags) key(a *app) ([]byte, error) {
	if k := a.getenv(envExportKey); k != "" {
		return []byte(k), nil
	}
	path := f.config
	if path == "" {
		path = a.getenv(envConfig)
	}
	if path == "" {
		if _, err := os.Stat("vigie.yaml"); err != nil {
			return nil, nil // no configuration: no key
		}
		path = "vigie.yaml"
	}
	cfg, err := schedules.LoadConfig(path)
	if err != nil {
		return nil, err
	}
	kf := cfg.Export.KeyFile
	if kf == "" {
		return nil, nil
	}
	info, err := os.Stat(kf)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s : export.key_file = %q : fichier introuvable", path, kf)
	}
	if err != nil {
		return nil, fmt.Errorf("%s : export.key_file : %w", path, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s : export.key_file = %q : la clé est lisible par d'autres utilisateurs (mode %v) : chmod 600 %s", path, kf, info.Mode().Perm(), kf)
	}
	b, err := os.ReadFile(kf)
	if err != nil {
		return nil, fmt.Errorf("%s : export.key_file : %w", path, err)
	}
	return []byte(strings.TrimSpace(string(b))), nil
}

func newExportCmd(a *app) *cobra.Command {
	f := exportFlags{wait: 30 * time.Minute}
	cmd := &cobra.Command{
		Use:   "export --out DIR",
		Short: "Écrit le lac pseudonymisé : un jeu Parquet par table, sans identité",
		Long: `Écrit dans DIR le lac pseudonymisé, pour les moteurs d'analyse nationaux (Spark,
Trino, DuckDB) : un jeu de fichiers Parquet par table (DIR/<table>/), découpé
par structure (code_structure=…/).

Aucune colonne d'identité ni de texte libre n'en sort (noms, date de
naissance, NIR, courriel, téléphones, adresse, numéros France Travail et
allocataire, commentaires) ; chaque identifiant est remplacé par son empreinte
HMAC-SHA-256 (64 caractères hexadécimaux), la même dans toutes les tables et
dans tous les exports faits avec la même clé : les tables se joignent sur ces
empreintes, et les lacs de plusieurs régions aussi quand elles partagent la clé.

La clé est lue dans la variable VIGIE_EXPORT_KEY, sinon dans le fichier
export.key_file de la configuration (--config) ; 32 caractères au moins. Sans
clé, l'export est refusé. Chaque table remplace celle de l'export précédent.

Affiche table,rows,files.`,
		Example: `  VIGIE_EXPORT_KEY=$(cat /etc/vigie/export.key) vigie export --out /srv/lac/nouvelle-aquitaine
  vigie export --out /srv/lac/nouvelle-aquitaine --config /etc/vigie/vigie.yaml --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if f.out == "" {
				return usagef("par exemple : vigie export --out /srv/lac/region", "--out est obligatoire : le dossier du lac")
			}
			key, err := f.key(a)
			if err != nil {
				return err
			}
			if err := lake.CheckKey(key); err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openWaiting(ctx, f.wait)
			if err != nil {
				return err
			}
			defer w.Close()
			ds, err := lake.Export(ctx, w, lake.Options{Out: f.out, Key: key})
			if err != nil {
				return err
			}
			t := stringTable([]string{"table", "rows", "files"})
			t.types[1], t.types[2] = "BIGINT", "BIGINT"
			for _, d := range ds {
				t.rows = append(t.rows, []any{d.Table, d.Rows, d.Files})
			}
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "", "dossier du lac (un sous-dossier par table)")
	cmd.Flags().StringVar(&f.config, "config", "", "configuration où lire export.key_file (ou $"+envConfig+")")
	cmd.Flags().DurationVar(&f.wait, "wait", f.wait, "attente maximale du verrou de l'entrepôt tenu par un autre processus")
	addFormatFlag(cmd, a)
	return cmd
}
