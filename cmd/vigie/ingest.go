package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/arml-na/vigie/pipelines/ingest"
)

func init() { register(newIngestCmd) }

type ingestOptions struct {
	maxRejectRatio float64
	encoding       string
	limits         ingest.Limits
}

func (o *ingestOptions) validate() error {
	if o.maxRejectRatio < 0 || o.maxRejectRatio > 1 {
		return usagef("give a share between 0 and 1, e.g. --max-reject-ratio 0.01", "--max-reject-ratio %v is out of range", o.maxRejectRatio)
	}
	if o.limits.MaxColumns <= 0 || o.limits.MaxRecordBytes <= 0 || o.limits.MaxFileBytes <= 0 || o.limits.MaxSheetRows <= 0 {
		return usagef("give positive limits, e.g. --max-line-bytes 4194304", "--max-columns, --max-line-bytes, --max-file-bytes and --max-sheet-rows must be positive")
	}
	switch o.encoding {
	case "", ingest.EncodingUTF8, ingest.EncodingWindows1252:
		return nil
	}
	return usagef("use --encoding utf-8 or --encoding windows-1252 (default: detected)", "unknown encoding %q", o.encoding)
}

func newIngestCmd(a *app) *cobra.Command {
	o := &ingestOptions{}
	cmd := &cobra.Command{
		Use:   "ingest DIR",
		Short: "Load an extraction folder into the warehouse",
		Long: `Load an extraction: one file per table in DIR (dossiers.csv, dossiers.csv.gz,
dossiers.xlsx or dossiers.parquet…), as contract/extract-format.md describes.

Rows with a bad value, a missing required value, a duplicate key, an unknown
code or an unknown reference are quarantined (see the quarantine table) and
not loaded; every row read is loaded or quarantined. The load is
all-or-nothing: a refused extraction leaves the warehouse as it was. Prints
table,rows_read,rows_loaded,rows_quarantined per file.`,
		Example: `  vigie ingest /data/extractions/2026-11-23
  vigie ingest --format csv --max-reject-ratio 0.05 ./extraction`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
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
				Arguments:      os.Args[1:],
				Limits:         o.limits,
			}
			if o.maxRejectRatio == 0 {
				opt.MaxRejectRatio = -1 // 0 given on the command line: refuse any quarantined row
			}
			if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				opt.Progress = a.stderr
			}
			res, err := ingest.Run(ctx, w, args[0], opt)
			if res != nil {
				a.printIngestSummary(res)
			}
			return err
		},
	}
	cmd.Flags().Float64Var(&o.maxRejectRatio, "max-reject-ratio", ingest.DefaultMaxRejectRatio, "refuse the extraction when more than this share of its rows is quarantined")
	cmd.Flags().StringVar(&o.encoding, "encoding", "", "encoding of CSV files: utf-8 or windows-1252 (default: detected)")
	cmd.Flags().IntVar(&o.limits.MaxColumns, "max-columns", ingest.DefaultMaxColumns, "refuse a file whose header has more columns")
	cmd.Flags().Int64Var(&o.limits.MaxRecordBytes, "max-line-bytes", ingest.DefaultMaxRecordBytes, "refuse a CSV file with a record (multi-line fields included) longer than this many bytes")
	cmd.Flags().Int64Var(&o.limits.MaxFileBytes, "max-file-bytes", ingest.DefaultMaxFileBytes, "refuse a file larger than this many bytes once decompressed (or a workbook once unzipped)")
	cmd.Flags().Int64Var(&o.limits.MaxSheetRows, "max-sheet-rows", ingest.DefaultMaxSheetRows, "refuse an XLSX sheet with more rows")
	addFormatFlag(cmd, a)
	return cmd
}

// printIngestSummary prints the per-file counts on stdout and the first
// quarantined rows on stderr. Values of identity columns are never printed.
func (a *app) printIngestSummary(res *ingest.Result) {
	t := &table{columns: []string{"table", "rows_read", "rows_loaded", "rows_quarantined"}, types: make([]string, 4)}
	for _, f := range res.Files {
		t.rows = append(t.rows, []any{f.Table, f.Read, f.Loaded, f.Quarantined})
	}
	if !res.Refused || len(res.Files) > 0 {
		_ = t.write(a.stdout, a.format)
	}
	for _, f := range res.Files {
		if f.TransferKept > 0 {
			fmt.Fprintf(a.stderr, "%s : %d lignes gardent la destination d'un transfert exécuté\n", f.File, f.TransferKept)
		}
		if f.ArchivedDropped > 0 {
			fmt.Fprintf(a.stderr, "%s : %d lignes de dossiers archivés : identité et texte libre écartés\n", f.File, f.ArchivedDropped)
		}
	}
	if res.Quarantined == 0 {
		return
	}
	fmt.Fprintf(a.stderr, "%d lignes sur %d mises en quarantaine (run %d) ; détail : vigie query \"SELECT * FROM quarantine WHERE run_id = %d\"\n",
		res.Quarantined, res.Read, res.RunID, res.RunID)
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
	if int64(len(res.Samples)) < res.Quarantined {
		fmt.Fprintf(a.stderr, "  … et %d autres\n", res.Quarantined-int64(len(res.Samples)))
	}
}
