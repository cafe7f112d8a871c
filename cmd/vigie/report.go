package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/reports"
)

func init() {
	register(newReportCmd)
	registerDemoStep(demoStep{order: 50, name: "reports", run: demoReports})
}

type reportOptions struct {
	asOf, structure, out string
	quiet, regionOnly    bool
}

// validate checks the flags once, before any work.
func (o *reportOptions) validate() (reporting.Options, error) {
	var opts reporting.Options
	d, err := parseAsOf(o.asOf, time.Now())
	if err != nil {
		return opts, err
	}
	if o.out == "" {
		return opts, usagef("e.g. --out rapports", "--out is required: the folder the reports go to")
	}
	if o.structure != "" {
		if err := reports.ValidStructureCode(o.structure); err != nil {
			return opts, usagef("a structure code holds letters, digits, - and _ only, e.g. --structure ML-16001", "bad structure code %q", o.structure)
		}
	}
	if o.regionOnly && o.structure != "" {
		return opts, usagef("drop --structure: the regional files cover every structure", "--region-only and --structure exclude each other")
	}
	return reporting.Options{AsOf: d, Structure: o.structure, Out: o.out, RegionOnly: o.regionOnly}, nil
}

func (o *reportOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.asOf, "as-of", "", "the day the reports are for, yyyy-mm-dd (default today in Europe/Paris)")
	cmd.Flags().StringVar(&o.structure, "structure", "", "one structure only (then no regional summary)")
	cmd.Flags().StringVar(&o.out, "out", "", "output folder: OUT/<code_structure>/<as-of>/ and OUT/region/<as-of>/")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
}

func newReportCmd(a *app) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the PDF and Excel reports of each structure and of the region",
		Long: `Write, for each structure, into OUT/<code_structure>/<as-of>/:
  tableau-de-bord-<code>-<as-of>.pdf  the director's dashboard
  classeur-<code>-<as-of>.xlsx        the workbook, one sheet per dashboard
  liste-asp-<code>-<as-of>.pdf        the weekly ASP list, ready to sign
and, for the region, into OUT/region/<as-of>/ a PDF summary and a workbook
across structures (counts only).

The dashboards (Rendez-vous, Formation, PACEA/CEJ, SIENE, Contrôles, PAC, USR,
RGS, DOS) show the latest controls run on or before the as-of date: run
'vigie controls --as-of D' first. A structure's files hold that structure's
rows only; they contain personal data and are written with mode 0600.`,
		Example: `  vigie report --as-of 2026-11-23 --out rapports
  vigie report --as-of 2026-11-23 --structure ML-16001 --out rapports
  vigie report --as-of 2026-11-23 --region-only --out rapports
  vigie report asp --as-of 2026-11-23 --out rapports`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := o.validate()
			if err != nil {
				return err
			}
			if !o.quiet {
				opts.Progress = a.stdout
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			p := steps.Report
			if opts.RegionOnly {
				p = steps.ReportRegion
			}
			res, err := p.Do(ctx, a.env(w), opts)
			if err != nil {
				return err
			}
			a.log.Debug("reports written", "structures", res.Structures, "files", len(res.Files))
			return nil
		},
	}
	o.flags(cmd)
	cmd.Flags().BoolVar(&o.regionOnly, "region-only", false, "write the regional summary and workbook only")
	cmd.AddCommand(newReportASPCmd(a))
	return cmd
}

func newReportASPCmd(a *app) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "asp",
		Short: "Write only the signed weekly ASP list of each structure (PDF)",
		Long: `Write the ASP list of the week before the as-of date (contract/rules.md,
PCJ) as one A4 PDF per structure, OUT/<code_structure>/<as-of>/liste-asp-<code>-<as-of>.pdf:
the structure's name, the week, the young people, and a block for the
director's name, date and signature. A structure with nobody on the list gets
a list that says so.`,
		Example: `  vigie report asp --as-of 2026-11-23 --out rapports
  vigie report asp --as-of 2026-11-23 --structure ML-16001 --out rapports`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := o.validate()
			if err != nil {
				return err
			}
			if !o.quiet {
				opts.Progress = a.stdout
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			_, err = steps.WeeklyASP.Do(ctx, a.env(w), opts)
			return err
		},
	}
	o.flags(cmd)
	return cmd
}

// demoReports writes every report under Out/reports and says where they are.
func demoReports(ctx context.Context, _ *app, d *demoRun) error {
	out := filepath.Join(d.Out, "reports")
	res, err := steps.Report.Do(ctx, d.env(), reporting.Options{AsOf: d.AsOf, Out: out, Progress: io.Discard})
	if err != nil {
		return err
	}
	if d.Outputs, err = steps.Report.OutputsOf(res); err != nil {
		return err
	}
	fmt.Fprintf(d.Summary, "Rapports : %d fichiers pour %d structures dans %s/<structure>/%s/ (tableau de bord PDF, classeur XLSX, liste ASP à signer).\n",
		len(res.Files), res.Structures, out, d.AsOf.Format(time.DateOnly))
	if res.RegionDir != "" {
		fmt.Fprintf(d.Summary, "Synthèse régionale : %s\n", res.RegionDir)
	}
	return nil
}
