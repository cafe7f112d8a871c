// Package clock is vigie's one view of time: the scheduler, the run record
// and the pipelines that stamp rows read it, and tests inject one they
// control, so that no test sleeps waiting for a schedule.
package clock

import "time"

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After waits for d, like time.After.
	After(d time.Duration) <-chan time.Time
}

// System is the real clock.
type System struct{}

// Now returns the current time.
func (System) Now() time.Time { return time.Now() }

// After is time.After.
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }
