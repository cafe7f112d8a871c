package schedules

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Scheduler runs the jobs of Defs for their scheduled instants, exactly once
// each, and delivers what they produce.
type Scheduler struct {
	Defs   *Definitions
	Config *Config
	Steps  Registry
	// Ingest loads one extraction folder; the ingest step and the daemon's
	// inbox watch use it. Nil: the ingest step fails as not wired.
	Ingest IngestFunc
	Clock  Clock
	// SMTP is the mail server (password already read by cmd); nil: outbox only.
	SMTP *delivery.SMTPConfig
	Log  *slog.Logger
	// retryPending: a failed delivery waits for its next try (NextWake
	// comes back for it).
	retryPending bool
}

// Outcome is what RunJob did for one scheduled instant.
type Outcome struct {
	Job          string
	ScheduledFor time.Time
	State        string // the ledger state afterwards ("" when skipped)
	Skipped      string // why nothing was done, when nothing was
	RunID        int64
	Outputs      []Output
	Delivered    delivery.Result
}

// ErrNotWired marks a step that the cmd layer did not wire to a pipeline.
var ErrNotWired = errors.New("étape non branchée dans cette version de vigie")

func (s *Scheduler) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// RunJob runs job for the scheduled instant at, unless the ledger says it
// already ran (then it only resumes a pending delivery). force re-runs an
// instant that failed, was interrupted or was missed. The error is the run's
// own (a failed step, a failed delivery); the ledger and the runs table
// record it too.
func (s *Scheduler) RunJob(ctx context.Context, w *warehouse.Warehouse, job string, at time.Time, force bool) (Outcome, error) {
	j := s.Defs.Job(job)
	out := Outcome{Job: job, ScheduledFor: at}
	if err := s.Check(); err != nil {
		return out, err
	}
	if j == nil {
		return out, fmt.Errorf("aucune tâche ne s'appelle %q ; tâches : %s", job, strings.Join(s.Defs.Names(), ", "))
	}
	decision, entry, err := s.claim(ctx, w, job, at, force)
	if err != nil {
		return out, err
	}
	switch decision {
	case claimSkip:
		out.Skipped = "already " + entry.State
		if entry != nil && entry.RunID.Valid {
			out.RunID = entry.RunID.Int64
		}
		return out, nil
	case claimDeliver:
		return s.resumeDelivery(ctx, w, j, at)
	}
	attempt := 1
	if entry != nil {
		attempt = entry.Attempts + 1
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "schedule", Arguments: []string{"run", job, "--for", at.In(paris).Format("2006-01-02T15:04")},
		AsOf: ptr(asOf(at)), Job: job, ScheduledFor: &at})
	if err != nil {
		_ = s.ledgerSet(w, job, at, StateFailed, 0, 0, err.Error())
		return out, err
	}
	out.RunID = run.ID
	if err := s.ledgerSet(w, job, at, StateClaimed, run.ID, 0, ""); err != nil {
		return out, errors.Join(err, run.Finish(err))
	}
	s.log().Info("exécution", "job", job, "for", warehouse.LocalTimestamp(at), "run", run.ID, "attempt", attempt)

	rctx, cancel := context.WithTimeout(ctx, s.Config.DeadlineFor(job))
	defer cancel()
	outputs, err := s.runSteps(rctx, w, j, at, run.ID, attempt)
	out.Outputs = outputs
	if err != nil {
		state := StateFailed
		if warehouse.Classify(err) == warehouse.StatusCancelled {
			state = StateInterrupted
		}
		out.State = state
		return out, s.finish(w, run, job, at, state, err)
	}
	if err := s.recordOutputs(ctx, w, job, at, outputs); err != nil {
		out.State = StateFailed
		return out, s.finish(w, run, job, at, StateFailed, err)
	}
	if err := s.ledgerSet(w, job, at, StateProduced, run.ID, 0, ""); err != nil {
		return out, errors.Join(err, run.Finish(err))
	}
	state, res, err := s.deliver(rctx, w, j, at, outputs)
	out.State, out.Delivered = state, res
	return out, s.finish(w, run, job, at, state, err)
}

func ptr[T any](v T) *T { return &v }

// finish records the end of a run in the ledger and the runs table.
func (s *Scheduler) finish(w *warehouse.Warehouse, run *warehouse.Run, job string, at time.Time, state string, runErr error) error {
	detail := ""
	if runErr != nil {
		detail = runErr.Error()
		s.log().Warn("exécution arrêtée", "job", job, "for", warehouse.LocalTimestamp(at), "run", run.ID, "state", state, "err", runErr)
	} else {
		s.log().Info("exécution terminée", "job", job, "for", warehouse.LocalTimestamp(at), "run", run.ID, "state", state)
	}
	lerr := s.ledgerSet(w, job, at, state, run.ID, 0, detail)
	ferr := run.Finish(runErr)
	return errors.Join(runErr, lerr, ferr)
}

