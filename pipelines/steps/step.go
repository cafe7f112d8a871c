// Package steps declares each of vigie's pipelines once, as a typed step:
// its name in the schedules, its command, what it reads and writes, what it
// produces and for whom, and what must follow it. The command line, the
// daemon and the demo all run steps through this package, so that a step
// behaves the same whoever calls it, and whoever calls it records its run
// once (Run), never the step itself.
//
// Adding a step is one place: declare it in declare.go and list it in
// Declared. The daemon's registry is built from that list and refuses, at
// start-up, a schedule that names a step the list does not hold.
package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/subscriptions"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// AnalystsAudience is the audience of a file meant for the regional analysts;
// any other audience is a structure code (its director).
const AnalystsAudience = "analysts"

// Output is a file a step produced and whom it is for.
type Output struct {
	Path     string
	Audience string
}

// Env is what a step runs with, given by its caller.
type Env struct {
	W *warehouse.Warehouse
	// RunID is the run record the caller opened; 0 for a preview (a dry
	// run), which records nothing.
	RunID int64
	Log   *slog.Logger
	// Progress receives one line per unit of work (a terminal); nil for none.
	Progress io.Writer
}

func (e Env) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Instant is a scheduled run a step runs for.
type Instant struct {
	Job string
	// For is the scheduled instant (Europe/Paris); AsOf its local date at
	// midnight UTC, the --as-of of the same run on the command line.
	For, AsOf time.Time
	// OutDir is the run's folder for the files it produces.
	OutDir string
	// BackupDir is where an archiving writes its backup.
	BackupDir string
	// Backups is the folder of the daily copies of the warehouse, and
	// BackupKeep how many it keeps (0: the default).
	Backups    string
	BackupKeep int
	// Reference is set when the run is the reference of its period (the
	// weekly control, the monthly report): controls record it as such.
	Reference string
	// Counsellors says which structures' counsellors receive their Monday
	// list (the configuration's counsellors section); nil for none.
	Counsellors *reporting.CounsellorOptions
	// Query runs the console's analyses for the subscriptions step; nil:
	// that step fails as not wired.
	Query subscriptions.QueryFunc
}

// Info is what a step declares about itself.
type Info struct {
	// Name is the step's name in the schedules (controls, archive_apply…).
	Name string
	// Command is the command line that runs it, and the run record's command.
	Command string
	// Reads and Writes name the warehouse tables it reads and changes; a
	// step that writes nothing opens no run record.
	Reads, Writes []string
	// Produces says which files it writes and for whom ("" for none).
	Produces string
	// Then says what must follow it ("" for nothing).
	Then string
}

// Step is a declared pipeline as the registry holds it.
type Step interface {
	Info() Info
	// Schedulable tells whether the step can run for a scheduled instant.
	Schedulable() bool
	// RunFor runs the step for a scheduled instant, with the run record e.RunID
	// of the scheduled job, then what must follow it, and says which files it
	// produced for whom.
	RunFor(ctx context.Context, e Env, in Instant) ([]Output, error)
}

// Pipeline is one typed step: O are its options, R its result.
type Pipeline[O, R any] struct {
	Declared Info
	// Exec runs the pipeline under the run record e.RunID.
	Exec func(ctx context.Context, e Env, o O) (R, error)
	// Then is what must follow a successful Exec (the compaction after an
	// archiving); every caller runs it through Do or Run. Nil: nothing.
	Then func(ctx context.Context, e Env, r R) error
	// ForInstant gives the options of a scheduled run; nil: the step is not
	// scheduled.
	ForInstant func(in Instant) (O, error)
	// Outputs says which files a run produced and for whom; nil: none.
	Outputs func(r R) ([]Output, error)
}

// Info returns the step's declaration.
func (p *Pipeline[O, R]) Info() Info { return p.Declared }

// Schedulable tells whether the step runs for a scheduled instant.
func (p *Pipeline[O, R]) Schedulable() bool { return p.ForInstant != nil }

// Do runs the step then what must follow it, under the caller's run record.
func (p *Pipeline[O, R]) Do(ctx context.Context, e Env, o O) (R, error) {
	r, err := p.Exec(ctx, e, o)
	if err != nil || p.Then == nil {
		return r, err
	}
	return r, p.Then(ctx, e, r)
}

