package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
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
	// counsellors: the structures whose counsellors receive their list
	// (comma-separated, or *); nothing: « rien à signaler » too.
	counsellors string
	nothing     bool
}

// validate checks the flags once, before any work.
func (o *reportOptions) validate() (reporting.Options, error) {
	var opts reporting.Options
	d, err := parseAsOf(o.asOf, time.Now())
	if err != nil {
		return opts, err
	}
	if o.out == "" {
		return opts, usagef("par exemple --out rapports", "--out est obligatoire : le dossier où écrire les rapports")
	}
	if o.structure != "" {
		if err := reports.ValidStructureCode(o.structure); err != nil {
			return opts, usagef("un code de structure ne contient que des lettres, des chiffres, - et _, par exemple --structure ML-16001", "code de structure %q invalide", o.structure)
		}
	}
	if o.regionOnly && o.structure != "" {
		return opts, usagef("retirez --structure : les fichiers régionaux couvrent toutes les structures", "--region-only et --structure s'excluent")
	}
	opts = reporting.Options{AsOf: d, Structure: o.structure, Out: o.out, RegionOnly: o.regionOnly}
	if o.counsellors != "" {
		c := &reporting.CounsellorOptions{NothingToReport: o.nothing}
		for _, code := range strings.Split(o.counsellors, ",") {
			code = strings.TrimSpace(code)
			if code != reporting.AllStructures && reports.ValidStructureCode(code) != nil {
				return opts, usagef("par exemple --conseillers ML-16001,ML-17002 ou --conseillers '*'", "--conseillers : code de structure %q invalide", code)
			}
			c.Structures = append(c.Structures, code)
		}
		if o.regionOnly {
			return opts, usagef("retirez --region-only", "--conseillers écrit les listes des structures : il exclut --region-only")
		}
		opts.Counsellors = c
	} else if o.nothing {
		return opts, usagef("ajoutez --conseillers", "--rien-a-signaler va avec --conseillers")
	}
	return opts, nil
}

func (o *reportOptions) flags(cmd *cobra.Command) {
	nowFlag(cmd.Flags(), &o.asOf, "as-of", dayFlag, "le jour des rapports, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	cmd.Flags().StringVar(&o.structure, "structure", "", "une seule structure (alors sans synthèse régionale)")
	cmd.Flags().StringVar(&o.out, "out", "", "dossier de sortie : OUT/<code_structure>/<date>/ et OUT/region/<date>/")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "n'affiche que les erreurs")
}

func newReportCmd(a *app) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Écrit les rapports PDF et Excel de chaque structure et de la région",
		Long: `Écrit, pour chaque structure, dans OUT/<code_structure>/<date>/ :
  tableau-de-bord-<code>-<date>.pdf  le tableau de bord de la direction
  classeur-<code>-<date>.xlsx        le classeur, une feuille par tableau de bord
  liste-asp-<code>-<date>.pdf        la liste ASP de la semaine, prête à signer
et, pour la région, dans OUT/region/<date>/ une synthèse PDF et un classeur
de toutes les structures (décomptes seulement).

Les tableaux de bord (Rendez-vous, Formation, PACEA/CEJ, SIENE, Contrôles, PAC,
USR, RGS, DOS) montrent les contrôles de la date : lancez d'abord
« vigie controls --as-of D » ; sans eux le rapport est refusé. Les « nouveaux /
résolus » comparent avec le contrôle hebdomadaire de référence de la semaine
d'avant, dont la page donne la date. Les fichiers d'une structure ne
contiennent que ses lignes ; ils contiennent des données personnelles et sont
écrits en mode 0600.

Avec --conseillers, chaque compte actif conseiller_referent des structures
nommées reçoit aussi sa liste, dans OUT/<code>/<date>/conseillers/<id>/ : les
constats des seuls dossiers (et partenaires) dont il est référent, en PDF et en
Excel, avec un message ; sans constat, rien, ou un message « rien à signaler »
avec --rien-a-signaler.`,
		Example: `  vigie report --as-of 2026-11-23 --out rapports
  vigie report --as-of 2026-11-23 --structure ML-16001 --out rapports
  vigie report --as-of 2026-11-23 --region-only --out rapports
  vigie report --as-of 2026-11-23 --structure ML-16001 --conseillers ML-16001 --out rapports
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
	cmd.Flags().BoolVar(&o.regionOnly, "region-only", false, "n'écrit que la synthèse et le classeur régionaux")
	cmd.Flags().StringVar(&o.counsellors, "conseillers", "", "écrit aussi la liste de chaque conseiller de ces structures (codes séparés par des virgules, ou *) : les constats de ses dossiers")
	cmd.Flags().BoolVar(&o.nothing, "rien-a-signaler", false, "avec --conseillers : un message « rien à signaler » au conseiller sans constat")
	cmd.AddCommand(newReportASPCmd(a))
	return cmd
}

func newReportASPCmd(a *app) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "asp",
		Short: "Écrit seulement la liste ASP hebdomadaire à signer de chaque structure (PDF)",
		Long: `Écrit la liste ASP de la semaine avant la date (contract/rules.md, PCJ), un
PDF A4 par structure, OUT/<code_structure>/<date>/liste-asp-<code>-<date>.pdf :
le nom de la structure, la semaine, les jeunes, et un cadre pour le nom, la
date et la signature de la direction. Une structure sans personne sur la liste
reçoit une liste qui le dit.`,
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

// demoReports runs the Monday mailbox's step (report_weekly) as the
// weekly control would, every structure's counsellors opted in, and says
// where the files are. They go to Out/reports rather than the run folder.
func demoReports(ctx context.Context, _ *app, d *demoRun) error {
	out := filepath.Join(d.Out, "reports")
	opts, err := steps.ReportWeekly.ForInstant(steps.Instant{Job: "demo", AsOf: d.AsOf, OutDir: d.Out,
		Counsellors: &reporting.CounsellorOptions{Structures: []string{reporting.AllStructures}}})
	if err != nil {
		return err
	}
	opts.Out, opts.Progress = out, io.Discard
	res, err := steps.ReportWeekly.Do(ctx, d.env(), opts)
	if err != nil {
		return err
	}
	if d.Outputs, err = steps.ReportWeekly.OutputsOf(res); err != nil {
		return err
	}
	counsellorFiles := 0
	for _, files := range res.ByCounsellor {
		counsellorFiles += len(files)
	}
	fmt.Fprintf(d.Summary, "Rapports : %d fichiers pour %d structures dans %s/<structure>/%s/ (tableau de bord PDF, classeur XLSX, liste ASP à signer, texte du courriel).\n",
		len(res.Files)-counsellorFiles-len(res.Region), res.Structures, out, d.AsOf.Format(time.DateOnly))
	fmt.Fprintf(d.Summary, "Listes des conseillers : %d fichiers pour %d conseillers (les constats des dossiers qu'ils suivent).\n",
		counsellorFiles, len(res.ByCounsellor))
	if res.RegionDir != "" {
		fmt.Fprintf(d.Summary, "Synthèse régionale : %s\n", res.RegionDir)
	}
	return nil
}
