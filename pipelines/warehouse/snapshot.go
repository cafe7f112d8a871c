package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// SnapshotTo writes a consistent copy of the warehouse file to dst: it
// checkpoints the write-ahead log into the file, then copies the file's bytes
// to a temporary name beside dst (mode 0600: the copy holds identities),
// syncs it, renames it to dst and syncs the folder, so nobody ever finds half
// a copy under dst. w must be open for writing (it holds DuckDB's lock, so no
// other process writes meanwhile), and no write of this process may run on w
// during the copy: the daemon's steps and the commands run one at a time.
func (w *Warehouse) SnapshotTo(ctx context.Context, dst string) (err error) {
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
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", dst, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("snapshot to %s: %w", dst, err)
	}
	if _, err := io.Copy(tmp, ContextReader(ctx, io.NewSectionReader(src, 0, 1<<62))); err != nil {
		return fmt.Errorf("snapshot to %s: copy: %w", dst, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("snapshot to %s: sync: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot to %s: close: %w", dst, err)
	}
	if err := os.Rename(tmpName, dst); err != nil {
		return fmt.Errorf("snapshot to %s: %w", dst, err)
	}
	return SyncDir(dir)
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

// SyncDir makes a rename in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	serr := d.Sync()
	if cerr := d.Close(); serr == nil {
		serr = cerr
	}
	if serr != nil && !errors.Is(serr, os.ErrInvalid) {
		return fmt.Errorf("sync folder %s: %w", dir, serr)
	}
	return nil
}
