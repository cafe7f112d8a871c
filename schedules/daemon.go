package schedules

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ErrMissed is the error recorded for a scheduled run the daemon missed and
// did not catch up (catch_up: skip, or an older instant than the one caught up).
var ErrMissed = errors.New("manquée : le démon vigie ne tournait pas à l'instant prévu")

// OnTime is how late a run may start and still count as on time rather than
// caught up (the skip policy runs on-time runs only).
const OnTime = 10 * time.Minute

// Open opens the warehouse for one pass of the daemon; the daemon holds it
// only while it works, so `vigie query` can read between passes.
type Open func(ctx context.Context) (*warehouse.Warehouse, error)

// Startup prepares a daemon's first pass: runs left claimed by a crash are
// marked interrupted (and their run record cancelled), interrupted runs are
// re-run once whatever the catch-up policy (it decides of the instants the
// daemon missed while down, not of a run it started and was stopped in:
// `vigie daemon --help` promises that one again), and pending deliveries
// resume. It returns the outcomes of what it ran.
func (s *Scheduler) Startup(ctx context.Context, w *warehouse.Warehouse) ([]Outcome, error) {
	if err := s.MarkInterrupted(ctx, w); err != nil {
		return nil, err
	}
	text, err := s.sqlText(w, "interrupt_run.sql")
	if err != nil {
		return nil, err
	}
	var outcomes []Outcome
	var errs []error
	interrupted, ies, err := s.inState(ctx, w, StateInterrupted)
	if err != nil {
		return nil, err
	}
	for i, in := range interrupted {
		if ies[i].Attempts >= 2 || s.Defs.Job(in.Job) == nil {
			continue // already re-run once
		}
		o, err := s.RunJob(ctx, w, in.Job, in.At, true)
		outcomes = append(outcomes, o)
		errs = append(errs, err)
	}
	for _, state := range []string{StateProduced, StateDeliveryFailed} {
		pending, pes, err := s.inState(ctx, w, state)
		if err != nil {
			return outcomes, err
		}
		for i, in := range pending {
			// produced: the process died between the steps and the
			// delivery; its run record is still running.
			if state == StateProduced && pes[i].RunID.Valid {
				if _, err := w.DB.ExecContext(ctx, text, warehouse.LocalTimestamp(s.Clock.Now()), pes[i].RunID.Int64); err != nil {
					return outcomes, fmt.Errorf("record interrupted run: %w", err)
				}
			}
			if s.Defs.Job(in.Job) == nil {
				continue
			}
			o, err := s.RunJob(ctx, w, in.Job, in.At, false)
			outcomes = append(outcomes, o)
			errs = append(errs, err)
		}
	}
	return outcomes, errors.Join(errs...)
}

