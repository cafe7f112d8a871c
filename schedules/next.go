package schedules

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

var paris = warehouse.Paris

// Spec is a cron expression evaluated in Europe/Paris, exactly once per local
// wall-clock instant across daylight-saving changes.
//
// robfig/cron computes the instants (CRON_TZ=Europe/Paris, then Next). Left
// alone it skips a time that does not exist on the spring-forward day (02:30
// on the last Sunday of March) and fires twice at a time that happens twice
// on the fall-back day (02:30 on the last Sunday of October). Spec corrects
// both: a time in the spring gap runs once, when the gap ends (03:00 local),
// and a repeated time runs once, at its first occurrence.
type Spec struct {
	Expr  string
	paris cron.Schedule // the expression in Europe/Paris
	wall  cron.Schedule // the same expression on the naive wall-clock line
}

// ParseSpec parses a standard 5-field cron expression (or a descriptor such
// as @daily) meant in Europe/Paris local time. A CRON_TZ or TZ prefix is
// refused: every schedule of vigie is in Europe/Paris.
func ParseSpec(expr string) (*Spec, error) {
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "CRON_TZ=") || strings.HasPrefix(e, "TZ=") {
		return nil, fmt.Errorf("cron %q : retirez le fuseau horaire, les planifications sont toujours en heure de Paris", expr)
	}
	p, err := cron.ParseStandard("CRON_TZ=Europe/Paris " + e)
	if err != nil {
		return nil, fmt.Errorf("cron %q : expression invalide (5 champs : minute heure jour-du-mois mois jour-de-la-semaine, par exemple \"0 7 * * 1\") : %w", expr, err)
	}
	w, err := cron.ParseStandard("CRON_TZ=UTC " + e)
	if err != nil {
		return nil, fmt.Errorf("cron %q: %w", expr, err)
	}
	return &Spec{Expr: e, paris: p, wall: w}, nil
}

// Next returns the first scheduled instant strictly after t, in
// Europe/Paris.
func (s *Spec) Next(t time.Time) time.Time {
	at, _ := s.next(t)
	return at
}

// next is Next, telling also whether the instant is the end of a
// spring-forward gap that swallowed the expression's wall-clock time.
func (s *Spec) next(t time.Time) (time.Time, bool) {
	t = t.In(paris)
	cand := t
	for i := 0; i < 1000; i++ {
		cand = s.paris.Next(cand)
		if cand.IsZero() {
			break
		}
		// The second pass through a repeated hour: its wall-clock time was
		// already scheduled an hour earlier.
		if sameWall(cand, cand.Add(-time.Hour)) {
			continue
		}
		break
	}
	// A wall-clock time swallowed by a spring-forward gap before cand runs
	// when the gap ends.
	w := s.wall.Next(naive(t))
	if !w.IsZero() {
		if inst := wallToInstant(w); inst.After(t) && (cand.IsZero() || inst.Before(cand)) {
			return inst, !naive(inst).Equal(w)
		}
	}
	return cand, false
}

// naive returns the Europe/Paris wall-clock reading of t as a UTC time.
func naive(t time.Time) time.Time {
	l := t.In(paris)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

func sameWall(a, b time.Time) bool { return naive(a).Equal(naive(b)) }

// wallToInstant returns the instant a Europe/Paris wall-clock reading w
// (given as UTC) stands for: its first occurrence when the reading happens
// twice, the end of the gap when it does not exist.
func wallToInstant(w time.Time) time.Time {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), paris)
	if !naive(t).Equal(w) {
		// In a gap: Go moved it forward; run when the gap ends.
		start, _ := t.ZoneBounds()
		return start
	}
	// Prefer the earlier of two occurrences (Go may pick either).
	if e := t.Add(-time.Hour); naive(e).Equal(w) {
		return e
	}
	return t
}