// Preview runs the step without a run record and without what follows it:
// a dry run, which must change nothing.
func (p *Pipeline[O, R]) Preview(ctx context.Context, e Env, o O) (R, error) {
	e.RunID = 0
	return p.Exec(ctx, e, o)
}

// RunFor runs the step for a scheduled instant.
func (p *Pipeline[O, R]) RunFor(ctx context.Context, e Env, in Instant) ([]Output, error) {
	if p.ForInstant == nil {
		return nil, fmt.Errorf("étape %s : %w", p.Declared.Name, ErrNotSchedulable)
	}
	o, err := p.ForInstant(in)
	if err != nil {
		return nil, err
	}
	r, err := p.Do(ctx, e, o)
	if err != nil || p.Outputs == nil {
		return nil, err
	}
	return p.Outputs(r)
}

// Outputs of a run's result, for callers outside the daemon (the demo's
// delivery).
func (p *Pipeline[O, R]) OutputsOf(r R) ([]Output, error) {
	if p.Outputs == nil {
		return nil, nil
	}
	return p.Outputs(r)
}

// Run runs p for a caller that has no run record: it opens one (info, with
// the step's command when info.Command is empty), runs the step under it,
// records how it ended, and then runs what must follow it. A step that
// writes nothing opens no record.
func Run[O, R any](ctx context.Context, e Env, p *Pipeline[O, R], info warehouse.RunInfo, o O) (R, error) {
	if len(p.Declared.Writes) == 0 {
		return p.Do(ctx, e, o)
	}
	if info.Command == "" {
		info.Command = p.Declared.Command
	}
	var r R
	err := e.W.Record(ctx, info, func(runID int64) (err error) {
		e.RunID = runID
		r, err = p.Exec(ctx, e, o)
		return err
	})
	if err != nil || p.Then == nil {
		return r, err
	}
	if err := p.Then(ctx, e, r); err != nil {
		return r, &ThenError{Step: p.Declared.Name, RunID: e.RunID, What: p.Declared.Then, Err: err}
	}
	return r, nil
}

// ThenError is the failure of what must follow a step whose run is recorded
// done: the step's work stands, what follows it must be done again.
type ThenError struct {
	Step  string
	RunID int64
	What  string
	Err   error
}

func (e *ThenError) Error() string {
	return fmt.Sprintf("l'étape %s est faite (run %d), mais pas ce qui doit la suivre (%s) : %v", e.Step, e.RunID, e.What, e.Err)
}

func (e *ThenError) Unwrap() error { return e.Err }

// ErrNotSchedulable marks a step that does not run for a scheduled instant
// (one that needs a person's choice, such as archiving one dossier).
var ErrNotSchedulable = errors.New("cette étape ne se planifie pas")

// ErrNotDeclared marks a step name that no declaration holds.
var ErrNotDeclared = errors.New("étape non déclarée dans cette version de vigie")

// Registry holds declared steps by name, as river holds workers: a name
// declared twice is refused, and so is a lookup of a name never declared.
type Registry struct {
	byName map[string]Step
	order  []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]Step{}} }

// Add declares s; an empty or doubled name is refused.
func (r *Registry) Add(s Step) error {
	name := s.Info().Name
	if name == "" {
		return errors.New("steps: a step has no name")
	}
	if _, dup := r.byName[name]; dup {
		return fmt.Errorf("steps: step %s declared twice", name)
	}
	r.byName[name] = s
	r.order = append(r.order, name)
	return nil
}

// Lookup returns the step called name.
func (r *Registry) Lookup(name string) (Step, error) {
	s, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("étape %q : %w (étapes déclarées : %s)", name, ErrNotDeclared, strings.Join(r.Names(), ", "))
	}
	return s, nil
}

// Names returns the declared names in declaration order.
func (r *Registry) Names() []string { return append([]string(nil), r.order...) }

// Scheduled returns the names of the steps that run for a scheduled instant,
// sorted.
func (r *Registry) Scheduled() []string {
	var out []string
	for _, n := range r.order {
		if r.byName[n].Schedulable() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// All returns the declared steps in declaration order.
func (r *Registry) All() []Step {
	out := make([]Step, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.byName[n])
	}
	return out
}