// Tick does what is due at now: every job's runs scheduled since the last
// tick (the latest one run, older ones recorded as missed; after a restart
// the catch-up policy decides whether the latest runs), then the inbox. The
// first tick of a daemon (startup true) catches up; a tick with no earlier
// heartbeat starts the schedule at now.
func (s *Scheduler) Tick(ctx context.Context, w *warehouse.Warehouse, now time.Time, startup bool) ([]Outcome, error) {
	since, ok, err := s.heartbeat(ctx, w)
	if err != nil {
		return nil, err
	}
	if !ok {
		since = now
	}
	var outcomes []Outcome
	var errs []error
	for _, j := range s.Defs.Jobs {
		due := j.Between(since, now)
		var todo []Instant
		for _, in := range due {
			e, err := s.ledgerGet(ctx, w.DB, w, j.Name, in.At)
			if err != nil {
				return outcomes, err
			}
			if e == nil {
				todo = append(todo, in)
			}
		}
		if len(todo) == 0 {
			continue
		}
		latest := todo[len(todo)-1]
		for _, in := range todo[:len(todo)-1] {
			errs = append(errs, s.recordMissed(ctx, w, in, "une exécution plus récente de la même tâche était due"))
		}
		late := now.Sub(latest.At) > OnTime
		if startup && late && s.Config.CatchUp == CatchUpSkip {
			errs = append(errs, s.recordMissed(ctx, w, latest, "catch_up vaut skip : pas de rattrapage"))
			continue
		}
		if stopping(ctx) != nil {
			break
		}
		if startup && late {
			s.log().Info("rattrapage d'une exécution manquée", "job", j.Name, "for", warehouse.LocalTimestamp(latest.At))
		}
		o, err := s.RunJob(ctx, w, j.Name, latest.At, false)
		outcomes = append(outcomes, o)
		errs = append(errs, err)
	}
	if stopping(ctx) == nil {
		// At start too: Startup has just tried them all; this notes the
		// ones still failing, for NextWake.
		outs, err := s.retryDeliveries(ctx, w, now)
		outcomes = append(outcomes, outs...)
		errs = append(errs, err)
	}
	if stopping(ctx) == nil && s.Config.Inbox != "" && s.Ingest != nil {
		if _, err := s.ProcessInbox(ctx, w); err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.setHeartbeat(context.WithoutCancel(ctx), w, now); err != nil {
		errs = append(errs, err)
	}
	return outcomes, errors.Join(errs...)
}

// DeliveryRetryEvery is how long a failed delivery waits before the daemon
// tries it again, for DeliveryRetryFor after its scheduled instant (an SMTP
// server down at Monday 07:00 is back within the hour; an address refused
// for good is not tried all week).
const (
	DeliveryRetryEvery = 15 * time.Minute
	DeliveryRetryFor   = 24 * time.Hour
)

// retryDeliveries resumes, while the daemon runs, the deliveries that
// failed at least DeliveryRetryEvery ago (only to the recipients who did not
// get the files); a start resumes them all (Startup).
func (s *Scheduler) retryDeliveries(ctx context.Context, w *warehouse.Warehouse, now time.Time) ([]Outcome, error) {
	failed, es, err := s.inState(ctx, w, StateDeliveryFailed)
	if err != nil {
		return nil, err
	}
	var outcomes []Outcome
	var errs []error
	s.retryPending = false
	for i, in := range failed {
		if s.Defs.Job(in.Job) == nil || now.Sub(in.At) > DeliveryRetryFor {
			continue
		}
		if now.Sub(es[i].UpdatedAt) < DeliveryRetryEvery || stopping(ctx) != nil {
			s.retryPending = true
			continue
		}
		s.log().Info("nouvel essai d'une livraison en échec", "job", in.Job, "for", warehouse.LocalTimestamp(in.At))
		o, err := s.RunJob(ctx, w, in.Job, in.At, false)
		outcomes = append(outcomes, o)
		errs = append(errs, err)
		s.retryPending = s.retryPending || o.State == StateDeliveryFailed
	}
	// A held run stays held; its alert to the analysts is tried again.
	held, _, err := s.inState(ctx, w, StateHeld)
	if err != nil {
		return outcomes, errors.Join(append(errs, err)...)
	}
	for _, in := range held {
		j := s.Defs.Job(in.Job)
		if j == nil || now.Sub(in.At) > DeliveryRetryFor || stopping(ctx) != nil {
			continue
		}
		pending, err := s.retryAlert(ctx, w, j, in.At, now)
		errs = append(errs, err)
		s.retryPending = s.retryPending || pending
	}
	return outcomes, errors.Join(errs...)
}

// recordMissed writes a missed run to the ledger and to the runs table, so
// `vigie runs` shows it.
func (s *Scheduler) recordMissed(ctx context.Context, w *warehouse.Warehouse, in Instant, why string) error {
	decision, _, err := s.claim(ctx, w, in.Job, in.At, false)
	if err != nil || decision != claimRun {
		return err
	}
	at := in.At
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "schedule", Arguments: []string{"missed", in.Job, "--for", at.In(paris).Format("2006-01-02T15:04")},
		AsOf: ptr(asOf(at)), Job: in.Job, ScheduledFor: &at})
	if err != nil {
		return err
	}
	s.log().Warn("exécution manquée", "job", in.Job, "for", warehouse.LocalTimestamp(at), "why", why)
	missed := fmt.Errorf("%w (%s)", ErrMissed, why)
	return errors.Join(s.ledgerSet(w, in.Job, at, StateMissed, run.ID, 0, missed.Error()), run.Finish(warehouse.Missed(missed)))
}

