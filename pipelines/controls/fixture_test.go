package controls

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// rulesExtraction is the boundary fixture of the controls tests: a small
// extraction (testdata/controls/rules/README.md says what it holds).
var rulesExtraction = filepath.Join("..", "..", "testdata", "controls", "rules")

// template is a warehouse built once, by build, from a fixture; each test
// works on its own copy.
type template struct {
	build func(ctx context.Context, path string) error
	once  sync.Once
	dir   string
	path  string
	err   error
}

var (
	rulesTemplate = &template{build: buildRules}
	wave2Template = &template{build: buildWave2}
)

// warehouse returns a copy of the template of its own.
func (tm *template) warehouse(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), tm.file(t), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// file returns the path of a copy of the template of its own, closed (for a
// child process to open).
func (tm *template) file(t testing.TB) string {
	t.Helper()
	tm.once.Do(func() {
		tm.dir, tm.err = os.MkdirTemp("", "vigie-controls-")
		if tm.err != nil {
			return
		}
		tm.path = filepath.Join(tm.dir, "template.duckdb")
		tm.err = tm.build(context.Background(), tm.path)
	})
	if tm.err != nil {
		t.Fatal(tm.err)
	}
	path := filepath.Join(t.TempDir(), "w.duckdb")
	if err := copyFile(tm.path, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMain(m *testing.M) {
	if path := os.Getenv("VIGIE_TEST_SIGTERM_CHILD"); path != "" {
		os.Exit(childSigterm(path, os.Getenv("VIGIE_TEST_STEP")))
	}
	code := m.Run()
	for _, dir := range []string{rulesTemplate.dir, wave2Template.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// buildRules loads rulesExtraction through the ingestion into a fresh
// warehouse at path, then archives the dossier ARCH through the archive
// pipeline (manual archiving), as a structure would.
func buildRules(ctx context.Context, path string) error {
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		return err
	}
	defer w.Close()
	var res *ingest.Result
	err = w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) (err error) {
		res, err = ingest.Run(ctx, w, rulesExtraction, ingest.Options{RunID: id})
		return err
	})
	if err != nil {
		return fmt.Errorf("ingest %s: %w", rulesExtraction, err)
	}
	if res.Quarantined != 0 {
		return fmt.Errorf("ingest %s: %d rows quarantined: %+v", rulesExtraction, res.Quarantined, res.Samples)
	}
	if err := archiveDossier(ctx, w, "ARCH", "demande_du_jeune", date("2026-01-01"), filepath.Dir(path)); err != nil {
		return err
	}
	return w.Close()
}

// archiveDossier archives one dossier by hand through the archive pipeline,
// in a recorded run, writing its backup under dir.
func archiveDossier(ctx context.Context, w *warehouse.Warehouse, id, motif string, asOf time.Time, dir string) (err error) {
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "archive dossier", Arguments: []string{id}, AsOf: &asOf})
	if err != nil {
		return err
	}
	defer func() {
		if ferr := run.Finish(err); ferr != nil && err == nil {
			err = ferr
		}
	}()
	opts := archive.Options{AsOf: asOf, BackupDir: filepath.Join(dir, "sauvegardes"), RunID: run.ID}
	if _, err := archive.Dossier(ctx, w, id, motif, opts); err != nil {
		return fmt.Errorf("archive %s: %w", id, err)
	}
	return nil
}

// rulesWarehouse returns a warehouse of its own holding the boundary
// fixture, loaded through the ingestion.
func rulesWarehouse(t testing.TB) *warehouse.Warehouse { return rulesTemplate.warehouse(t) }

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
