package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
)

const envConfig = "VIGIE_CONFIG"

func init() {
	register(newScheduleCmd)
	registerDemoStep(demoStep{order: 60, name: "schedules", run: demoSchedules})
}

// scheduleFlags are the flags every scheduling command shares.
type scheduleFlags struct {
	config    string // the daemon configuration (recipients, SMTP, folders)
	schedules string // a schedule file replacing the shipped defaults
}

func (f *scheduleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.config, "config", "", "configuration file (or $"+envConfig+"; default vigie.yaml)")
	cmd.Flags().StringVar(&f.schedules, "schedules", "", "schedule definitions (YAML); default: the shipped schedules")
}

// load reads and validates the schedule definitions and the configuration;
// it is the only place that reads the SMTP password from the environment.
func (f *scheduleFlags) load(a *app, needConfig bool) (*schedules.Definitions, *schedules.Config, error) {
	defs, err := schedules.LoadDefinitions(f.schedules)
	if err != nil {
		return nil, nil, err
	}
	if !needConfig {
		return defs, nil, nil
	}
	path := f.config
	if path == "" {
		path = a.getenv(envConfig)
	}
	if path == "" {
		path = "vigie.yaml"
	}
	cfg, err := schedules.LoadConfig(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n(exemple commenté : testdata/schedules/vigie.yaml, dans les sources de vigie)", err)
	}
	if err := cfg.CheckJobs(defs); err != nil {
		return nil, nil, fmt.Errorf("%s : %w", path, err)
	}
	if err := cfg.CheckFolders(); err != nil {
		return nil, nil, fmt.Errorf("%s :\n%w", path, err)
	}
	if cfg.SMTP != nil && cfg.SMTP.PasswordEnv != "" {
		cfg.SMTP.Password = a.getenv(cfg.SMTP.PasswordEnv)
		if cfg.SMTP.Password == "" {
			return nil, nil, fmt.Errorf("%s : smtp.password_env = %q : cette variable d'environnement est vide ou absente ; donnez-lui le mot de passe SMTP (EnvironmentFile= dans l'unité systemd)", path, cfg.SMTP.PasswordEnv)
		}
	}
	return defs, cfg, nil
}

// newScheduler wires the scheduler's steps to the pipelines.
func newScheduler(a *app, defs *schedules.Definitions, cfg *schedules.Config, clock schedules.Clock) (*schedules.Scheduler, error) {
	s := &schedules.Scheduler{Defs: defs, Config: cfg, Steps: pipelineSteps(a), Clock: clock, Log: a.log,
		Ingest: func(ctx context.Context, w *warehouse.Warehouse, dir string) error {
			res, err := ingest.Run(ctx, w, dir, ingest.Options{Logger: a.log, Arguments: []string{dir}})
			if err != nil {
				return err
			}
			if res != nil && res.Refused {
				return warehouse.Refused(fmt.Errorf("%w: %s", ingest.ErrRefused, filepath.Base(dir)))
			}
			return nil
		}}
	if c := cfg.SMTP; c != nil {
		s.SMTP = &delivery.SMTPConfig{Host: c.Host, Port: c.Port, TLS: c.TLS, Username: c.Username, Password: c.Password, From: c.From}
		if c.CAFile != "" {
			pem, err := os.ReadFile(c.CAFile)
			if err != nil {
				return nil, fmt.Errorf("smtp.ca_file : %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("smtp.ca_file = %q : aucun certificat PEM dans ce fichier", c.CAFile)
			}
			s.SMTP.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
	}
	return s, nil
}

// pipelineSteps maps the step names of the schedules to the pipelines.
// ingest is the scheduler's own inbox watch (see newScheduler).
func pipelineSteps(a *app) schedules.Registry {
	return schedules.Registry{
		"controls": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			at := rc.ScheduledFor
			_, err := controls.Run(ctx, rc.W, controls.Options{AsOf: rc.AsOf, SkipList: true, Job: rc.Job, ScheduledFor: &at,
				Arguments: []string{"--as-of", rc.AsOf.Format(time.DateOnly)}})
			return nil, err
		},
		"weekly_asp": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			out := filepath.Join(rc.OutDir, "asp")
			res, err := reporting.WriteASPLists(ctx, rc.W, reporting.Options{AsOf: rc.AsOf, Out: out, Progress: io.Discard})
			if err != nil {
				return nil, err
			}
			return outputsByFolder(out, res.Files, false)
		},
		"report_region": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			out := filepath.Join(rc.OutDir, "rapports")
			res, err := reporting.Run(ctx, rc.W, reporting.Options{AsOf: rc.AsOf, Out: out, Progress: io.Discard, RegionOnly: true})
			if err != nil {
				return nil, err
			}
			return outputsByFolder(out, res.Files, true) // the region's files only
		},
		"report_monthly": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			out := filepath.Join(rc.OutDir, "rapports")
			res, err := reporting.Run(ctx, rc.W, reporting.Options{AsOf: rc.AsOf, Out: out, Progress: io.Discard})
			if err != nil {
				return nil, err
			}
			return outputsByFolder(out, res.Files, false)
		},
		"transfers": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			_, err := transfers.Run(ctx, rc.W, transfers.Options{At: rc.ScheduledFor, RunID: rc.RunID})
			return nil, err
		},
		"archive_plan": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			ds, err := archive.Plan(ctx, rc.W, rc.AsOf)
			if err != nil {
				return nil, err
			}
			rc.Log.Info("archive plan", "decisions", len(ds))
			return nil, nil
		},
		"archive_apply": func(ctx context.Context, rc schedules.RunContext) ([]schedules.Output, error) {
			_, err := archive.Apply(ctx, rc.W, archive.Options{AsOf: rc.AsOf, BackupDir: rc.Config.Archive.BackupDir, RunID: rc.RunID})
			return nil, err
		},
		"backup": backupStep,
	}
}