// runSteps runs the job's steps in order, retrying transient failures.
func (s *Scheduler) runSteps(ctx context.Context, w *warehouse.Warehouse, j *Job, at time.Time, runID int64, attempt int) ([]Output, error) {
	outDir := filepath.Join(s.Config.WorkDir, j.Name, at.In(paris).Format("2006-01-02_1504"))
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return nil, fmt.Errorf("création du dossier de l'exécution : %w", err)
	}
	rc := RunContext{Job: j.Name, ScheduledFor: at, AsOf: asOf(at), W: w, OutDir: outDir, Config: s.Config,
		Log: s.log().With("job", j.Name), RunID: runID, Attempt: attempt, Reference: j.Reference}
	var outputs []Output
	for _, name := range j.Steps {
		if err := stopping(ctx); err != nil {
			return outputs, &explained{fmt.Sprintf("arrêt de vigie demandé avant l'étape %s : l'exécution sera relancée une fois au prochain démarrage", name), err}
		}
		if name == "archive_apply" && !s.Config.Archive.Apply {
			s.log().Info("étape sautée : archive.apply vaut false", "job", j.Name, "step", name)
			continue
		}
		step := s.step(name)
		if step == nil {
			return outputs, fmt.Errorf("étape %s : %w", name, ErrNotWired)
		}
		var got []Output
		err := s.retry(ctx, "étape "+name, func() error {
			var err error
			got, err = step(ctx, rc)
			return err
		})
		if err != nil && errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			d := s.Config.DeadlineFor(j.Name)
			return outputs, &explained{fmt.Sprintf("étape %s : délai de la tâche dépassé (%s, deadlines.%s dans la configuration) ; l'exécution est arrêtée", name, frenchDuration(d), j.Name), err}
		}
		if err != nil {
			return outputs, fmt.Errorf("étape %s : %w", name, err)
		}
		for _, o := range got {
			_, counsellor := delivery.IsCounsellor(o.Audience)
			_, subscriber := delivery.IsSubscriber(o.Audience)
			if !counsellor && !subscriber && o.Audience != AnalystsAudience && !ValidStructureCode(o.Audience) {
				return outputs, fmt.Errorf("étape %s : le fichier %s est destiné à %q : un code structure, %q, un conseiller ou un abonné attendu", name, filepath.Base(o.Path), o.Audience, AnalystsAudience)
			}
		}
		outputs = append(outputs, got...)
	}
	return outputs, nil
}

func (s *Scheduler) step(name string) StepFunc {
	if name == InboxStep && s.Ingest != nil {
		return func(ctx context.Context, rc RunContext) ([]Output, error) {
			_, err := s.ProcessInbox(ctx, rc.W)
			return nil, err
		}
	}
	return s.Steps[name]
}

// transient tells whether err may go away on a retry: not a refusal, not an
// unwired step, not the end of the run's context.
func transient(err error) bool {
	var refused *warehouse.RefusedError
	return !errors.As(err, &refused) && !errors.Is(err, ErrNotWired) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// retry calls fn up to Retries.Attempts times, waiting Backoff, then twice
// as long, between attempts, while the failure is transient.
func (s *Scheduler) retry(ctx context.Context, what string, fn func() error) error {
	wait := time.Duration(s.Config.Retries.Backoff)
	var err error
	for i := 1; ; i++ {
		err = fn()
		if err == nil || !transient(err) || ctx.Err() != nil || i >= s.Config.Retries.Attempts {
			if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%w)", err, ctx.Err())
			}
			return err
		}
		s.log().Warn("nouvel essai", "what", what, "attempt", i, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%w)", err, ctx.Err())
		case <-s.Clock.After(wait):
		}
		wait *= 2
	}
}

func (s *Scheduler) recordOutputs(ctx context.Context, w *warehouse.Warehouse, job string, at time.Time, outputs []Output) error {
	text, err := s.sqlText(w, "outputs_insert.sql")
	if err != nil {
		return err
	}
	for _, o := range outputs {
		sum, err := fileSum(o.Path)
		if err != nil {
			return err
		}
		if _, err := w.DB.ExecContext(ctx, text, job, warehouse.LocalTimestamp(at), o.Path, o.Audience, sum); err != nil {
			return fmt.Errorf("record output %s: %w", filepath.Base(o.Path), err)
		}
	}
	return nil
}

func (s *Scheduler) outputs(ctx context.Context, w *warehouse.Warehouse, job string, at time.Time) ([]Output, error) {
	text, err := s.sqlText(w, "outputs_list.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, text, job, warehouse.LocalTimestamp(at))
	if err != nil {
		return nil, fmt.Errorf("read outputs: %w", err)
	}
	defer rows.Close()
	var out []Output
	for rows.Next() {
		var o Output
		if err := rows.Scan(&o.Path, &o.Audience); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// resumeDelivery delivers what an earlier run of (job, at) produced and did
// not deliver (a crash or a failed delivery), without running its steps again.
func (s *Scheduler) resumeDelivery(ctx context.Context, w *warehouse.Warehouse, j *Job, at time.Time) (Outcome, error) {
	out := Outcome{Job: j.Name, ScheduledFor: at}
	outputs, err := s.outputs(ctx, w, j.Name, at)
	if err != nil {
		return out, err
	}
	out.Outputs = outputs
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "schedule", Arguments: []string{"deliver", j.Name, "--for", at.In(paris).Format("2006-01-02T15:04")},
		AsOf: ptr(asOf(at)), Job: j.Name, ScheduledFor: &at})
	if err != nil {
		return out, err
	}
	out.RunID = run.ID
	s.log().Info("reprise de la livraison", "job", j.Name, "for", warehouse.LocalTimestamp(at), "run", run.ID)
	rctx, cancel := context.WithTimeout(ctx, s.Config.DeadlineFor(j.Name))
	defer cancel()
	state, res, err := s.deliver(rctx, w, j, at, outputs)
	out.State, out.Delivered = state, res
	return out, s.finish(w, run, j.Name, at, state, err)
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read output: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read output %s: %w", filepath.Base(path), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
