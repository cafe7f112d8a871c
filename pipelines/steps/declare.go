package steps

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/backup"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/rafael"
	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/structure"
	"github.com/arml-na/vigie/pipelines/subscriptions"
	"github.com/arml-na/vigie/pipelines/transfers"
)

// Declared returns the registry of every step of vigie: the one list the
// command line, the daemon and the demo run from. A new step is declared
// below and added here.
func Declared() *Registry {
	r := NewRegistry()
	for _, s := range []Step{Ingest, Controls, WeeklyASP, ReportRegion, ReportWeekly, ReportMonthly, Report, Transfers,
		ArchivePlan, ArchiveApply, ArchiveDossier, ArchiveBackup, Rafael, Backup, Subscriptions} {
		if err := r.Add(s); err != nil {
			panic(err) // a programming error, caught by TestDeclared
		}
	}
	return r
}

// Extraction is what the ingest step loads: a folder and its options.
type Extraction struct {
	Dir     string
	Options ingest.Options
}

// Ingest loads an extraction folder. Under the daemon it is the inbox watch
// that runs it, one recorded run per folder.
var Ingest = &Pipeline[Extraction, *ingest.Result]{
	Declared: Info{Name: "ingest", Command: "ingest",
		Reads:  []string{"extraction (fichiers)", "transfer_journal", "dossiers.archive"},
		Writes: []string{"tables de l'extraction", "run_files", "quarantine"}},
	Exec: func(ctx context.Context, e Env, x Extraction) (*ingest.Result, error) {
		x.Options.RunID = e.RunID
		if x.Options.Logger == nil {
			x.Options.Logger = e.Log
		}
		if x.Options.Progress == nil {
			x.Options.Progress = e.Progress
		}
		return ingest.Run(ctx, e.W, x.Dir, x.Options)
	},
}

// Controls runs every control of the rules for a date.
var Controls = &Pipeline[controls.Options, *controls.Result]{
	Declared: Info{Name: "controls", Command: "controls",
		Reads:  []string{"tables de l'extraction"},
		Writes: []string{"control_runs", "findings", "findings_resolved", "indicateurs"}},
	Exec: func(ctx context.Context, e Env, o controls.Options) (*controls.Result, error) {
		o.RunID = e.RunID
		return controls.Run(ctx, e.W, o)
	},
	ForInstant: func(in Instant) (controls.Options, error) {
		return controls.Options{AsOf: in.AsOf, SkipList: true, Reference: in.Reference}, nil
	},
}

// WeeklyASP writes each structure's signed ASP list of the week before.
var WeeklyASP = &Pipeline[reporting.Options, *reporting.Result]{
	Declared: Info{Name: "weekly_asp", Command: "report asp",
		Reads:    []string{"dispositifs", "dossiers", "structures"},
		Produces: "la liste ASP à signer de chaque structure, pour sa direction"},
	Exec: func(ctx context.Context, e Env, o reporting.Options) (*reporting.Result, error) {
		return reporting.WriteASPLists(ctx, e.W, o)
	},
	ForInstant: func(in Instant) (reporting.Options, error) {
		return reporting.Options{AsOf: in.AsOf, Out: filepath.Join(in.OutDir, "asp")}, nil
	},
	Outputs: reportOutputs,
}

// reportExec is the report run of Report, ReportRegion and ReportMonthly.
func reportExec(ctx context.Context, e Env, o reporting.Options) (*reporting.Result, error) {
	if o.Progress == nil {
		o.Progress = e.Progress
	}
	return reporting.Run(ctx, e.W, o)
}

var reportReads = []string{"findings", "findings_resolved", "control_runs", "indicateurs", "tables de l'extraction"}