// MarkInterrupted records as interrupted the runs the ledger says are under
// way (claimed): whoever holds the warehouse for writing knows that no run
// is (a run holds it until it ends), so those were stopped — a daemon
// killed, a `schedule run` interrupted. The daemon does it at start, and
// `vigie schedule run` before its run, so that such an instant is re-run
// with --force rather than called done.
func (s *Scheduler) MarkInterrupted(ctx context.Context, w *warehouse.Warehouse) error {
	claimed, entries, err := s.inState(ctx, w, StateClaimed)
	if err != nil {
		return err
	}
	text, err := s.sqlText(w, "interrupt_run.sql")
	if err != nil {
		return err
	}
	for i, in := range claimed {
		s.log().Warn("exécution interrompue", "job", in.Job, "for", warehouse.LocalTimestamp(in.At))
		if entries[i].RunID.Valid {
			if _, err := w.DB.ExecContext(ctx, text, warehouse.LocalTimestamp(s.Clock.Now()), entries[i].RunID.Int64); err != nil {
				return fmt.Errorf("record interrupted run: %w", err)
			}
		}
		if err := s.ledgerSet(w, in.Job, in.At, StateInterrupted, 0, 0, "interrompue : vigie s'est arrêté pendant l'exécution"); err != nil {
			return err
		}
	}
	return nil
}

// NextWake returns when the daemon should next look: the next scheduled
// instant of any job, or the inbox poll, whichever comes first.
func (s *Scheduler) NextWake(now time.Time) time.Time {
	wake := now.Add(24 * time.Hour)
	if s.Config.Inbox != "" && s.Ingest != nil {
		wake = now.Add(time.Duration(s.Config.PollInterval))
	}
	if s.retryPending && now.Add(DeliveryRetryEvery).Before(wake) {
		wake = now.Add(DeliveryRetryEvery)
	}
	for _, j := range s.Defs.Jobs {
		if in := j.Next(now); !in.At.IsZero() && in.At.Before(wake) {
			wake = in.At
		}
	}
	return wake
}

// Run is the daemon: Startup, then a Tick at each wake-up until ctx ends.
// When ctx ends (SIGTERM), the step under way may finish for StopGrace
// before it is cancelled; no new step starts, and the interrupted run is
// recorded (cancelled) and re-run once on the next start. The warehouse is
// opened for each pass and closed between them.
func (s *Scheduler) Run(ctx context.Context, open Open) error {
	if err := s.Check(); err != nil {
		return err
	}
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done():
			return
		}
		select {
		case <-s.Clock.After(time.Duration(s.Config.StopGrace)):
			cancelWork()
		case <-work.Done():
		}
	}()
	// stopping: the step under way finishes (work), nothing new starts (ctx).
	pass := func(startup bool) error {
		w, err := open(work)
		if err != nil {
			return &openError{err}
		}
		defer w.Close()
		now := s.Clock.Now()
		var errs []error
		if startup {
			_, err := s.Startup(stopAware(ctx, work), w)
			errs = append(errs, err)
		}
		_, err = s.Tick(stopAware(ctx, work), w, now, startup)
		errs = append(errs, err)
		return errors.Join(errs...)
	}
	startup := true
	for {
		retry := false
		if err := pass(startup); err != nil {
			var oe *openError
			if errors.As(err, &oe) {
				if startup {
					return oe.err
				}
				// The warehouse is busy (a long query by another process):
				// look again soon rather than at the next scheduled instant,
				// so a due run starts late, not a day late.
				s.log().Warn("entrepôt occupé ou illisible, nouvel essai", "wait", time.Duration(s.Config.Retries.Backoff), "err", oe.err)
				retry = true
			} else if ctx.Err() != nil {
				// A run's failure is recorded in the ledger and runs; the daemon goes on.
				s.log().Info("passage arrêté par la demande d'arrêt", "err", err)
			} else {
				s.log().Error("passage terminé avec des erreurs", "err", err)
			}
		}
		startup = false
		if ctx.Err() != nil {
			s.log().Info("démon arrêté")
			return nil
		}
		now := s.Clock.Now()
		wake := s.NextWake(now)
		if retry && now.Add(time.Duration(s.Config.Retries.Backoff)).Before(wake) {
			wake = now.Add(time.Duration(s.Config.Retries.Backoff))
		}
		select {
		case <-ctx.Done():
			s.log().Info("démon arrêté")
			return nil
		case <-s.Clock.After(wake.Sub(now)):
		}
	}
}

type openError struct{ err error }

func (e *openError) Error() string { return e.err.Error() }

// stopAware returns work, the context steps run under; the scheduler checks
// stop (the daemon's own context) between steps through stopCtxKey.
func stopAware(stop, work context.Context) context.Context {
	return context.WithValue(work, stopCtxKey{}, stop)
}

type stopCtxKey struct{}

// stopping tells whether the daemon was asked to stop.
func stopping(ctx context.Context) error {
	if stop, ok := ctx.Value(stopCtxKey{}).(context.Context); ok && stop.Err() != nil {
		return stop.Err()
	}
	return ctx.Err()
}
