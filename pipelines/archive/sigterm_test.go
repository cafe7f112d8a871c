package archive

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/childtest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func TestMain(m *testing.M) {
	if path := os.Getenv("VIGIE_TEST_SIGTERM_CHILD"); path != "" {
		os.Exit(warehousetest.StoppedRun(path, "archive", &stepHook, "STEP", os.Getenv("VIGIE_TEST_STEP"),
			func(ctx context.Context, w *warehouse.Warehouse, id int64) error {
				asOf, _ := time.Parse(time.DateOnly, "2026-11-23")
				_, err := Apply(ctx, w, Options{AsOf: asOf, BackupDir: os.Getenv("VIGIE_TEST_BACKUP_DIR"), RunID: id})
				return err
			}))
	}
	os.Exit(m.Run())
}

// stoppedArchiving archives the fixture's warehouse in a child process,
// sends it SIGTERM once it reached step, and returns how the run ended, the
// child's standard error, the warehouse and the backup folder.
func stoppedArchiving(t *testing.T, step string) (status, stderr string, w *warehouse.Warehouse, backupDir string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	applyFixture(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	backupDir = t.TempDir()
	child, _ := childtest.Start(t, "STEP "+step, "VIGIE_TEST_SIGTERM_CHILD="+path, "VIGIE_TEST_STEP="+step, "VIGIE_TEST_BACKUP_DIR="+backupDir)
	status = child.Signal(t, syscall.SIGTERM)
	return status, child.Stderr.String(), warehousetest.Reopen(t, path), backupDir
}

// archivingState says how many dossiers are archived, how many still carry
// a first name, how many batches are recorded and how many backups are on
// disk.
func archivingState(t *testing.T, w *warehouse.Warehouse, backupDir string) (archived, named, batches, backups int) {
	t.Helper()
	if err := w.DB.QueryRow(`SELECT count(*) FILTER (WHERE archive), count(*) FILTER (WHERE prenom IS NOT NULL),
		(SELECT count(*) FROM archive_batches) FROM dossiers`).Scan(&archived, &named, &batches); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(backupDir)
	if err != nil {
		t.Fatal(err)
	}
	return archived, named, batches, len(entries)
}

// A SIGTERM during any step of an archiving stops it: the run is recorded as
// cancelled, no dossier is anonymised, no batch is recorded, and no
// « Sauvegarde avant archivage » is left on disk for an archiving that did
// not happen (it would list as archived on that day dossiers that are not).
func TestArchivingStopOnSIGTERMInEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for _, step := range []string{"selection", "backup", "anonymise", "record"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			status, stderr, w, dir := stoppedArchiving(t, step)
			if status != "STATUS "+warehouse.StatusCancelled {
				t.Errorf("after SIGTERM in step %s: %q, want the run cancelled; stderr: %s", step, status, stderr)
			}
			archived, named, batches, backups := archivingState(t, w, dir)
			if archived != 0 || named != 3 || batches != 0 || backups != 0 {
				t.Errorf("an archiving stopped in step %s left %d dossiers archived, %d of 3 named, %d batches, %d backup files; want 0, 3, 0, 0; stderr: %s",
					step, archived, named, batches, backups, stderr)
			}
		})
	}
}

// A SIGTERM once the archiving committed keeps it: the run is done, the two
// dossiers archived, the batch recorded with its backup on disk.
func TestArchivingSIGTERMAfterCommitKeepsTheBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	status, stderr, w, dir := stoppedArchiving(t, "committed")
	if status != "STATUS "+warehouse.StatusDone {
		t.Errorf("after SIGTERM once committed: %q, want the run done; stderr: %s", status, stderr)
	}
	archived, named, batches, backups := archivingState(t, w, dir)
	if archived != 2 || named != 1 || batches != 1 || backups != 1 {
		t.Errorf("an archiving stopped once committed left %d dossiers archived, %d of 3 named, %d batches, %d backup files; want 2, 1, 1, 1",
			archived, named, batches, backups)
	}
}
