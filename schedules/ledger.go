package schedules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Ledger states of a (job, scheduled instant).
const (
	StateClaimed        = "claimed"         // a run is under way
	StateProduced       = "produced"        // steps done, delivery pending
	StateDone           = "done"            // run and delivered
	StateHeld           = "held"            // run, reports held back by the freshness gate
	StateFailed         = "failed"          // a step failed (after retries) or timed out
	StateDeliveryFailed = "delivery_failed" // run, some deliveries failed; resumed later
	StateInterrupted    = "interrupted"     // stopped by SIGTERM or a crash
	StateMissed         = "missed"          // the daemon was down; not caught up
)

type ledgerEntry struct {
	State     string
	Attempts  int
	RunID     sql.NullInt64
	UpdatedAt time.Time // when its state last changed (inState only)
}

func (s *Scheduler) sqlText(w *warehouse.Warehouse, name string) (string, error) {
	return sqlfiles.Read(w.SQL, "schedules/"+name)
}

func (s *Scheduler) ledgerGet(ctx context.Context, q queryer, w *warehouse.Warehouse, job string, at time.Time) (*ledgerEntry, error) {
	text, err := s.sqlText(w, "ledger_get.sql")
	if err != nil {
		return nil, err
	}
	var e ledgerEntry
	err = q.QueryRowContext(ctx, text, job, warehouse.LocalTimestamp(at)).Scan(&e.State, &e.Attempts, &e.RunID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read schedule ledger: %w", err)
	}
	return &e, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// ledgerSet moves (job, at) to state, in its own short context so that a
// cancelled run still records how it stopped.
func (s *Scheduler) ledgerSet(w *warehouse.Warehouse, job string, at time.Time, state string, runID int64, addAttempt int, detail string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	text, err := s.sqlText(w, "ledger_update.sql")
	if err != nil {
		return err
	}
	var rid any
	if runID != 0 {
		rid = runID
	}
	_, err = w.DB.ExecContext(ctx, text, state, rid, addAttempt, warehouse.LocalTimestamp(s.Clock.Now()), warehouse.NullString(detail),
		job, warehouse.LocalTimestamp(at))
	if err != nil {
		return fmt.Errorf("update schedule ledger %s %s: %w", job, warehouse.LocalTimestamp(at), err)
	}
	return nil
}

// claimResult says what a claim decided.
type claimResult int

const (
	claimRun     claimResult = iota // run the steps
	claimDeliver                    // steps already done: deliver only
	claimSkip                       // nothing to do (done, held, running…)
)

// claim decides, in one transaction, whether this process runs (job, at):
// the ledger's primary key and the transaction make sure only one does.
// force re-runs a failed, interrupted or missed instant (a manual run or a
// catch-up), and, by hand, a held one once a fresh extraction is in (its
// reports were never sent); a done instant is never run again.
func (s *Scheduler) claim(ctx context.Context, w *warehouse.Warehouse, job string, at time.Time, force bool) (claimResult, *ledgerEntry, error) {
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return claimSkip, nil, err
	}
	defer conn.Close()
	var res claimResult
	var entry *ledgerEntry
	err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
		e, err := s.ledgerGet(ctx, tx, w, job, at)
		if err != nil {
			return err
		}
		entry = e
		now := warehouse.LocalTimestamp(s.Clock.Now())
		switch {
		case e == nil:
			text, err := s.sqlText(w, "ledger_insert.sql")
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, text, job, warehouse.LocalTimestamp(at), StateClaimed, nil, 1, now, nil); err != nil {
				return fmt.Errorf("claim %s %s: %w", job, warehouse.LocalTimestamp(at), err)
			}
			res = claimRun
			return nil
		case e.State == StateProduced || e.State == StateDeliveryFailed:
			res = claimDeliver
			return nil
		case force && (e.State == StateFailed || e.State == StateInterrupted || e.State == StateMissed || e.State == StateHeld):
			text, err := s.sqlText(w, "ledger_update.sql")
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, text, StateClaimed, nil, 1, now, nil, job, warehouse.LocalTimestamp(at)); err != nil {
				return fmt.Errorf("claim %s %s: %w", job, warehouse.LocalTimestamp(at), err)
			}
			res = claimRun
			return nil
		default:
			res = claimSkip
			return nil
		}
	})
	if err != nil {
		// Another claimer inserted or changed this instant's row first: the
		// database refused this claim, whether the other transaction has
		// committed yet or not (reading the row back may still find none),
		// so the other one runs and this one has nothing to do.
		if warehouse.Conflict(err) {
			if e, gerr := s.ledgerGet(ctx, w.DB, w, job, at); gerr == nil && e != nil {
				return claimSkip, e, nil
			}
			return claimSkip, &ledgerEntry{State: StateClaimed}, nil
		}
		// Another claimer committed first (the conflicting transaction
		// fails): its row decides, and this one has nothing to do.
		if e, gerr := s.ledgerGet(ctx, w.DB, w, job, at); gerr == nil && e != nil && (entry == nil || e.State != entry.State) {
			return claimSkip, e, nil
		}
	}
	return res, entry, err
}

// inState lists the (job, instant) pairs in state.
func (s *Scheduler) inState(ctx context.Context, w *warehouse.Warehouse, state string) ([]Instant, []ledgerEntry, error) {
	text, err := s.sqlText(w, "ledger_in_state.sql")
	if err != nil {
		return nil, nil, err
	}
	rows, err := w.DB.QueryContext(ctx, text, state)
	if err != nil {
		return nil, nil, fmt.Errorf("read schedule ledger: %w", err)
	}
	defer rows.Close()
	var ins []Instant
	var es []ledgerEntry
	for rows.Next() {
		var in Instant
		var e ledgerEntry
		var at, updated time.Time
		if err := rows.Scan(&in.Job, &at, &e.Attempts, &e.RunID, &updated); err != nil {
			return nil, nil, err
		}
		in.At, e.UpdatedAt = fromLocalTimestamp(at), fromLocalTimestamp(updated)
		e.State = state
		ins = append(ins, in)
		es = append(es, e)
	}
	return ins, es, rows.Err()
}

// fromLocalTimestamp turns a naive warehouse TIMESTAMP (Europe/Paris wall
// clock, read back as UTC) into the instant it stands for.
func fromLocalTimestamp(t time.Time) time.Time { return wallToInstant(t.UTC()) }

func (s *Scheduler) heartbeat(ctx context.Context, w *warehouse.Warehouse) (time.Time, bool, error) {
	text, err := s.sqlText(w, "heartbeat_get.sql")
	if err != nil {
		return time.Time{}, false, err
	}
	var t time.Time
	err = w.DB.QueryRowContext(ctx, text).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read heartbeat: %w", err)
	}
	return fromLocalTimestamp(t), true, nil
}

func (s *Scheduler) setHeartbeat(ctx context.Context, w *warehouse.Warehouse, t time.Time) error {
	text, err := s.sqlText(w, "heartbeat_set.sql")
	if err != nil {
		return err
	}
	if _, err := w.DB.ExecContext(ctx, text, warehouse.LocalTimestamp(t)); err != nil {
		return fmt.Errorf("write heartbeat: %w", err)
	}
	return nil
}
