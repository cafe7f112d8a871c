package warehouse

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/arml-na/vigie/pipelines/atomic"
)

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
