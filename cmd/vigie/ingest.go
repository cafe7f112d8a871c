package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/steps"
)

func init() {
	register(newIngestCmd)
	registerDemoStep(demoStep{order: 10, name: "extraction suivante", run: demoIngestUpdate})
}

// demoIngestUpdate loads the demo's later extraction (a few dossiers whose
// justified identity changed upstream, rules.md IDJ).
func demoIngestUpdate(ctx context.Context, _ *app, d *demoRun) error {
	dir := filepath.Join(d.Extraction, demo.UpdateDir)
	res, err := steps.Run(ctx, d.env(), steps.Ingest, d.runInfo(d.AsOf), steps.Extraction{Dir: dir})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Summary, "Extraction suivante (%s) : %s relus, %s dont l'identité justifiée a changé dans i-milo (IDJ-01).\n",
		dir, frCount(int(res.Read), "dossier", "dossiers"), frCount(int(res.IdentityChanges), "dossier", "dossiers"))
	return nil
}

type ingestOptions struct {
	maxRejectRatio float64
	encoding       string
	limits         ingest.Limits
}

func (o *ingestOptions) validate() error {
	// Written so that NaN, which no comparison holds for, is refused too.
	if !(o.maxRejectRatio >= 0 && o.maxRejectRatio <= 1) {
		return usagef("donnez une part entre 0 et 1, par exemple --max-reject-ratio 0.01 (0 : aucune ligne en quarantaine admise)",
			"--max-reject-ratio %v n'est pas une part entre 0 et 1", o.maxRejectRatio)
	}
	if o.limits.MaxColumns <= 0 || o.limits.MaxRecordBytes <= 0 || o.limits.MaxFileBytes <= 0 || o.limits.MaxSheetRows <= 0 {
		return usagef("donnez des limites positives, par exemple --max-line-bytes 4194304", "--max-columns, --max-line-bytes, --max-file-bytes et --max-sheet-rows doivent être positives")
	}
	switch o.encoding {
	case "", ingest.EncodingUTF8, ingest.EncodingWindows1252:
		return nil
	}
	return usagef("utilisez --encoding utf-8 ou --encoding windows-1252 (par défaut : détecté)", "encodage %q inconnu", o.encoding)
}

func newIngestCmd(a *app) *cobra.Command {
	o := &ingestOptions{}
	cmd := &cobra.Command{
		Use:   "ingest DIR",
		Short: "Charge un dossier d'extraction dans l'entrepôt",
		Long: `Charge une extraction : un fichier par table dans DOSSIER (dossiers.csv,
dossiers.csv.gz, dossiers.xlsx ou dossiers.parquet…), comme le décrit
contract/extract-format.md.

Les lignes avec une valeur fautive, une valeur obligatoire absente, une clé en
double, un code ou une référence inconnus sont mises en quarantaine (table
quarantine) et non chargées ; chaque ligne lue est chargée ou mise en
quarantaine. Le chargement est tout ou rien : une extraction refusée laisse
l'entrepôt tel qu'il était. Affiche table,rows_read,rows_loaded,
rows_quarantined par fichier (rows_loaded vaut 0 quand l'extraction est
refusée : rien n'est chargé).`,
		Example: `  vigie ingest /data/extractions/2026-11-23
  vigie ingest --format csv --max-reject-ratio 0.05 ./extraction`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			if _, err := os.Stat(a.warehousePath); errors.Is(err, fs.ErrNotExist) {
				// A first load creates the warehouse, but not for a folder
				// it would refuse: no warehouse holding only a refusal.
				if err := ingest.CheckDir(args[0]); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			w, err := a.openWarehouse(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			opt := ingest.Options{
				MaxRejectRatio: o.maxRejectRatio,
				Encoding:       o.encoding,
				Logger:         a.log,
				Limits:         o.limits,
			}
			if o.maxRejectRatio == 0 {
				opt.MaxRejectRatio = -1 // 0 given on the command line: refuse any quarantined row
			}
			if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				opt.Progress = a.stderr
			}
			res, err := steps.Run(ctx, a.env(w), steps.Ingest, runInfo(cmd, args), steps.Extraction{Dir: args[0], Options: opt})
			if res != nil {
				a.printIngestSummary(res, err == nil)
			}
			return err
		},
	}
	cmd.Flags().Float64Var(&o.maxRejectRatio, "max-reject-ratio", ingest.DefaultMaxRejectRatio, "refuse l'extraction quand plus de cette part de ses lignes est mise en quarantaine")
	cmd.Flags().StringVar(&o.encoding, "encoding", "", "encodage des fichiers CSV : utf-8 ou windows-1252 (par défaut : détecté)")
	cmd.Flags().IntVar(&o.limits.MaxColumns, "max-columns", ingest.DefaultMaxColumns, "refuse un fichier dont l'en-tête a plus de colonnes")
	cmd.Flags().Int64Var(&o.limits.MaxRecordBytes, "max-line-bytes", ingest.DefaultMaxRecordBytes, "refuse un fichier CSV dont une ligne (champs sur plusieurs lignes compris) dépasse ce nombre d'octets")
	cmd.Flags().Int64Var(&o.limits.MaxFileBytes, "max-file-bytes", ingest.DefaultMaxFileBytes, "refuse un fichier de plus de ce nombre d'octets une fois décompressé (un classeur une fois dézippé)")
	cmd.Flags().Int64Var(&o.limits.MaxSheetRows, "max-sheet-rows", ingest.DefaultMaxSheetRows, "refuse une feuille XLSX de plus de lignes")
	addFormatFlag(cmd, a)
	return cmd
}

