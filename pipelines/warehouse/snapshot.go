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

	"github.com/arml-na/vigie/pipelines/atomic"
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

// SnapshotTo writes a consistent copy of the warehouse file to dst: it
// checkpoints the write-ahead log into the file, then copies the file's bytes
// to a temporary name beside dst (mode 0600: the copy holds identities),
// syncs it, renames it to dst and syncs the folder, so nobody ever finds half
// a copy under dst. w must be open for writing (it holds DuckDB's lock, so no
// other process writes meanwhile), and no write of this process may run on w
// during the copy: the daemon's steps and the commands run one at a time.
func (w *Warehouse) SnapshotTo(ctx context.Context, dst string) error {
	if w.ReadOnly {
		return fmt.Errorf("snapshot %s: the warehouse is open read-only, its log cannot be checkpointed", w.Path)
	}
	if err := w.Checkpoint(ctx); err != nil {
		return fmt.Errorf("snapshot %s: %w", w.Path, err)
	}
	src, err := w.snapshotSource()
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", w.Path, err)
	}
	return atomic.WriteFile(dst, 0o600, func(out io.Writer) error {
		_, err := io.Copy(out, ContextReader(ctx, io.NewSectionReader(src, 0, 1<<62)))
		return err
	})
}

// snapshotSource returns the descriptor SnapshotTo reads the file through,
// opened once and closed only by Close. DuckDB's lock on the file is a POSIX
// record lock, which the kernel drops when the process closes *any*
// descriptor of the file: closing a descriptor after each copy would leave
// the warehouse open here and unlocked for every other process.
func (w *Warehouse) snapshotSource() (*os.File, error) {
	w.snapshotMu.Lock()
	defer w.snapshotMu.Unlock()
	if w.snapshotSrc == nil {
		f, err := os.Open(w.Path)
		if err != nil {
			return nil, err
		}
		w.snapshotSrc = f
	}
	return w.snapshotSrc, nil
}

// ContextReader returns r, stopping a long copy when ctx ends.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

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
