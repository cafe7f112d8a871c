package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The console (`vigie serve`) never holds the live warehouse: DuckDB lets one
// process write a file, and the nightly batches must keep writing. It reads a
// published read-only copy instead, a snapshot. When the folder
// <warehouse>.console/snapshots exists (`vigie serve` creates it), every
// read-write Warehouse that changed something publishes a new snapshot there
// as it closes; the console polls the folder, opens the newest and drops the
// ones it superseded.

// SnapshotExt ends the name of every published snapshot.
const SnapshotExt = ".duckdb"

const snapshotPrefix = "snapshot-"

// ConsoleDir is the console's folder beside a warehouse: the accounts store
// and the published snapshots.
func ConsoleDir(warehousePath string) string { return warehousePath + ".console" }

// SnapshotsDir is where the snapshots of a warehouse are published.
func SnapshotsDir(warehousePath string) string {
	return filepath.Join(ConsoleDir(warehousePath), "snapshots")
}

// snapshotName names a snapshot after its publication instant (UTC, to the
// nanosecond), so that the newest sorts last.
func snapshotName(t time.Time) string {
	return snapshotPrefix + t.UTC().Format("20060102T150405.000000000Z") + fmt.Sprintf("-%d", os.Getpid()) + SnapshotExt
}

// Snapshots lists the published snapshots of dir, oldest first.
func Snapshots(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, snapshotPrefix) && strings.HasSuffix(n, SnapshotExt) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	return out, nil
}

// LatestSnapshot returns the newest snapshot of dir, "" when there is none.
func LatestSnapshot(dir string) (string, error) {
	list, err := Snapshots(dir)
	if err != nil || len(list) == 0 {
		return "", err
	}
	return list[len(list)-1], nil
}

// SnapshotTo writes a consistent copy of the warehouse to dst: a checkpoint
// (the write-ahead log into the file), then the file's bytes copied to a
// temporary name in dst's folder (mode 0600: the copy holds identities),
// synced, renamed to dst, and the folder synced. Nobody ever opens half a
// copy. The warehouse must be open for writing and idle.
func (w *Warehouse) SnapshotTo(ctx context.Context, dst string) (err error) {
	if w.ReadOnly {
		return errors.New("snapshot: the warehouse is open read-only (a checkpoint needs write access)")
	}
	if err := w.Checkpoint(ctx); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	src, err := os.Open(w.Path)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer src.Close()
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, ".tmp-snapshot-*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if _, err := io.Copy(tmp, ctxReader{ctx, src}); err != nil {
		return fmt.Errorf("snapshot: copy: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("snapshot: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return syncDir(dir)
}

// ctxReader stops a long copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// PublishSnapshot publishes a new snapshot for the console, when its folder
// exists, and removes all but the two newest (the console may still be
// reading the one before; it removes what it superseded itself). It returns
// the new snapshot's path, "" when there is no console folder.
func (w *Warehouse) PublishSnapshot(ctx context.Context) (string, error) {
	dir := SnapshotsDir(w.Path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", nil
	}
	dst := filepath.Join(dir, snapshotName(time.Now()))
	if err := w.SnapshotTo(ctx, dst); err != nil {
		return "", fmt.Errorf("publication de l'instantané pour la console : %w", err)
	}
	list, err := Snapshots(dir)
	if err != nil {
		return dst, fmt.Errorf("publication de l'instantané pour la console : %w", err)
	}
	for i := 0; i < len(list)-2; i++ {
		if err := os.Remove(list[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dst, fmt.Errorf("publication de l'instantané pour la console : %w", err)
		}
	}
	return dst, nil
}

// changedSinceOpen tells whether this read-write warehouse wrote anything: a
// run was recorded, or the write-ahead log holds changes not yet
// checkpointed (ledger writes, migrations).
func (w *Warehouse) changedSinceOpen() bool {
	if w.ReadOnly {
		return false
	}
	if w.changed.Load() {
		return true
	}
	fi, err := os.Stat(w.Path + ".wal")
	return err == nil && fi.Size() > 0
}

// publishOnClose publishes a snapshot if the console folder exists and the
// warehouse changed; called by Close before the file is released, so no
// other writer can come between the checkpoint and the copy.
func (w *Warehouse) publishOnClose() error {
	if !w.changedSinceOpen() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, err := w.PublishSnapshot(ctx)
	return err
}
