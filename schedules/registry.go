package schedules

import (
	"context"
	"log/slog"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Output is a file a step produced and whom it is for: a structure code (its
// director) or AnalystsAudience.
type Output struct {
	Path     string
	Audience string
}

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
}

// StepFunc runs one step of a job. It must be idempotent for a given
// scheduled instant: a retry runs it again.
type StepFunc func(ctx context.Context, rc RunContext) ([]Output, error)

// Registry maps step names (KnownSteps) to their functions; the cmd layer
// wires each to its pipeline.
type Registry map[string]StepFunc

// IngestFunc loads one extraction folder into the warehouse.
type IngestFunc func(ctx context.Context, w *warehouse.Warehouse, dir string) error

// asOf returns the local date of t at midnight UTC.
func asOf(t time.Time) time.Time {
	y, m, d := t.In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
