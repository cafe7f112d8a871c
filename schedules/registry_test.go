package schedules

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// The daemon's registry is the declared steps: every step a schedule may
// name runs a declared pipeline, and nothing else is in it.
func TestRegistryFromDeclaredSteps(t *testing.T) {
	t.Parallel()
	declared := steps.Declared()
	reg := NewRegistry(declared, nil)
	for _, name := range KnownSteps {
		if name == InboxStep {
			continue
		}
		if _, ok := reg[name]; !ok {
			t.Errorf("step %s may be scheduled but is not in the daemon's registry", name)
		}
		if _, err := declared.Lookup(name); err != nil {
			t.Errorf("step %s: %v", name, err)
		}
	}
	if len(reg) != len(KnownSteps)-1 {
		t.Errorf("registry holds %d steps, the schedules may name %d besides the inbox", len(reg), len(KnownSteps)-1)
	}
	// Declared once: a second declaration of a name is refused.
	if err := declared.Add(steps.Controls); err == nil {
		t.Error("a step declared twice was accepted")
	}
	if _, err := declared.Lookup("nettoyage"); !errors.Is(err, steps.ErrNotDeclared) {
		t.Errorf("lookup of an undeclared step: %v", err)
	}
}

// A schedule naming a step the registry does not hold is refused at
// start-up, before the warehouse is opened and before any run.
func TestDaemonRefusesUndeclaredStepAtStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testJobs)
	delete(f.steps, "weekly_asp")
	opened := 0
	open := func(ctx context.Context) (*warehouse.Warehouse, error) {
		opened++
		return f.open(ctx)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.clock.Set(at(t, "2026-11-23 06:59"))
	f.clock.end, f.clock.stop = at(t, "2026-11-23 07:30"), cancel // without the check, the daemon stops after its Monday run
	err := f.scheduler().Run(ctx, open)
	if !errors.Is(err, ErrNotWired) {
		t.Fatalf("daemon started with a step missing from its registry: %v", err)
	}
	if opened != 0 || f.count("controls@weekly_control")+f.count("transfers@night") != 0 {
		t.Errorf("the warehouse was opened %d times, steps ran before the refusal", opened)
	}
	if want := "weekly_control.weekly_asp"; !strings.Contains(err.Error(), want) {
		t.Errorf("refusal %q does not name %s", err, want)
	}
}