// ReportRegion writes the regional summary and workbook of the weekly
// control, for the analysts.
var ReportRegion = &Pipeline[reporting.Options, *reporting.Result]{
	Declared: Info{Name: "report_region", Command: "report --region-only", Reads: reportReads,
		Produces: "la synthèse et le classeur régionaux, pour les analystes"},
	Exec: reportExec,
	ForInstant: func(in Instant) (reporting.Options, error) {
		return reporting.Options{AsOf: in.AsOf, Out: filepath.Join(in.OutDir, "rapports"), RegionOnly: true, Period: controls.Weekly}, nil
	},
	Outputs: reportOutputs,
}

// ReportWeekly is the Monday mailbox: every structure's dashboard (opening
// on the director's action page), workbook, ASP list and email body for its
// director, the regional files for the analysts, and, for the structures the
// configuration opts in, each counsellor's list of the findings on their
// dossiers, for that counsellor; compared with the week before.
var ReportWeekly = &Pipeline[reporting.Options, *reporting.Result]{
	Declared: Info{Name: "report_weekly", Command: "report", Reads: append(append([]string(nil), reportReads...), "utilisateurs"),
		Produces: "le tableau de bord, le classeur, la liste ASP et le courriel de chaque structure pour sa direction ; " +
			"la liste de chaque conseiller des structures inscrites (counsellors), pour ce conseiller ; les fichiers régionaux pour les analystes"},
	Exec: reportExec,
	ForInstant: func(in Instant) (reporting.Options, error) {
		return reporting.Options{AsOf: in.AsOf, Out: filepath.Join(in.OutDir, "rapports"), Period: controls.Weekly, Counsellors: in.Counsellors}, nil
	},
	Outputs: reportOutputs,
}

// ReportMonthly writes every structure's dashboard and workbook and the
// regional ones, compared with the month before.
var ReportMonthly = &Pipeline[reporting.Options, *reporting.Result]{
	Declared: Info{Name: "report_monthly", Command: "report", Reads: reportReads,
		Produces: "le tableau de bord et le classeur de chaque structure pour sa direction (la liste ASP à signer reste celle du lundi) ; les fichiers régionaux pour les analystes"},
	Exec: reportExec,
	ForInstant: func(in Instant) (reporting.Options, error) {
		return reporting.Options{AsOf: in.AsOf, Out: filepath.Join(in.OutDir, "rapports"), Period: controls.Monthly}, nil
	},
	Outputs: reportOutputs,
}

// Report is `vigie report`: the reports of a date, by hand (not scheduled;
// the schedules use ReportRegion and ReportMonthly).
var Report = &Pipeline[reporting.Options, *reporting.Result]{
	Declared: Info{Name: "report", Command: "report", Reads: reportReads,
		Produces: "les rapports de chaque structure et de la région, dans le dossier donné"},
	Exec:    reportExec,
	Outputs: reportOutputs,
}

// reportOutputs gives each file its audience from what the report step
// wrote: a structure's files to its director, a counsellor's list to that
// counsellor, the regional ones to the analysts.
func reportOutputs(r *reporting.Result) ([]Output, error) {
	var outs []Output
	codes := make([]string, 0, len(r.ByStructure))
	for c := range r.ByStructure {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if !structure.Valid(c) {
			return nil, fmt.Errorf("rapport : code de structure %q invalide", c)
		}
		for _, f := range r.ByStructure[c] {
			outs = append(outs, Output{Path: f, Audience: c})
		}
	}
	ids := make([]string, 0, len(r.ByCounsellor))
	for id := range r.ByCounsellor {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, f := range r.ByCounsellor[id] {
			outs = append(outs, Output{Path: f, Audience: delivery.Counsellor(id)})
		}
	}
	for _, f := range r.Region {
		outs = append(outs, Output{Path: f, Audience: AnalystsAudience})
	}
	return outs, nil
}

// Transfers runs the transfer requests due at an instant.
var Transfers = &Pipeline[transfers.Options, *transfers.Result]{
	Declared: Info{Name: "transfers", Command: "transfers run",
		Reads:  []string{"transferts", "utilisateurs", "lieux", "dossiers"},
		Writes: []string{"tables transférées", "transfer_journal", "transfer_status", "transfer_deletable"}},
	Exec: func(ctx context.Context, e Env, o transfers.Options) (*transfers.Result, error) {
		o.RunID = e.RunID
		return transfers.Run(ctx, e.W, o)
	},
	ForInstant: func(in Instant) (transfers.Options, error) {
		return transfers.Options{At: in.For}, nil
	},
}

