package warehouse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"golang.org/x/sys/unix"
)

// DefaultLockWait is how long Open waits, by default, for another process
// (an analyst's long query, a command run by hand) to release the warehouse
// before it gives up.
const DefaultLockWait = 15 * time.Minute

// Option tunes Open.
type Option func(*openOptions)

type openOptions struct {
	lockWait time.Duration
}

// LockWait sets how long Open waits for another process to release the
// warehouse; 0 or less means do not wait.
func LockWait(d time.Duration) Option {
	return func(o *openOptions) { o.lockWait = d }
}

// LockedError is returned by Open when another process held the warehouse
// for the whole of the wait.
type LockedError struct {
	Path   string
	PID    int // of the holder, when the system tells it
	Waited time.Duration
	Err    error
}

func (e *LockedError) Error() string {
	holder := "un autre processus"
	if e.PID > 0 {
		holder = fmt.Sprintf("un autre processus (PID %d)", e.PID)
	}
	return fmt.Sprintf("l'entrepôt %s est occupé par %s (une requête vigie query longue, une autre commande) : abandon après %s d'attente ; relancez quand il aura fini, ou attendez plus longtemps (--lock-wait, lock_wait dans la configuration)",
		e.Path, holder, e.Waited.Round(time.Second))
}

func (e *LockedError) Unwrap() error { return e.Err }

// lockHolder tells whether another process holds a lock on the file at
// path that conflicts with a writer, and its pid when known. It asks the
// system (F_OFD_GETLK) without taking any lock.
func lockHolder(path string) (bool, int) {
	f, err := os.Open(path)
	if err != nil {
		return false, 0
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_GETLK, &lk); err != nil {
		return false, 0
	}
	if lk.Type == unix.F_UNLCK {
		return false, 0
	}
	return true, int(lk.Pid)
}

// openWaiting runs open until it succeeds, fails for another reason than
// another process's lock, or the wait is over.
func openWaiting(ctx context.Context, path string, wait time.Duration, open func() (*Warehouse, error)) (*Warehouse, error) {
	start := time.Now()
	pause := 250 * time.Millisecond
	retried := false
	for {
		w, err := open()
		if err == nil {
			return w, nil
		}
		var de *duckdb.Error
		if !errors.As(err, &de) || de.Type != duckdb.ErrorTypeIO {
			return nil, err
		}
		locked, pid := lockHolder(path)
		if !locked {
			if retried {
				return nil, err
			}
			// The holder may have let go between the two looks: once more.
			retried = true
			continue
		}
		retried = false
		remaining := wait - time.Since(start)
		if remaining <= 0 {
			return nil, &LockedError{Path: path, PID: pid, Waited: time.Since(start), Err: err}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open warehouse %s: %w", path, ctx.Err())
		case <-time.After(min(pause, remaining)):
		}
		pause = min(2*pause, 5*time.Second)
	}
}
