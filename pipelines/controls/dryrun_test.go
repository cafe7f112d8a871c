package controls

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// storedRows counts the rows of every table a controls run writes.
func storedRows(t *testing.T, w *warehouse.Warehouse) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"runs", "control_runs", "findings", "findings_resolved", "indicator_rdv", "upcoming_rdv", "indicator_siene"} {
		var n int
		if err := w.DB.QueryRow(`SELECT count(*) FROM ` + warehouse.MustIdent(tbl)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

// TestDryRunRecordsNothing runs the controls for a week as a dry run, then
// for real: the dry run finds, compares and resolves exactly what the real
// run does, records nothing, and the real run compares with the run before
// the dry one.
func TestDryRunRecordsNothing(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	ctx := context.Background()
	runAt(t, w, "2026-11-16")
	res, err := ingested(t, ctx, w, filepath.Join("..", "..", "testdata", "controls", "history", "semaine2"), ingest.Options{})
	if err != nil || res.Quarantined != 0 {
		t.Fatalf("ingest: %v (%d quarantined)", err, res.Quarantined)
	}
	before := storedRows(t, w)
	dry, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if after := storedRows(t, w); !reflect.DeepEqual(after, before) {
		t.Errorf("the dry run changed the stored rows: %v, before %v", after, before)
	}
	if dry.RunID != 0 {
		t.Errorf("dry run id %d, want 0 (no run recorded)", dry.RunID)
	}
	real := runAt(t, w, "2026-11-23")
	if len(dry.Findings) == 0 || len(dry.Resolved) == 0 {
		t.Fatalf("dry run: %d findings, %d resolved: the fixture should give both", len(dry.Findings), len(dry.Resolved))
	}
	if !reflect.DeepEqual(dry.Findings, real.Findings) {
		t.Errorf("dry run findings differ from the real run's (%d and %d)", len(dry.Findings), len(real.Findings))
	}
	if !reflect.DeepEqual(dry.Resolved, real.Resolved) {
		t.Errorf("dry run resolved findings differ from the real run's (%d and %d)", len(dry.Resolved), len(real.Resolved))
	}
	if !reflect.DeepEqual(dry.Counts, real.Counts) {
		t.Errorf("dry run counts %v, real run %v", dry.Counts, real.Counts)
	}
	// The real run follows the first one: a finding of both weeks has run twice.
	if f := index(real.Findings)["SIE-03|SIE-03_in"]; f.Runs != 2 || f.Suivi != Persistant {
		t.Errorf("real run after the dry one: %+v", f)
	}
	// A dry run is never a reference run, and has no run record.
	if _, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), DryRun: true, Reference: Weekly}); err == nil {
		t.Error("a dry reference run was accepted")
	}
	if _, err := Run(ctx, w, Options{AsOf: date("2026-11-23"), DryRun: true, RunID: real.RunID}); err == nil {
		t.Error("a dry run under a run record was accepted")
	}
}
