package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() {
	register(newArchiveCmd)
	registerDemoStep(demoStep{order: 40, name: "archive plan", run: demoArchivePlan})
}

// openExisting opens an existing warehouse for writing: a batch never
// creates one.
func (a *app) openExisting(ctx context.Context) (*warehouse.Warehouse, error) {
	if err := requireFile(a.warehousePath); err != nil {
		return nil, err
	}
	return a.openWarehouse(ctx)
}

// runInfo is the run record of a command: what the user typed after its
// path. The command recorded is the step's own (steps.Run), whoever runs it.
func runInfo(cmd *cobra.Command, args []string) warehouse.RunInfo {
	return warehouse.RunInfo{Arguments: commandArguments(cmd, args)}
}

// commandArguments rebuilds what the user typed after the command's path,
// for the run record (ids and options only: no identity ever reaches them).
func commandArguments(cmd *cobra.Command, args []string) []string {
	out := append([]string(nil), args...)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		out = append(out, "--"+f.Name+"="+f.Value.String())
	})
	return out
}

func newArchiveCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Le lot d'archivage : plan, application, archivage d'un dossier, sauvegardes",
		Long: `Le lot d'archivage de contract/rules.md (ARC).

  plan     la décision automatique de chaque dossier non encore archivé
  apply    écrit la sauvegarde « Sauvegarde avant archivage », puis archive ce que dit le plan
  dossier  archive un dossier à la main (motif demande_du_jeune ou deces)
  backup   l'export annuel de correspondance (id, noms, date de naissance, structure)
  compact  réécrit le fichier de l'entrepôt pour qu'aucun bloc libéré ne garde une ancienne valeur

L'archivage est irréversible : les colonnes d'identité et le texte libre
deviennent NULL (l'année de naissance est gardée), et apply et dossier
réécrivent le fichier de l'entrepôt pour que les anciennes valeurs ne se
lisent plus dans ses octets. Le lot planifié (tâche archive) fait de même.`,
		Args: noArgs,
	}
	cmd.AddCommand(newArchivePlanCmd(a), newArchiveApplyCmd(a), newArchiveDossierCmd(a), newArchiveBackupCmd(a), newArchiveCompactCmd(a))
	return cmd
}