// ArchivePlan is the automatic archiving decision of every dossier.
var ArchivePlan = &Pipeline[time.Time, []archive.Decision]{
	Declared: Info{Name: "archive_plan", Command: "archive plan", Reads: []string{"dossiers", "dispositifs", "evenements"}},
	Exec: func(ctx context.Context, e Env, asOf time.Time) ([]archive.Decision, error) {
		ds, err := archive.Plan(ctx, e.W, asOf)
		if err == nil {
			e.log().Debug("archive plan", "decisions", len(ds))
		}
		return ds, err
	},
	ForInstant: func(in Instant) (time.Time, error) { return in.AsOf, nil },
}

// compactAfterArchiving rewrites the warehouse file once dossiers are
// archived, so that their old identities cannot be read from its bytes.
func compactAfterArchiving(ctx context.Context, e Env, r *archive.Result) error {
	if r == nil || len(r.Archived) == 0 || e.RunID == 0 {
		return nil
	}
	return e.W.WhileClosed(ctx, func(path string) error { return archive.Compact(ctx, path, e.W.SQL) })
}

const compactionThen = "réécriture du fichier de l'entrepôt (vigie archive compact), pour que les anciennes valeurs ne restent pas dans ses blocs libérés"

var archiveWrites = []string{"dossiers (identités effacées)", "tables liées (texte libre effacé)", "archive_batches"}

// ArchiveApply writes the backup, archives what the plan archives, then
// rewrites the warehouse file.
var ArchiveApply = &Pipeline[archive.Options, *archive.Result]{
	Declared: Info{Name: "archive_apply", Command: "archive apply", Reads: []string{"dossiers", "dispositifs", "evenements"},
		Writes: archiveWrites, Produces: "la sauvegarde « Sauvegarde avant archivage » (dossier des sauvegardes)", Then: compactionThen},
	Exec: func(ctx context.Context, e Env, o archive.Options) (*archive.Result, error) {
		o.RunID = e.RunID
		return archive.Apply(ctx, e.W, o)
	},
	Then: compactAfterArchiving,
	ForInstant: func(in Instant) (archive.Options, error) {
		return archive.Options{AsOf: in.AsOf, BackupDir: in.BackupDir}, nil
	},
}

// DossierRequest is a manual archiving: one dossier, its motif.
type DossierRequest struct {
	ID, Motif string
	Options   archive.Options
}

// ArchiveDossier archives one dossier by hand, then rewrites the file.
var ArchiveDossier = &Pipeline[DossierRequest, *archive.Result]{
	Declared: Info{Name: "archive_dossier", Command: "archive dossier", Reads: []string{"dossiers"},
		Writes: archiveWrites, Produces: "la sauvegarde « Sauvegarde avant archivage » (dossier des sauvegardes)", Then: compactionThen},
	Exec: func(ctx context.Context, e Env, d DossierRequest) (*archive.Result, error) {
		d.Options.RunID = e.RunID
		return archive.Dossier(ctx, e.W, d.ID, d.Motif, d.Options)
	},
	Then: compactAfterArchiving,
}

// BackupRequest is the yearly correspondence export.
type BackupRequest struct {
	Out  string
	AsOf time.Time
}

// ArchiveBackup writes the yearly full correspondence export.
var ArchiveBackup = &Pipeline[BackupRequest, archive.File]{
	Declared: Info{Name: "archive_backup", Command: "archive backup", Reads: []string{"dossiers"},
		Writes: []string{"runs"}, Produces: "l'export de correspondance des dossiers non archivés (dossier donné)"},
	Exec: func(ctx context.Context, e Env, b BackupRequest) (archive.File, error) {
		return archive.Backup(ctx, e.W, b.Out, b.AsOf)
	},
}

