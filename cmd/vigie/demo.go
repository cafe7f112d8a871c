package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newDemoCmd) }

// demoMarker marks a folder written by `vigie demo`: only such a folder is
// cleaned before a new demo, so that --out can never wipe anything else.
const demoMarker = ".vigie-demo"

type demoOptions struct {
	out   string
	scale float64
	seed  int64
	asOf  string
}

// validate checks the flags once, before any work.
func (o *demoOptions) validate(now time.Time) (demo.Options, error) {
	d, err := parseAsOf(o.asOf, now)
	if err != nil {
		return demo.Options{}, err
	}
	if math.IsNaN(o.scale) || o.scale <= 0 || o.scale > demo.MaxScale {
		return demo.Options{}, usagef(fmt.Sprintf("donnez une échelle au-dessus de 0 et d'au plus %d, par exemple --scale 0.02 (1 = l'année d'une région entière)", demo.MaxScale),
			"--scale %v est hors limites", o.scale)
	}
	if strings.TrimSpace(o.out) == "" {
		return demo.Options{}, usagef("par exemple --out demo-out", "--out est vide")
	}
	return demo.Options{Scale: o.scale, Seed: o.seed, AsOf: d}, nil
}

func newDemoCmd(a *app) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Génère une région fictive, la charge et y lance tous les traitements",
		Long: `Génère une région fictive et reproductible (43 Missions Locales, comme la
Nouvelle-Aquitaine) sous forme d'extraction au format du contrat
(OUT/extraction), la charge dans un entrepôt neuf (OUT/vigie.duckdb), puis y
lance tous les traitements : contrôles, liste ASP, transferts, plan
d'archivage, rapports (OUT/reports) et leur livraison (OUT/outbox).

Les données contiennent une petite part de chaque anomalie des règles et
quelques lignes fautives, pour que chaque contrôle trouve quelque chose et que
la quarantaine se voie. Les mêmes --seed, --scale et --as-of donnent les mêmes
fichiers. La démonstration précédente dans OUT est remplacée ; un dossier que
vigie demo n'a pas créé est refusé. L'entrepôt est toujours OUT/vigie.duckdb
(--warehouse n'est pas utilisé).`,
		Example: `  vigie demo
  vigie demo --out /tmp/demo --scale 0.1 --as-of 2026-11-23
  vigie demo --scale 1        # l'année d'une région entière, environ 150 000 dossiers`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := o.validate(time.Now())
			if err != nil {
				return err
			}
			return a.runDemo(cmd, o.out, opts)
		},
	}
	cmd.Flags().StringVar(&o.out, "out", "demo-out", "dossier de l'extraction, de l'entrepôt et des rapports de la démonstration")
	cmd.Flags().Float64Var(&o.scale, "scale", demo.DefaultScale, "taille de la région : 1 fait environ 150 000 dossiers")
	cmd.Flags().Int64Var(&o.seed, "seed", 1, "graine du générateur : la même graine donne les mêmes données")
	nowFlag(cmd.Flags(), &o.asOf, "as-of", dayFlag, "le jour des données, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	return cmd
}

// prepareDemoDir makes out ready for a new demo: created when missing,
// emptied of the previous demo's outputs when it holds one, refused when it
// holds anything else.
func prepareDemoDir(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := atomic.MkdirAll(out, 0o700, "dossier de la démonstration"); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("dossier de la démonstration %s : %s", out, french.FileError(err))
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(out, demoMarker)); err != nil {
			return fmt.Errorf("le dossier %s n'est pas vide et n'a pas été créé par « vigie demo » : choisissez un autre dossier avec --out", out)
		}
		for _, e := range entries { // extraction, warehouse, reports, outbox…
			if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
				return fmt.Errorf("nettoyage de la démonstration précédente : %w", err)
			}
		}
	}
	return os.WriteFile(filepath.Join(out, demoMarker), []byte("Dossier écrit par « vigie demo » : il est remplacé à chaque démonstration.\n"), 0o600)
}

