package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// InUseError says that another process holds the warehouse file: a writer
// (an ingestion, the daemon's pass) or a reader (`vigie query`).
type InUseError struct {
	Path   string
	PID    int           // the holder, as the kernel reports it (0 when unknown)
	Waited time.Duration // how long the caller waited before giving up
}

func (e *InUseError) Error() string {
	who := "un autre processus"
	if e.PID > 0 {
		who = fmt.Sprintf("un autre processus (PID %d)", e.PID)
	}
	if e.Waited > 0 {
		return fmt.Sprintf("l'entrepôt %s est toujours utilisé par %s après %s d'attente : abandon ; relancez quand le lot en cours (ingestion, démon, requête) est terminé, ou attendez plus longtemps avec --wait",
			e.Path, who, e.Waited.Round(time.Second))
	}
	return fmt.Sprintf("l'entrepôt %s est utilisé par %s : arrêtez le démon et les commandes en cours (vigie query, vigie serve…), puis relancez", e.Path, who)
}

// Holder returns the process that holds the warehouse file at path, or 0
// when none does (or the file does not exist). DuckDB locks the whole file
// with a POSIX record lock (a write lock for a writer, a read lock for each
// reader); the kernel reports another process's lock, never this process's
// own. The check opens the file and never closes it while this process has
// DuckDB open on it (see snapshotSource): call it before opening.
func Holder(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("lock of %s: %w", path, err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return 0, fmt.Errorf("lock of %s: %w", path, err)
	}
	if lk.Type == syscall.F_UNLCK {
		return 0, nil
	}
	if lk.Pid <= 0 {
		return -1, nil
	}
	return int(lk.Pid), nil
}

// OpenWaiting opens the warehouse at path for writing like Open, first
// waiting, at most wait, for the process that holds it to let go: a backup
// started during the night's ingestion waits for its end instead of failing.
// When it gives up, the error is an *InUseError.
func OpenWaiting(ctx context.Context, path string, sqlFS fs.FS, wait time.Duration) (*Warehouse, error) {
	start := time.Now()
	for {
		pid, err := Holder(path)
		if err != nil {
			return nil, err
		}
		if pid == 0 {
			w, err := Open(ctx, path, sqlFS)
			if err == nil {
				return w, nil
			}
			// Taken between the check and the open: wait again.
			if again, herr := Holder(path); herr != nil || again == 0 {
				return nil, err
			}
		}
		waited := time.Since(start)
		if waited >= wait {
			return nil, &InUseError{Path: path, PID: max(pid, 0), Waited: waited}
		}
		t := time.NewTimer(min(200*time.Millisecond, wait-waited))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}
