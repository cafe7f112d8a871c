package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on machines without zoneinfo

	"github.com/arml-na/vigie/pipelines/clock"
)

// Run statuses, as stored in runs.status.
const (
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusRefused   = "refused"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
	StatusTimedOut  = "timed_out"
	// StatusMissed is a scheduled run the daemon did not start (it was
	// down at the instant, and did not catch it up): no work was done.
	StatusMissed = "missed"
)

// RefusedError marks a run refused because of its input (a bad extraction, a
// forbidden motif…), as opposed to one that failed.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Refused wraps err as a refusal.
func Refused(err error) error { return &RefusedError{Err: err} }

// MissedError marks a scheduled run recorded as missed: not run at all.
type MissedError struct{ Err error }

func (e *MissedError) Error() string { return e.Err.Error() }
func (e *MissedError) Unwrap() error { return e.Err }

// Missed wraps err, which says why, as a missed run.
func Missed(err error) error { return &MissedError{Err: err} }

// Classify tells how a run with this error stopped.
func Classify(err error) string {
	var refused *RefusedError
	var missed *MissedError
	switch {
	case err == nil:
		return StatusDone
	case errors.As(err, &missed):
		return StatusMissed
	case errors.Is(err, context.DeadlineExceeded):
		return StatusTimedOut
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	case errors.As(err, &refused):
		return StatusRefused
	default:
		return StatusFailed
	}
}

// RunInfo describes a run being recorded.
type RunInfo struct {
	Command      string
	Arguments    []string
	AsOf         *time.Time
	Job          string
	ScheduledFor *time.Time
}

// Run is one recorded run.
type Run struct {
	ID int64
	w  *Warehouse
}

// Clock is the clock of the run record and of the rows pipelines stamp;
// tests replace it.
var Clock clock.Clock = clock.System{}

// Now is Clock's time.
func Now() time.Time { return Clock.Now() }

// BeginRun records the start of a run.
func (w *Warehouse) BeginRun(ctx context.Context, info RunInfo) (*Run, error) {
	var asOf, sched any
	if info.AsOf != nil {
		asOf = info.AsOf.Format(time.DateOnly)
	}
	if info.ScheduledFor != nil {
		sched = LocalTimestamp(*info.ScheduledFor)
	}
	var job any
	if info.Job != "" {
		job = info.Job
	}
	var id int64
	err := w.DB.QueryRowContext(ctx, `INSERT INTO runs (command, arguments, as_of, job, scheduled_for, started_at, status)
		VALUES (?, ?, ?::DATE, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?) RETURNING id`,
		info.Command, strings.Join(info.Arguments, " "), asOf, job, sched, LocalTimestamp(Now()), StatusRunning).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	w.changed.Store(true)
	return &Run{ID: id, w: w}, nil
}

// Finish records how the run stopped. It uses its own short context so that a
// cancelled or timed-out run is still recorded as such.
func (r *Run) Finish(runErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var msg any
	if runErr != nil {
		msg = runErr.Error()
	}
	_, err := r.w.DB.ExecContext(ctx, `UPDATE runs SET ended_at = ?::TIMESTAMP, status = ?, error = ? WHERE id = ?`,
		LocalTimestamp(Now()), Classify(runErr), msg, r.ID)
	if err != nil {
		return fmt.Errorf("record end of run %d: %w", r.ID, err)
	}
	return nil
}

// LocalTimestamp formats t as a naive Europe/Paris timestamp, the way the
// warehouse stores every date-time.
func LocalTimestamp(t time.Time) string {
	return t.In(Paris).Format("2006-01-02 15:04:05.000000")
}

// Paris is Europe/Paris, the zone of every local date and time in vigie.
var Paris = mustLoadParis()

func mustLoadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(fmt.Sprintf("load Europe/Paris: %v (is tzdata embedded?)", err))
	}
	return loc
}

// NullString turns "" into NULL.
func NullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Record runs fn under a new run record: it opens the record (info), hands fn
// its id, and records how fn ended. It is how the one owner of a run — the
// caller of a step, never the step — records it.
func (w *Warehouse) Record(ctx context.Context, info RunInfo, fn func(runID int64) error) error {
	run, err := w.BeginRun(ctx, info)
	if err != nil {
		return err
	}
	err = fn(run.ID)
	if ferr := run.Finish(err); err == nil {
		err = ferr
	}
	return err
}