// Rafael writes the ARML's monthly file of Rafael date-change requests
// (rules.md RAF); scheduled the 1st of the month for the month before, for
// the analysts. The same month again (a retry) gives the same file.
var Rafael = &Pipeline[rafael.Options, *rafael.Result]{
	Declared: Info{Name: "rafael", Command: "rafael", Reads: []string{"situations", "dossiers", "rafael_sent"},
		Writes: []string{"rafael_sent"}, Produces: "le fichier mensuel des demandes Rafael, pour les analystes"},
	Exec: func(ctx context.Context, e Env, o rafael.Options) (*rafael.Result, error) {
		o.RunID = e.RunID
		return rafael.Run(ctx, e.W, o)
	},
	ForInstant: func(in Instant) (rafael.Options, error) {
		return rafael.Options{Month: rafael.PreviousMonth(in.AsOf), Out: filepath.Join(in.OutDir, "rafael"), Now: in.For}, nil
	},
	Outputs: func(r *rafael.Result) ([]Output, error) {
		return []Output{{Path: r.Path, Audience: AnalystsAudience}}, nil
	},
}

// Backup writes a consistent copy of the warehouse and its SHA-256 (`vigie
// backup`; the daily backup job, on the warehouse the daemon's pass holds).
var Backup = &Pipeline[backup.Options, backup.Copy]{
	Declared: Info{Name: "backup", Command: "backup", Reads: []string{"tout l'entrepôt"},
		Produces: "une copie cohérente de l'entrepôt et son empreinte SHA-256, mode 0600 (dossier des sauvegardes)"},
	Exec: func(ctx context.Context, e Env, o backup.Options) (backup.Copy, error) {
		if o.Now.IsZero() {
			o.Now = time.Now()
		}
		if o.Keep == 0 {
			o.Keep = backup.DefaultKeep
		}
		if o.Out == "" {
			o.Out = filepath.Join(filepath.Dir(e.W.Path), "sauvegardes")
		}
		c, err := backup.Take(ctx, e.W, o)
		if err == nil {
			e.log().Info("sauvegarde écrite", "path", c.Path, "sha256", c.SHA256, "bytes", c.Bytes, "removed", len(c.Removed))
		}
		return c, err
	},
	ForInstant: func(in Instant) (backup.Options, error) {
		return backup.Options{Out: in.Backups, Keep: in.BackupKeep}, nil
	},
}

// Subscriptions sends the console's subscriptions due at the instant: each
// analysis over its subscriber's own scope, to that subscriber only.
var Subscriptions = &Pipeline[subscriptions.Options, *subscriptions.Result]{
	Declared: Info{Name: "subscriptions", Command: "schedule run subscriptions",
		Reads:    []string{"tout l'entrepôt (les requêtes des analyses)", "comptes et abonnements de la console"},
		Produces: "le résultat de chaque analyse à laquelle un compte de la console est abonné, pour ce compte"},
	Exec: func(ctx context.Context, e Env, o subscriptions.Options) (*subscriptions.Result, error) {
		if o.Log == nil {
			o.Log = e.log()
		}
		return subscriptions.Run(ctx, e.W, o)
	},
	ForInstant: func(in Instant) (subscriptions.Options, error) {
		return subscriptions.Options{For: in.For, Job: in.Job, Out: filepath.Join(in.OutDir, "abonnements"), Query: in.Query}, nil
	},
	Outputs: func(r *subscriptions.Result) ([]Output, error) {
		logins := make([]string, 0, len(r.BySubscriber))
		for l := range r.BySubscriber {
			logins = append(logins, l)
		}
		sort.Strings(logins)
		var outs []Output
		for _, l := range logins {
			for _, f := range r.BySubscriber[l] {
				outs = append(outs, Output{Path: f, Audience: delivery.Subscriber(l)})
			}
		}
		return outs, nil
	},
}
