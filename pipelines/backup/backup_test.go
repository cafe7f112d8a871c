package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// extraction generates a small demo extraction; different seeds give
// different dossiers.
func extraction(t *testing.T, seed int64, scale float64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "extraction")
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if _, err := demo.Generate(context.Background(), dir, demo.Options{Scale: scale, Seed: seed, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newWarehouse returns the path of a warehouse that holds the extraction
// dir, closed.
func newWarehouse(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recorded.Ingest(t, context.Background(), w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// state is what a warehouse holds, as a user would compare it: the rows of
// every extract table and of the run record, and a digest of the dossiers.
func state(t *testing.T, path string) map[string]string {
	t.Helper()
	w, err := warehouse.OpenReadOnly(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := map[string]string{}
	for _, tb := range ingest.Tables {
		var n int64
		if err := w.DB.QueryRow(`SELECT count(*) FROM ` + warehouse.MustIdent(tb.Name)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		s[tb.Name] = strconv.FormatInt(n, 10)
	}
	var runs int64
	var digest string
	if err := w.DB.QueryRow(`SELECT (SELECT count(*) FROM runs WHERE command = 'ingest'), (SELECT coalesce(bit_xor(hash(d)), 0)::VARCHAR FROM dossiers d)`).Scan(&runs, &digest); err != nil {
		t.Fatal(err)
	}
	s["runs"] = strconv.FormatInt(runs, 10)
	s["dossiers digest"] = digest
	return s
}

func take(t *testing.T, path, out string, keep int, at time.Time) Copy {
	t.Helper()
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Take(context.Background(), w, Options{Out: out, Keep: keep, Now: at})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackupWritesCheckedCopiesAndKeepsTheLatest(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	out := filepath.Join(t.TempDir(), "sauvegardes")
	at := time.Date(2026, 11, 23, 5, 45, 0, 0, time.UTC) // 06:45 in Paris
	var copies []Copy
	for i := range 3 {
		copies = append(copies, take(t, path, out, 2, at.Add(time.Duration(i)*24*time.Hour)))
	}
	last := copies[2]
	if want := filepath.Join(out, "vigie-2026-11-25_064500.duckdb"); last.Path != want {
		t.Errorf("copy written as %s, want %s", last.Path, want)
	}
	if len(copies[2].Removed) != 1 || copies[2].Removed[0] != copies[0].Path {
		t.Errorf("third backup with --keep 2 removed %v, want the first copy %s", copies[2].Removed, copies[0].Path)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600 (it holds identities)", e.Name(), info.Mode().Perm())
		}
	}
	want := []string{"vigie-2026-11-24_064500.duckdb", "vigie-2026-11-24_064500.duckdb.sha256", "vigie-2026-11-25_064500.duckdb", "vigie-2026-11-25_064500.duckdb.sha256"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("backup folder holds %v, want %v", names, want)
	}
	raw, err := os.ReadFile(last.Path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != last.SHA256 || int64(len(raw)) != last.Bytes {
		t.Errorf("printed sha256 %s and %d bytes, the file has %x and %d", last.SHA256, last.Bytes, sum, len(raw))
	}
	line, err := os.ReadFile(SumFile(last.Path))
	if err != nil {
		t.Fatal(err)
	}
	if string(line) != last.SHA256+"  vigie-2026-11-25_064500.duckdb\n" {
		t.Errorf("checksum file %q is not in sha256sum's format", line)
	}
	if got, want := state(t, last.Path), state(t, path); !reflect.DeepEqual(got, want) {
		t.Errorf("the copy holds %v, the warehouse %v", got, want)
	}
}

// TestSnapshotKeepsTheWarehouseLocked: reading the file for the copy must not
// drop DuckDB's lock (a POSIX lock goes when the process closes any
// descriptor of the file), or another process could write it while this one
// still has it open.
func TestSnapshotKeepsTheWarehouseLocked(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	w := warehousetest.Reopen(t, path)
	for i := range 2 {
		if err := w.SnapshotTo(context.Background(), filepath.Join(t.TempDir(), "copy.duckdb")); err != nil {
			t.Fatal(err)
		}
		p := startChild(t, "holder", path, "")
		if got := p.line(t); got != strconv.Itoa(os.Getpid()) {
			t.Fatalf("after snapshot %d another process sees the warehouse held by %q, want this process (%d)", i+1, got, os.Getpid())
		}
		p.wait(t)
	}
}

// TestBackupDuringIngestRestoresBeforeOrAfter takes a backup while another
// process ingests an extraction, restores it, and finds a warehouse that
// opens, reads through, and holds exactly the state before or after that
// ingestion. The second round starts the backup once the ingestion holds
// the warehouse: the backup waits for it and holds the state after.
func TestBackupDuringIngestRestoresBeforeOrAfter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	t.Parallel()
	base := extraction(t, 1, 0.004)
	more := extraction(t, 2, 0.01)
	for _, waitForOpen := range []bool{false, true} {
		path := newWarehouse(t, base)
		before := state(t, path)
		p := startChild(t, "ingest", path, more)
		if waitForOpen {
			if got := p.line(t); got != "OPEN" {
				t.Fatalf("ingesting child said %q", got)
			}
		}
		w, err := warehouse.OpenWaiting(context.Background(), path, sqlfiles.FS(), 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Take(context.Background(), w, Options{Out: t.TempDir(), Keep: 1, Now: time.Now()})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		p.wait(t)
		after := state(t, path)
		if reflect.DeepEqual(before, after) {
			t.Fatal("the ingestion changed nothing: the test would prove nothing")
		}

		target := filepath.Join(t.TempDir(), "restored.duckdb")
		res, err := Restore(context.Background(), target, c.Path, sqlfiles.FS(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if res.Path != target || res.From != c.Path || res.Aside != "" {
			t.Errorf("restore: %+v", res)
		}
		got := state(t, target)
		switch {
		case reflect.DeepEqual(got, after):
			t.Logf("waitForOpen=%v: the backup holds the state after the ingestion", waitForOpen)
		case reflect.DeepEqual(got, before) && !waitForOpen:
			t.Logf("waitForOpen=%v: the backup holds the state before the ingestion", waitForOpen)
		default:
			t.Errorf("waitForOpen=%v: restored warehouse holds %v; before the ingestion %v, after %v", waitForOpen, got, before, after)
		}
	}
}

func TestBackupGivesUpWaitingInFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	p := startChild(t, "hold", path, "")
	if got := p.line(t); got != "OPEN" {
		t.Fatalf("holding child said %q", got)
	}
	_, err := warehouse.OpenWaiting(context.Background(), path, sqlfiles.FS(), 500*time.Millisecond)
	var inUse *warehouse.InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("backup while another process holds the warehouse: %v, want an InUseError", err)
	}
	if inUse.PID != p.cmd.Process.Pid || !strings.Contains(err.Error(), "toujours utilisé par un autre processus (PID "+strconv.Itoa(p.cmd.Process.Pid)+") après") {
		t.Errorf("message %q does not name the holder %d in French", err, p.cmd.Process.Pid)
	}
	p.wait(t)
}

// TestSnapshotAfterReopen: a warehouse closed and reopened in place (as the
// compaction after an archiving does) is copied as it now is.
func TestSnapshotAfterReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.SnapshotTo(ctx, filepath.Join(t.TempDir(), "first.duckdb")); err != nil {
		t.Fatal(err)
	}
	err = w.WhileClosed(ctx, func(p string) error {
		other := newWarehouse(t, filepath.Join("..", "..", "testdata", "archive", "extraction"))
		return os.Rename(other, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "second.duckdb")
	if err := w.SnapshotTo(ctx, second); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := state(t, second), state(t, path); !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot after the reopening holds %v, the warehouse %v", got, want)
	}
}

// TestStoppedBackupLeavesNoCopy: a backup stopped once its copy is in place,
// while the copy is read back for its checksum (a SIGTERM then), leaves
// neither the copy nor a checksum file: the folder holds only copies that
// restore.
func TestStoppedBackupLeavesNoCopy(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	out := filepath.Join(t.TempDir(), "sauvegardes")
	w := warehousetest.Reopen(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := Options{Out: out, Keep: 2, Now: time.Date(2026, 11, 23, 5, 45, 0, 0, time.UTC)}
	opts.afterCopy = func() {
		if _, err := os.Stat(filepath.Join(out, "vigie-2026-11-23_064500.duckdb")); err != nil {
			t.Errorf("control: the copy is not in place when the backup is stopped: %v", err)
		}
		cancel() // SIGTERM
	}
	if _, err := Take(ctx, w, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("a backup stopped while its copy is read back: %v, want cancelled", err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a stopped backup left %s", e.Name())
	}
}

// TestCopyWithoutChecksumIsNotCountedAsKept: a copy whose checksum file is
// missing (a backup killed between the two) does not restore, so it does not
// take the place of one that does: --keep 2 keeps two copies that restore.
func TestCopyWithoutChecksumIsNotCountedAsKept(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	out := filepath.Join(t.TempDir(), "sauvegardes")
	at := time.Date(2026, 11, 23, 5, 45, 0, 0, time.UTC)
	take(t, path, out, 2, at)
	second := take(t, path, out, 2, at.Add(24*time.Hour))
	orphan := filepath.Join(out, Name(at.Add(48*time.Hour)))
	raw, err := os.ReadFile(second.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	take(t, path, out, 2, at.Add(72*time.Hour))
	if _, err := os.Stat(SumFile(second.Path)); err != nil {
		t.Errorf("the second backup, the last that restores before the newest, was removed: %v", err)
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Errorf("the copy without checksum was removed (it is left to the operator): %v", err)
	}
}
