package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/steps"
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
	cmd.Flags().StringVar(&f.config, "config", "", "fichier de configuration (ou $"+envConfig+" ; par défaut vigie.yaml)")
	cmd.Flags().StringVar(&f.schedules, "schedules", "", "planifications (YAML) ; par défaut : celles livrées avec vigie")
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

// newScheduler builds the scheduler: its registry from the declared steps,
// and the inbox watch, which ingests each ready folder under a run of its own.
func newScheduler(a *app, defs *schedules.Definitions, cfg *schedules.Config, clock schedules.Clock) (*schedules.Scheduler, error) {
	s := &schedules.Scheduler{Defs: defs, Config: cfg, Steps: schedules.NewRegistry(steps.Declared(), data.QueryFile), Clock: clock, Log: a.log,
		Ingest: func(ctx context.Context, w *warehouse.Warehouse, dir string) error {
			_, err := steps.Run(ctx, a.env(w), steps.Ingest, warehouse.RunInfo{Arguments: []string{dir}},
				steps.Extraction{Dir: dir, Options: ingest.Options{Logger: a.log}})
			return err
		}}
	if c := cfg.SMTP; c != nil {
		s.SMTP = &delivery.SMTPConfig{Host: c.Host, Port: c.Port, TLS: c.TLS, Username: c.Username, Password: c.Password, From: string(c.From)}
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

func newScheduleCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Liste les exécutions prévues, ou lance une tâche pour un instant prévu",
		Long: `Les planifications (schedules/default.yaml livré, ou --schedules FICHIER)
disent quand chaque tâche s'exécute, heure de Paris :
  transfers        chaque jour à 04:00 : les transferts demandés
  archive          chaque jour à 05:00 : le plan d'archivage (appliqué si la
                   configuration le prévoit)
  daily_ingest     chaque jour à 06:00 : le chargement de l'extraction et les
                   contrôles
  backup           chaque jour à 06:45 : la sauvegarde de l'entrepôt
  weekly_control   le lundi à 07:00 (reporté au jour ouvré suivant un jour
                   férié) : le contrôle hebdomadaire, les tableaux de bord et
                   listes ASP des directions, les listes des conseillers
  subscriptions    chaque jour à 07:30 : les abonnements aux analyses de la
                   console, chacun à son abonné
  monthly_report   le 1er du mois à 07:00 : le rapport mensuel des directions
  monthly_rafael   le 1er du mois à 08:00 : le fichier des demandes Rafael
« vigie schedule list » montre les prochaines exécutions, « vigie daemon » les
lance.`,
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
		Short: "Affiche les prochaines exécutions de chaque tâche après une date, jours fériés pris en compte",
		Example: `  vigie schedule list
  vigie schedule list --from 2026-04-01 --count 2 --format csv`,
		Args: noArgs,
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
	nowFlag(cmd.Flags(), &from, "from", instantFlag, "liste les exécutions après cette date, aaaa-mm-jj ou \"aaaa-mm-jj hh:mm\" (par défaut maintenant)")
	cmd.Flags().IntVar(&count, "count", 3, "exécutions listées par tâche")
	f.add(cmd)
	addFormatFlag(cmd, a)
	return cmd
}

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
		if other, ok := otherOccurrence(in.At); ok {
			which := "la première, en heure d'été"
			if other.Before(in.At) {
				which = "la seconde, en heure d'hiver"
			}
			note = "passage à l'heure d'hiver : cette heure a lieu deux fois, l'exécution est à " + which
		}
		t.rows = append(t.rows, []any{in.Job, at.Format("2006-01-02 15:04"), french.Weekday(at.Weekday()), moved, note,
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
	return time.Time{}, errors.New("pas une date")
}

// otherOccurrence is the other instant with the same Paris wall clock as t,
// when there is one: the night the clocks go back, 02:30 is both 00:30 and
// 01:30 UTC.
func otherOccurrence(t time.Time) (time.Time, bool) {
	wall := t.In(warehouse.Paris).Format("2006-01-02 15:04")
	for _, d := range []time.Duration{time.Hour, -time.Hour} {
		if o := t.Add(d); o.In(warehouse.Paris).Format("2006-01-02 15:04") == wall {
			return o, true
		}
	}
	return time.Time{}, false
}

func newScheduleRunCmd(a *app) *cobra.Command {
	var f scheduleFlags
	var forInstant string
	var force bool
	cmd := &cobra.Command{
		Use:   "run JOB",
		Short: "Lance une tâche maintenant, pour un instant prévu, et livre ses fichiers",
		Long: `Lance une tâche maintenant, pour un instant prévu (--for, par défaut le
dernier instant prévu avant maintenant). Chaque (tâche, instant) s'exécute et
livre une fois : un instant fait n'est pas relancé ; un instant en échec,
interrompu ou manqué est relancé avec --force, comme un instant retenu faute
d'extraction récente une fois celle-ci arrivée ; un instant dont la livraison a
échoué ne reprend que la livraison.`,
		Example: `  vigie schedule run weekly_control --config /etc/vigie/vigie.yaml
  vigie schedule run weekly_control --for "2026-04-07 07:00" --force`,
		Args: exactArgs(1),
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
				// The night the clocks go back, 02:00–02:59 happens twice: the
				// hour typed may mean the other one.
				if other, ok := otherOccurrence(at); ok && job.Scheduled(other) {
					at = other
				} else {
					return notScheduled(job, at, forInstant)
				}
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
			// This process holds the warehouse: a run the ledger says is
			// under way was stopped (killed), not running.
			if err := s.MarkInterrupted(ctx, w); err != nil {
				return err
			}
			o, err := s.RunJob(ctx, w, job.Name, at, force)
			t := &table{columns: []string{"job", "scheduled_for", "state", "run_id", "outputs", "delivered", "already_delivered", "failed_deliveries"},
				types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"}}
			state := o.State
			var stuck string // an earlier outcome that only --force changes
			if o.Skipped != "" {
				was := strings.TrimPrefix(o.Skipped, "already ")
				state = "déjà traitée, rien à refaire (" + was + ")"
				switch was {
				case schedules.StateFailed, schedules.StateHeld, schedules.StateInterrupted, schedules.StateMissed:
					state = "déjà traitée sans aboutir (" + was + ")"
					stuck = was
				}
			}
			t.rows = append(t.rows, []any{o.Job, at.In(warehouse.Paris).Format("2006-01-02 15:04"), state, o.RunID, int64(len(o.Outputs)),
				int64(o.Delivered.Sent), int64(o.Delivered.Skipped), int64(o.Delivered.Failed)})
			if werr := t.write(a.stdout, a.format); werr != nil {
				return errors.Join(err, werr)
			}
			if err == nil && stuck != "" {
				// Nothing was done and the instant did not succeed: a script
				// must not read that as done.
				return warehouse.Refused(fmt.Errorf("l'exécution %s du %s n'a pas abouti (%s) : relancez-la avec --force",
					job.Name, at.In(warehouse.Paris).Format("02/01/2006 15:04"), stuck))
			}
			return err
		},
	}
	cmd.Flags().StringVar(&forInstant, "for", "", "l'instant prévu de l'exécution, \"aaaa-mm-jj hh:mm\" heure de Paris")
	cmd.Flags().BoolVar(&force, "force", false, "relance un instant en échec, interrompu, manqué ou retenu")
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

// demoDeliver copies the files the demo's report step produced into
// OUT/outbox/<recipient>/, each to whom the step says it is for.
func demoDeliver(ctx context.Context, a *app, d *demoRun) error {
	if len(d.Outputs) == 0 {
		return nil // no reports were written: nothing to deliver
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
	outbox := filepath.Join(d.Out, "outbox")
	at := time.Date(d.AsOf.Year(), d.AsOf.Month(), d.AsOf.Day(), 7, 0, 0, 0, warehouse.Paris)
	res, err := demoOutbox(ctx, a, d.Warehouse, outbox, at, d.Outputs, cfg.DeliveryRecipients())
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Summary, "Livraison des rapports : %d dépôts dans %s/<destinataire>/ (direction_<structure> ne reçoit que les fichiers de sa structure,\n"+
		"  conseiller_<id> sa propre liste, analyste_demo les fichiers régionaux) ;\n"+
		"  registre des livraisons : vigie query \"SELECT recipient, file, sha256, delivered_at FROM delivery_ledger\"\n", res.Sent, outbox)
	return nil
}

// demoOutbox delivers the demo's outputs into outbox, as the daemon would:
// to the configured people and to the counsellors and subscribers the files
// are for.
func demoOutbox(ctx context.Context, a *app, w *warehouse.Warehouse, outbox string, at time.Time, outs []steps.Output, configured []delivery.Recipient) (delivery.Result, error) {
	b := delivery.Batch{Job: "demo", ScheduledFor: at}
	for _, o := range outs {
		b.Files = append(b.Files, delivery.File{Path: o.Path, Audience: o.Audience})
	}
	people, err := delivery.FileRecipients(ctx, w, b.Files)
	if err != nil {
		return delivery.Result{}, err
	}
	return (&delivery.Deliverer{W: w, Outbox: outbox, Log: a.log}).Deliver(ctx, b, append(configured, people...))
}