func newArchivePlanCmd(a *app) *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Affiche la décision d'archivage automatique de chaque dossier non archivé",
		Long: `Affiche id_dossier,code_structure,decision,motif pour chaque dossier non
encore archivé, trié par id_dossier : décision archive ou keep, motif
dispositif_ouvert, age_31, eav_moins_31, age_27, inactif_29_mois ou actif
(rules.md ARC, la première règle qui s'applique l'emporte). Rien n'est
modifié ; un décompte par motif va sur la sortie d'erreur.`,
		Example: `  vigie archive plan --as-of 2026-11-23 --format csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			d, err := parseAsOf(asOf, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			plan, err := steps.ArchivePlan.Do(ctx, a.env(w), d)
			if err != nil {
				return err
			}
			t := stringTable([]string{"id_dossier", "code_structure", "decision", "motif"})
			for _, p := range plan {
				t.rows = append(t.rows, []any{p.IDDossier, p.CodeStructure, p.Decision, p.Motif})
			}
			fmt.Fprintln(a.stderr, planSummary(plan, d))
			return t.write(a.stdout, a.format)
		},
	}
	nowFlag(cmd.Flags(), &asOf, "as-of", dayFlag, "le jour du plan, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	addFormatFlag(cmd, a)
	return cmd
}

// planSummary sums a plan up in French, by decision and motif.
func planSummary(plan []archive.Decision, d time.Time) string {
	counts := map[string]int{}
	archived := 0
	for _, p := range plan {
		counts[p.Motif]++
		if p.Decision == archive.DecisionArchive {
			archived++
		}
	}
	part := func(ms ...string) string {
		var s []string
		for _, m := range ms {
			s = append(s, m+" "+frInt(counts[m]))
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("Plan d'archivage au %s : %s, %s à archiver (%s), %s (%s).",
		d.Format("02/01/2006"), frCount(len(plan), "dossier non archivé", "dossiers non archivés"), frInt(archived),
		part(archive.MotifAge31, archive.MotifAge27, archive.MotifInactif),
		frCount(len(plan)-archived, "conservé", "conservés"), part(archive.MotifDispositifOuvert, archive.MotifEAV, archive.MotifActif))
}

func stringTable(cols []string) *table {
	t := &table{columns: cols, types: make([]string, len(cols))}
	for i := range t.types {
		t.types[i] = "VARCHAR"
	}
	return t
}

func archivedTable(res *archive.Result) *table {
	t := stringTable([]string{"id_dossier", "code_structure", "motif"})
	for _, x := range res.Archived {
		t.rows = append(t.rows, []any{x.IDDossier, x.CodeStructure, x.Motif})
	}
	return t
}

// archiveFlags are what apply and dossier share.
type archiveFlags struct {
	asOf, backupDir string
	dryRun          bool
}

func (f *archiveFlags) add(cmd *cobra.Command) {
	nowFlag(cmd.Flags(), &f.asOf, "as-of", dayFlag, "la date d'archivage D, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	cmd.Flags().StringVar(&f.backupDir, "backup-dir", "", "dossier de la sauvegarde « Sauvegarde avant archivage » (obligatoire sauf avec --dry-run)")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "affiche ce qui serait archivé ; n'écrit aucune sauvegarde, ne change rien")
}

func (f *archiveFlags) validate() (archive.Options, error) {
	d, err := parseAsOf(f.asOf, time.Now())
	if err != nil {
		return archive.Options{}, err
	}
	if f.backupDir == "" && !f.dryRun {
		return archive.Options{}, usagef("indiquez le dossier de la sauvegarde, par exemple --backup-dir /srv/vigie/sauvegardes",
			"--backup-dir est obligatoire : la sauvegarde « Sauvegarde avant archivage » est écrite avant toute anonymisation")
	}
	return archive.Options{AsOf: d, BackupDir: f.backupDir, DryRun: f.dryRun}, nil
}

// runArchive runs one archiving (apply or dossier) through its step: a dry
// run reads only; a real one is recorded, and what must follow the step (the
// rewrite of the warehouse file) follows it.
func runArchive[O any](ctx context.Context, a *app, cmd *cobra.Command, args []string, asOf time.Time, dryRun bool,
	p *steps.Pipeline[O, *archive.Result], o O) error {
	if dryRun {
		w, err := a.openWarehouseReadOnly(ctx)
		if err != nil {
			return err
		}
		defer w.Close()
		res, err := p.Preview(ctx, a.env(w), o)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "Simulation : %s ; aucune sauvegarde écrite, rien n'est modifié.\n",
			frCount(len(res.Archived), "dossier serait archivé", "dossiers seraient archivés"))
		return archivedTable(res).write(a.stdout, a.format)
	}
	w, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	info := runInfo(cmd, args)
	info.AsOf = &asOf
	res, err := steps.Run(ctx, a.env(w), p, info, o)
	if res != nil && res.Backup.Path != "" {
		fmt.Fprintf(a.stderr, "Sauvegarde avant archivage : %s (SHA-256 %s)\n", res.Backup.Path, res.Backup.SHA256)
	}
	var then *steps.ThenError
	if errors.As(err, &then) {
		return fmt.Errorf("%s (run %d) mais le fichier de l'entrepôt garde encore les anciennes valeurs dans des blocs libérés : %w ; la prochaine commande qui ouvre l'entrepôt en écriture (ou 'vigie archive compact') termine cette réécriture",
			frCount(len(res.Archived), "dossier est archivé", "dossiers sont archivés"), then.RunID, then.Err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Archivage (run %d) : %s%s.\n", res.RunID, frCount(len(res.Archived), "dossier archivé", "dossiers archivés"), motifCounts(res))
	return archivedTable(res).write(a.stdout, a.format)
}

func motifCounts(res *archive.Result) string {
	if len(res.Counts) == 0 {
		return ""
	}
	var s []string
	for _, m := range res.Motifs() {
		s = append(s, fmt.Sprintf("%s %d", m, res.Counts[m]))
	}
	return " (" + strings.Join(s, ", ") + ")"
}

func newArchiveApplyCmd(a *app) *cobra.Command {
	f := &archiveFlags{}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Écrit la sauvegarde, puis archive chaque dossier que le plan archive",
		Long: `Écrit la sauvegarde « Sauvegarde avant archivage » (XLSX, mode 0600, son
chemin sur la sortie d'erreur) de chaque dossier que le plan pour --as-of
archive ; une fois seulement qu'elle est sur le disque, les anonymise tous en
une transaction, enregistre le lot (run, décompte par motif, chemin et SHA-256
de la sauvegarde dans archive_batches) et réécrit le fichier de l'entrepôt pour
que les anciennes valeurs disparaissent de ses octets. Si la sauvegarde ne peut
pas être écrite, rien n'est archivé et le statut de sortie est 1.
Affiche id_dossier,code_structure,motif des dossiers archivés.`,
		Example: `  vigie archive apply --as-of 2026-11-23 --backup-dir /srv/vigie/sauvegardes
  vigie archive apply --as-of 2026-11-23 --dry-run --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			opts, err := f.validate()
			if err != nil {
				return err
			}
			return runArchive(cmd.Context(), a, cmd, args, opts.AsOf, opts.DryRun, steps.ArchiveApply, opts)
		},
	}
	f.add(cmd)
	addFormatFlag(cmd, a)
	return cmd
}