// printIngestSummary prints the per-file counts on stdout and the first
// quarantined rows on stderr. Values of identity columns are never printed.
// When nothing was loaded, rows_loaded says so: the counts of an extraction
// refused for its quarantine still tell where the refused rows are, those of
// one stopped at an unreadable file tell nothing and are not printed.
func (a *app) printIngestSummary(res *ingest.Result, loaded bool) {
	t := &table{columns: []string{"table", "rows_read", "rows_loaded", "rows_quarantined"}, types: make([]string, 4)}
	for _, f := range res.Files {
		if !loaded {
			f.Loaded = 0
		}
		t.rows = append(t.rows, []any{f.Table, f.Read, f.Loaded, f.Quarantined})
	}
	if loaded || res.Refused {
		_ = t.write(a.stdout, a.format)
	}
	for _, f := range res.Files {
		if len(f.UnknownColumns) > 0 {
			fmt.Fprintf(a.stderr, "%s : colonnes inconnues ignorées : %s\n", f.File, strings.Join(f.UnknownColumns, ", "))
		}
		if len(f.AbsentColumns) > 0 && loaded {
			fmt.Fprintf(a.stderr, "%s : colonnes absentes du fichier (les lignes déjà chargées gardent leurs valeurs) : %s\n", f.File, strings.Join(f.AbsentColumns, ", "))
		}
		if f.TransferKept > 0 {
			fmt.Fprintf(a.stderr, "%s : %s la destination d'un transfert exécuté\n", f.File, french.Count(int64(f.TransferKept), "ligne garde", "lignes gardent"))
		}
		if f.ArchivedDropped > 0 {
			fmt.Fprintf(a.stderr, "%s : %s de dossiers archivés : identité et texte libre écartés\n", f.File, french.Count(int64(f.ArchivedDropped), "ligne", "lignes"))
		}
	}
	if res.Quarantined == 0 {
		return
	}
	fmt.Fprintf(a.stderr, "%s sur %s %s en quarantaine (run %d) ; détail : vigie query \"SELECT * FROM quarantine WHERE run_id = %d\"\n",
		french.Count(res.Quarantined, "ligne", "lignes"), french.Int(res.Read), french.Plural(res.Quarantined, "mise", "mises"), res.RunID, res.RunID)
	for _, s := range res.Samples {
		val := fmt.Sprintf("valeur %q", s.Value)
		switch {
		case s.Masked:
			val = "valeur masquée"
		case s.Column == "":
			val = "ligne entière"
		}
		col := s.Column
		if col == "" {
			col = "-"
		}
		fmt.Fprintf(a.stderr, "  %s:%d : colonne %s, %s : %s\n", s.File, s.Line, col, val, s.Reason)
	}
	if more := res.Quarantined - int64(len(res.Samples)); more > 0 {
		fmt.Fprintf(a.stderr, "  … et %s\n", french.Count(more, "autre", "autres"))
	}
}
