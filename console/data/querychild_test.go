package data

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// A structure's copy is bound in memory as the region's query instance is:
// an `avance` query (or a catalogue analysis a director opens) may not take
// the machine's memory.
func TestStructureCopyIsBoundInMemory(t *testing.T) {
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := w.DB.Exec(`INSERT INTO structures (code_structure, nom, departement) VALUES ('ML-16001', 'Angoumois', '16')`); err != nil {
		t.Fatal(err)
	}
	path := w.Path
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	limit := func(w *warehouse.Warehouse) string {
		t.Helper()
		defer w.Close()
		var v string
		if err := w.DB.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	region, err := warehouse.OpenQuery(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	copy, err := OpenStructureCopy(ctx, path, sqlfiles.FS(), "ML-16001")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := limit(region), limit(copy); r != c {
		t.Errorf("memory limit: region %s, structure copy %s; want the same bound", r, c)
	}
}

// A query that runs past its time is told as such in French (not the
// engine's « Interrupted! »), and one that finds every slot taken for too
// long is told to come back.
func TestQueryTimeoutAndBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	ctx := context.Background()
	w := warehousetest.Open(t)
	path := w.Path
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	userQueryTimeout = 2 * time.Second
	defer func() { userQueryTimeout = QueryTimeout }()
	_, err := Query(ctx, path, RegionScope(), "SELECT count(*) FROM range(100000000000) a")
	if !errors.Is(err, ErrQueryTimeout) {
		t.Errorf("a query past its time: %v, want ErrQueryTimeout", err)
	}
	queueWait = 200 * time.Millisecond
	defer func() { queueWait = 30 * time.Second }()
	for range MaxRunningQueries {
		running <- struct{}{}
	}
	_, err = Query(ctx, path, RegionScope(), "SELECT 1")
	if !errors.Is(err, ErrBusy) {
		t.Errorf("every slot taken: %v, want ErrBusy", err)
	}
	// A batch's query (the subscriptions) waits for its turn instead.
	go func() {
		time.Sleep(2 * queueWait)
		<-running
	}()
	if _, err := QueryFile(ctx, path, "", "SELECT 1"); err != nil {
		t.Errorf("a batch's query once a slot is free: %v", err)
	}
	// One slot was given back by the goroutine, and QueryFile returned its
	// own: the test's other ones are left.
	for range MaxRunningQueries - 1 {
		<-running
	}
	if _, err := Query(ctx, path, RegionScope(), "SELECT 1"); err != nil {
		t.Errorf("a slot free again: %v", err)
	}
}