func newArchiveDossierCmd(a *app) *cobra.Command {
	f := &archiveFlags{}
	var motif string
	cmd := &cobra.Command{
		Use:   "dossier ID --motif M",
		Short: "Archive un dossier à la main (motif demande_du_jeune ou deces)",
		Long: `Archive un dossier à la demande du jeune (demande_du_jeune) ou après un décès
(deces) : même sauvegarde, anonymisation, enregistrement et réécriture du
fichier que apply. Tout autre motif, ou plus d'un dossier, est refusé (statut
de sortie 1). Affiche id_dossier,code_structure,motif.`,
		Example: `  vigie archive dossier D000123 --motif demande_du_jeune --as-of 2026-11-23 --backup-dir /srv/vigie/sauvegardes`,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if len(args) == 0 {
				return usagef("par exemple vigie archive dossier D000123 --motif deces --backup-dir DIR", "indiquez l'identifiant du dossier à archiver")
			}
			if motif == "" {
				return usagef("--motif demande_du_jeune ou --motif deces", "--motif est obligatoire : le motif de l'archivage manuel")
			}
			opts, err := f.validate()
			if err != nil {
				return err
			}
			id := args[0]
			if len(args) > 1 {
				id = strings.Join(args, ",")
			}
			if err := archive.CheckManual(id, motif); err != nil {
				return err
			}
			return runArchive(cmd.Context(), a, cmd, args, opts.AsOf, opts.DryRun, steps.ArchiveDossier,
				steps.DossierRequest{ID: id, Motif: motif, Options: opts})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&motif, "motif", "", "demande_du_jeune ou deces")
	addFormatFlag(cmd, a)
	return cmd
}

func newArchiveBackupCmd(a *app) *cobra.Command {
	var out, asOf string
	cmd := &cobra.Command{
		Use:   "backup --out DIR",
		Short: "Écrit l'export annuel de correspondance des dossiers non archivés",
		Long: `Écrit correspondance-dossiers-<date>.xlsx dans DOSSIER (mode 0600) :
id_dossier, code_structure, nom_usage, nom_naissance, prenom, date_naissance de
chaque dossier non encore archivé, la table que le guide régional conseille de
garder avant l'archivage. Affiche le chemin du fichier.`,
		Example: `  vigie archive backup --out /srv/vigie/sauvegardes`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("par exemple vigie archive backup --out /srv/vigie/sauvegardes", "--out est obligatoire : le dossier où écrire l'export")
			}
			d, err := parseAsOf(asOf, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			info := runInfo(cmd, args)
			info.AsOf = &d
			f, err := steps.Run(ctx, a.env(w), steps.ArchiveBackup, info, steps.BackupRequest{Out: out, AsOf: d})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "Export de correspondance : %s (SHA-256 %s)\n", french.Count(int64(f.Rows), "dossier", "dossiers"), f.SHA256)
			fmt.Fprintln(a.stdout, f.Path)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "dossier où écrire l'export")
	nowFlag(cmd.Flags(), &asOf, "as-of", dayFlag, "la date dans le nom du fichier, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	return cmd
}

func newArchiveCompactCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Réécrit le fichier de l'entrepôt pour qu'aucun bloc libéré ne garde une ancienne valeur",
		Long: `Copie l'entrepôt dans un fichier neuf qui ne garde que les lignes vivantes et
le met à sa place (même mode). apply, dossier et le lot planifié le font
eux-mêmes ; ne le lancez à la main que s'ils ont signalé l'échec de cette
dernière étape.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFile(a.warehousePath); err != nil {
				return err
			}
			return archive.Compact(cmd.Context(), a.warehousePath, sqlfiles.FS())
		},
	}
}

// demoArchivePlan runs the archiving plan on the demo region (plan only:
// the demo keeps every identity) and sums it up.
func demoArchivePlan(ctx context.Context, _ *app, d *demoRun) error {
	plan, err := steps.ArchivePlan.Do(ctx, d.env(), d.AsOf)
	if err != nil {
		return err
	}
	fmt.Fprintln(d.Summary, planSummary(plan, d.AsOf))
	fmt.Fprintf(d.Summary, "La démonstration garde les identités : l'archivage lui-même serait %s archive apply --warehouse %s --as-of %s --backup-dir DOSSIER\n",
		programName(), d.Warehouse.Path, d.AsOf.Format(time.DateOnly))
	return nil
}
