package main

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// demoRun is what the steps of `vigie demo` share.
type demoRun struct {
	Out        string // the demo's output folder
	Extraction string // the generated extraction folder (Out/extraction)
	AsOf       time.Time
	Warehouse  *warehouse.Warehouse
	Summary    io.Writer // what the user reads: where the outputs are, what was found
	Log        *slog.Logger
	// Outputs are the files the demo's steps produced, for whom.
	Outputs []steps.Output
}

// env is what the demo's steps run with.
func (d *demoRun) env() steps.Env { return steps.Env{W: d.Warehouse, Log: d.Log} }

// runInfo is the run record of a demo step for the day asOf: the job is
// "demo", so that `vigie runs` tells the demo's runs from the others.
func (d *demoRun) runInfo(asOf time.Time) warehouse.RunInfo {
	return warehouse.RunInfo{Arguments: []string{"demo", "--as-of", asOf.Format(time.DateOnly)}, AsOf: &asOf, Job: "demo"}
}

// demoStep is one pipeline run by `vigie demo` after the ingestion, in order.
type demoStep struct {
	order int
	name  string
	run   func(ctx context.Context, a *app, d *demoRun) error
}

var demoSteps []demoStep

// registerDemoStep adds a pipeline to the demo; each command file registers
// its own from init, so the demo runs every pipeline that exists.
func registerDemoStep(s demoStep) { demoSteps = append(demoSteps, s) }

func orderedDemoSteps() []demoStep {
	steps := append([]demoStep(nil), demoSteps...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].order < steps[j].order })
	return steps
}