func (a *app) runDemo(cmd *cobra.Command, out string, opts demo.Options) error {
	ctx := cmd.Context()
	began := time.Now()
	if err := prepareDemoDir(out); err != nil {
		return err
	}
	extraction := filepath.Join(out, "extraction")
	whPath := filepath.Join(out, "vigie.duckdb")
	fmt.Fprintf(a.stdout, "Démonstration de vigie sur une région fictive de 43 Missions Locales : les noms, dates de naissance et NIR\n"+
		"sont inventés, et les données contiennent à dessein une petite part de chaque anomalie que les contrôles détectent.\n\n")
	fmt.Fprintf(a.stdout, "Génération de l'extraction (échelle %s, graine %d, données au %s)…\n",
		frNumber(opts.Scale), opts.Seed, opts.AsOf.Format("02/01/2006"))
	t0 := time.Now()
	st, err := demo.Generate(ctx, extraction, opts)
	if err != nil {
		return err
	}
	rows := 0
	for _, t := range st.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(a.stdout, "  %d structures, %s dossiers : %d fichiers, %s lignes dans %s (%s)\n\n",
		st.Structures, frInt(st.Dossiers), len(st.Tables), frInt(rows), extraction, frDuration(time.Since(t0)))

	w, err := warehouse.Open(ctx, whPath, sqlfiles.FS())
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintf(a.stdout, "Chargement de l'extraction dans l'entrepôt %s…\n", whPath)
	t0 = time.Now()
	d := &demoRun{Out: out, Extraction: extraction, AsOf: opts.AsOf, Warehouse: w, Summary: a.stdout, Log: a.log}
	iopt := ingest.Options{Logger: a.log}
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		iopt.Progress = a.stderr
	}
	res, err := steps.Run(ctx, d.env(), steps.Ingest, d.runInfo(opts.AsOf), steps.Extraction{Dir: extraction, Options: iopt})
	if res != nil {
		a.format = "table"
		a.printIngestSummary(res, err == nil)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "  %s lignes lues, %s chargées, %d mises en quarantaine (%s)\n",
		frInt(int(res.Read)), frInt(int(res.Read-res.Quarantined)), res.Quarantined, frDuration(time.Since(t0)))
	fmt.Fprintf(a.stdout, "  La quarantaine est voulue : l'extraction contient quelques lignes fautives (dossier inconnu, date\n"+
		"  impossible, code inconnu, montant avec séparateur de milliers), gardées avec leur fichier, ligne et motif.\n\n")

	for _, s := range orderedDemoSteps() {
		fmt.Fprintf(a.stdout, "— %s\n", s.name)
		t0 = time.Now()
		if err := s.run(ctx, a, d); err != nil {
			return fmt.Errorf("étape %s de la démonstration : %w", s.name, err)
		}
		fmt.Fprintf(a.stdout, "  (%s)\n\n", frDuration(time.Since(t0)))
	}

	fmt.Fprintf(a.stdout, "Démonstration terminée en %s. Tout est dans %s :\n", frDuration(time.Since(began)), out)
	fmt.Fprintf(a.stdout, "  extraction (format du contrat, données fictives) : %s\n", extraction)
	fmt.Fprintf(a.stdout, "  entrepôt DuckDB                                 : %s\n", whPath)
	fmt.Fprintf(a.stdout, "  rapports PDF et Excel                           : %s\n", filepath.Join(out, "reports"))
	if fi, err := os.Stat(filepath.Join(out, "outbox")); err == nil && fi.IsDir() {
		fmt.Fprintf(a.stdout, "  livraisons (boîte d'envoi par destinataire)     : %s\n", filepath.Join(out, "outbox"))
	}
	prog := programName()
	fmt.Fprintf(a.stdout, "Pour interroger l'entrepôt :\n")
	fmt.Fprintf(a.stdout, "  %s query --warehouse %s \"SELECT rule, gravite, count(*) AS n FROM findings GROUP BY ALL ORDER BY rule\"\n", prog, whPath)
	fmt.Fprintf(a.stdout, "  %s controls --warehouse %s --as-of %s --rule PCJ\n", prog, whPath, opts.AsOf.Format(time.DateOnly))
	fmt.Fprintf(a.stdout, "  %s runs --warehouse %s\n", prog, whPath)
	return a.demoConsole(ctx, w, out, opts.AsOf)
}

// programName is how the user called vigie (./bin/vigie after make demo),
// for the commands the demo suggests.
func programName() string {
	if len(os.Args) > 0 && filepath.Base(os.Args[0]) == "vigie" {
		return os.Args[0]
	}
	return "vigie"
}

// frInt writes n with French digit grouping (a narrow no-break space).
func frInt(n int) string { return french.Int(int64(n)) }

// frNumber writes a decimal with a French comma.
func frNumber(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// frDuration writes a duration in seconds with one decimal: 2,3 s.
func frDuration(d time.Duration) string {
	return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1) + " s"
}
