package schedules

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/subscriptions"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Output is a file a step produced and whom it is for: a structure code (its
// director) or AnalystsAudience. The step declares it (steps.Output).
type Output = steps.Output

// RunContext is what a step gets: the run's instant and where to write.
type RunContext struct {
	Job          string
	ScheduledFor time.Time // the instant the run is for, Europe/Paris
	// AsOf is the local date of ScheduledFor, at midnight UTC (as --as-of).
	AsOf    time.Time
	W       *warehouse.Warehouse
	OutDir  string // this run's folder for produced files
	Config  *Config
	Log     *slog.Logger
	RunID   int64
	Attempt int
	// Reference is the job's reference kind (Job.Reference).
	Reference string
}

// StepFunc runs one step of a job. It must be idempotent for a given
// scheduled instant: a retry runs it again.
type StepFunc func(ctx context.Context, rc RunContext) ([]Output, error)

// Registry maps step names to their functions. The daemon's is built from
// the one list of declared steps (NewRegistry); Scheduler.Check refuses, before
// the first run, a schedule naming a step it does not hold.
type Registry map[string]StepFunc

// InboxStep is the step name of the inbox watch: the scheduler runs it itself,
// ingesting each ready extraction folder under its own run record (Ingest).
const InboxStep = "ingest"

// NewRegistry builds the daemon's registry from the declared steps: each
// schedulable step runs for the job's instant under the job's run record.
// query runs the console's analyses for the subscriptions step (console/data.QueryFile).
func NewRegistry(declared *steps.Registry, query subscriptions.QueryFunc) Registry {
	r := Registry{}
	for _, s := range declared.All() {
		if !s.Schedulable() {
			continue
		}
		r[s.Info().Name] = func(ctx context.Context, rc RunContext) ([]Output, error) {
			return s.RunFor(ctx, steps.Env{W: rc.W, RunID: rc.RunID, Log: rc.Log},
				steps.Instant{Job: rc.Job, For: rc.ScheduledFor, AsOf: rc.AsOf, OutDir: rc.OutDir, BackupDir: rc.Config.Archive.BackupDir, Reference: rc.Reference,
					Counsellors: rc.Config.Counsellors.Options(),
					Backups:     rc.Config.Backup.Dir, BackupKeep: rc.Config.Backup.Keep, Query: query})
		}
	}
	return r
}

// KnownSteps are the step names a job may use: the inbox and every declared
// step that runs for a scheduled instant.
var KnownSteps = append([]string{InboxStep}, steps.Declared().Scheduled()...)

// Check refuses a schedule that names a step the scheduler cannot run: not in
// its registry (or the inbox step without an ingestion). The daemon and
// `vigie schedule run` call it before the first run.
func (s *Scheduler) Check() error {
	var missing []string
	for _, j := range s.Defs.Jobs {
		for _, name := range j.Steps {
			if name == InboxStep && s.Ingest != nil {
				continue
			}
			if _, ok := s.Steps[name]; !ok {
				missing = append(missing, j.Name+"."+name)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("planifications : étapes %s : %w", strings.Join(missing, ", "), ErrNotWired)
	}
	return nil
}

// IngestFunc loads one extraction folder into the warehouse.
type IngestFunc func(ctx context.Context, w *warehouse.Warehouse, dir string) error

// asOf returns the local date of t at midnight UTC.
func asOf(t time.Time) time.Time {
	y, m, d := t.In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
