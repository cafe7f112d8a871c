package schedules

import "github.com/arml-na/vigie/pipelines/clock"

// Clock is the scheduler's view of time (clock.Clock); tests inject one they
// control, so no test sleeps waiting for a schedule.
type Clock = clock.Clock

// SystemClock is the real clock.
type SystemClock = clock.System