// outputsByFolder gives each file under out its audience from its first
// folder: region → the analysts, a structure code → its director. With
// regionOnly, the structures' files are left out.
func outputsByFolder(out string, files []string, regionOnly bool) ([]schedules.Output, error) {
	var outs []schedules.Output
	for _, f := range files {
		rel, err := filepath.Rel(out, f)
		if err != nil {
			return nil, err
		}
		first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		switch {
		case first == "region":
			outs = append(outs, schedules.Output{Path: f, Audience: schedules.AnalystsAudience})
		case regionOnly:
		case schedules.ValidStructureCode(first):
			outs = append(outs, schedules.Output{Path: f, Audience: first})
		default:
			return nil, fmt.Errorf("report file %s: cannot tell whom it is for", rel)
		}
	}
	return outs, nil
}

func newScheduleCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "List the scheduled runs, or run one job for a scheduled instant",
		Long: `The schedules (the shipped schedules/default.yaml, or --schedules FILE) say when
each job runs, in Europe/Paris local time: the Monday 07:00 weekly control
(moved to the next working day on a public holiday), the daily transfers
(04:00), archiving plan (05:00), ingestion and controls (06:00), and the
directors' monthly report (1st of the month, 07:00). 'vigie daemon' runs them.`,
	}
	cmd.AddCommand(newScheduleListCmd(a), newScheduleRunCmd(a))
	return cmd
}

func newScheduleListCmd(a *app) *cobra.Command {
	var f scheduleFlags
	var from string
	var count int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print every job's next runs after a date, holiday moves applied",
		Example: `  vigie schedule list
  vigie schedule list --from 2026-04-01 --count 2 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if count <= 0 || count > 1000 {
				return usagef("", "--count doit être entre 1 et 1000, reçu %d", count)
			}
			start, err := parseInstant(from, time.Now())
			if err != nil {
				return usagef("écrivez la date aaaa-mm-jj ou \"aaaa-mm-jj hh:mm\" (heure de Paris), par exemple --from 2026-04-01", "--from %q n'est pas une date", from)
			}
			defs, _, err := f.load(a, false)
			if err != nil {
				return err
			}
			return scheduleTable(defs, start, count).write(a.stdout, a.format)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "list the runs after this date, yyyy-mm-dd or \"yyyy-mm-dd hh:mm\" (default now)")
	cmd.Flags().IntVar(&count, "count", 3, "runs listed per job")
	f.add(cmd)
	addFormatFlag(cmd, a)
	return cmd
}

var frWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

func scheduleTable(defs *schedules.Definitions, from time.Time, count int) *table {
	t := &table{columns: []string{"job", "scheduled_for", "jour", "moved_from", "holiday", "steps"}}
	for range t.columns {
		t.types = append(t.types, "VARCHAR")
	}
	for _, in := range defs.Upcoming(from, count) {
		moved := ""
		if !in.Moved.IsZero() {
			moved = in.Moved.In(warehouse.Paris).Format("2006-01-02 15:04")
		}
		at := in.At.In(warehouse.Paris)
		note := in.Holiday
		if in.Gap {
			note = "passage à l'heure d'été : l'heure prévue n'existe pas ce jour-là"
		}
		t.rows = append(t.rows, []any{in.Job, at.Format("2006-01-02 15:04"), frWeekdays[at.Weekday()], moved, note,
			strings.Join(defs.Job(in.Job).Steps, " ")})
	}
	return t
}

// parseInstant reads yyyy-mm-dd, "yyyy-mm-dd hh:mm" or yyyy-mm-ddThh:mm as
// Europe/Paris local time; "" is now.
func parseInstant(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, warehouse.Paris); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date")
}

func newScheduleRunCmd(a *app) *cobra.Command {
	var f scheduleFlags
	var forInstant string
	var force bool
	cmd := &cobra.Command{
		Use:   "run JOB",
		Short: "Run one job now, for a scheduled instant, and deliver its files",
		Long: `Run one job now, for a scheduled instant (--for, default the job's latest
scheduled instant before now). Each (job, instant) runs and delivers once: a
done instant is not run again; a failed, interrupted or missed one is run
again with --force, and so is one held back by the freshness gate once a
fresh extraction is in; one whose delivery failed resumes the delivery only.`,
		Example: `  vigie schedule run weekly_control --config /etc/vigie/vigie.yaml
  vigie schedule run weekly_control --for "2026-04-07 07:00" --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			defs, cfg, err := f.load(a, true)
			if err != nil {
				return err
			}
			job := defs.Job(args[0])
			if job == nil {
				return usagef("tâches : "+strings.Join(defs.Names(), ", ")+" (vigie schedule list)", "aucune tâche ne s'appelle %q", args[0])
			}
			now := time.Now()
			var at time.Time
			if forInstant == "" {
				ins := job.Between(now.Add(-40*24*time.Hour), now)
				if len(ins) == 0 {
					return usagef("précisez --for \"aaaa-mm-jj hh:mm\"", "la tâche %s n'a aucune exécution prévue dans les 40 derniers jours", job.Name)
				}
				at = ins[len(ins)-1].At
			} else if at, err = parseInstant(forInstant, now); err != nil {
				return usagef("écrivez l'instant \"aaaa-mm-jj hh:mm\" (heure de Paris), par exemple --for \"2026-11-23 07:00\"", "--for %q n'est pas un instant", forInstant)
			}
			if !job.Scheduled(at) {
				return notScheduled(job, at, forInstant)
			}
			if at.After(now) {
				// Run now, it would be done before its time, and the daemon
				// would not run it at its instant.
				return usagef("le démon l'exécutera à son heure ; pour tester, donnez une exécution passée (vigie schedule list --from DATE)",
					"--for %q est à venir : une exécution ne peut pas être lancée avant son instant", forInstant)
			}
			s, err := newScheduler(a, defs, cfg, schedules.SystemClock{})
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openWarehouse(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			if err := checkRecipients(ctx, a, cfg, w); err != nil {
				return err
			}
			o, err := s.RunJob(ctx, w, job.Name, at, force)
			t := &table{columns: []string{"job", "scheduled_for", "state", "run_id", "outputs", "delivered", "already_delivered", "failed_deliveries"},
				types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"}}
			state := o.State
			if o.Skipped != "" {
				state = "déjà traitée, rien à refaire (" + strings.TrimPrefix(o.Skipped, "already ") + ")"
			}
			t.rows = append(t.rows, []any{o.Job, at.In(warehouse.Paris).Format("2006-01-02 15:04"), state, o.RunID, int64(len(o.Outputs)),
				int64(o.Delivered.Sent), int64(o.Delivered.Skipped), int64(o.Delivered.Failed)})
			if werr := t.write(a.stdout, a.format); werr != nil {
				return errors.Join(err, werr)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&forInstant, "for", "", "the scheduled instant the run is for, \"yyyy-mm-dd hh:mm\" Europe/Paris")
	cmd.Flags().BoolVar(&force, "force", false, "run again an instant that failed, was interrupted, was missed or was held back")
	f.add(cmd)
	addFormatFlag(cmd, a)
	return cmd
}

// checkRecipients refuses a director of a structure the warehouse does not
// know, and warns about the structures whose files go to nobody.
func checkRecipients(ctx context.Context, a *app, cfg *schedules.Config, w *warehouse.Warehouse) error {
	known, err := schedules.KnownStructures(ctx, w)
	if err != nil {
		return err
	}
	orphans, err := cfg.CheckStructures(known)
	if err != nil {
		return fmt.Errorf("configuration des destinataires :\n%w", err)
	}
	if len(orphans) > 0 {
		a.log.Warn("structures sans direction dans la configuration : leurs fichiers ne sont livrés à personne", "structures", strings.Join(orphans, ","))
	}
	return nil
}

// notScheduled is the usage error of a --for that is not one of the job's
// instants: each (job, instant) runs once, so an arbitrary instant would
// deliver the same files again. It names the nearest scheduled instants.
func notScheduled(job *schedules.Job, at time.Time, given string) error {
	var near []string
	if prev := job.Between(at.Add(-40*24*time.Hour), at); len(prev) > 0 {
		near = append(near, prev[len(prev)-1].At.In(warehouse.Paris).Format("2006-01-02 15:04"))
	}
	next := job.Next(at)
	if !next.At.IsZero() {
		s := next.At.In(warehouse.Paris).Format("2006-01-02 15:04")
		if next.Holiday != "" && next.Moved.Equal(at) {
			s += " (reportée du " + next.Moved.In(warehouse.Paris).Format("2006-01-02 15:04") + " : " + next.Holiday + ")"
		}
		near = append(near, s)
	}
	hint := "voir vigie schedule list"
	if len(near) > 0 {
		hint = "exécutions prévues les plus proches : " + strings.Join(near, ", ") + " (voir vigie schedule list)"
	}
	return usagef(hint, "--for %q : la tâche %s (%s) n'est pas prévue à cet instant", given, job.Name, job.Cron)
}

// demoSchedules prints the next run of each scheduled job and the coming
// holiday move, then delivers the reports the demo wrote (step 50) to an
// outbox under the demo folder: each structure's director gets only their
// files, a demo analyst the regional ones, every delivery in the ledger.
func demoSchedules(ctx context.Context, a *app, d *demoRun) error {
	defs, err := schedules.LoadDefinitions("")
	if err != nil {
		return err
	}
	from := time.Date(d.AsOf.Year(), d.AsOf.Month(), d.AsOf.Day(), 0, 0, 0, 0, warehouse.Paris)
	fmt.Fprintf(d.Summary, "Planification (heure de Paris) : prochaine exécution de chaque tâche à partir du %s\n", from.Format("02/01/2006"))
	fmt.Fprintln(d.Summary, "  (vigie schedule list pour la suite, vigie daemon pour les lancer ; exemple de configuration : testdata/schedules/vigie.yaml)")
	var moved *schedules.Instant
	for _, in := range defs.Upcoming(from.Add(-time.Second), 1) {
		fmt.Fprintf(d.Summary, "  %-15s %s  %s\n", in.Job, in.At.In(warehouse.Paris).Format("02/01/2006 15:04"), defs.Job(in.Job).Description)
	}
	for _, j := range defs.Jobs {
		for _, next := range j.Between(from, from.AddDate(1, 0, 0)) {
			if next.Holiday != "" && (moved == nil || next.At.Before(moved.At)) {
				next := next
				moved = &next
				break
			}
		}
	}
	if moved != nil {
		fmt.Fprintf(d.Summary, "  Jour férié : %s prévue le %s (%s) passe au %s.\n", moved.Job,
			schedules.FrenchDate(moved.Moved), moved.Holiday, schedules.FrenchDate(moved.At))
	}
	return demoDeliver(ctx, a, d)
}

// demoDeliver copies the demo's reports into OUT/outbox/<recipient>/.
func demoDeliver(ctx context.Context, a *app, d *demoRun) error {
	reportsDir := filepath.Join(d.Out, "reports")
	var files []string
	err := filepath.WalkDir(reportsDir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if errors.Is(err, os.ErrNotExist) || len(files) == 0 {
		return nil // no reports were written: nothing to deliver
	}
	if err != nil {
		return err
	}
	outputs, err := outputsByFolder(reportsDir, files, false)
	if err != nil {
		return err
	}
	codes, err := schedules.KnownStructures(ctx, d.Warehouse)
	if err != nil {
		return err
	}
	cfg := &schedules.Config{Recipients: schedules.Recipients{Analysts: []schedules.Analyst{{ID: "demo", Name: "Analyste régional (démo)"}}}}
	for _, c := range codes {
		if !schedules.ValidStructureCode(c) {
			continue
		}
		cfg.Recipients.Directors = append(cfg.Recipients.Directors, schedules.Director{Structure: c, Name: "Direction " + c})
	}
	b := delivery.Batch{Job: "demo", ScheduledFor: time.Date(d.AsOf.Year(), d.AsOf.Month(), d.AsOf.Day(), 7, 0, 0, 0, warehouse.Paris)}
	for _, o := range outputs {
		b.Files = append(b.Files, delivery.File{Path: o.Path, Audience: o.Audience})
	}
	outbox := filepath.Join(d.Out, "outbox")
	dl := &delivery.Deliverer{W: d.Warehouse, Outbox: outbox, Log: a.log}
	res, err := dl.Deliver(ctx, b, cfg.DeliveryRecipients())
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Summary, "Livraison des rapports : %d dépôts dans %s/<destinataire>/ (direction_<structure> ne reçoit que les fichiers de sa structure, analyste_demo les fichiers régionaux) ;\n"+
		"  registre des livraisons : vigie query \"SELECT recipient, file, sha256, delivered_at FROM delivery_ledger\"\n", res.Sent, outbox)
	return nil
}
