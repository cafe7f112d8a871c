package schedules

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked is returned when another daemon holds the lock.
var ErrLocked = errors.New("un autre démon vigie est déjà en marche")

// Lock is an exclusive lock on a file (flock), held while a daemon runs.
// The kernel releases it when the process dies, so a crash leaves no stale
// lock behind.
type Lock struct{ f *os.File }

// LockPath returns the daemon's lock file, next to the warehouse.
func LockPath(warehousePath string) string { return warehousePath + ".daemon.lock" }

// AcquireLock takes the lock at path without waiting.
func AcquireLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ouverture du verrou %s : %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			return nil, fmt.Errorf("%w (verrou %s tenu par le processus %s) : arrêtez-le d'abord (systemctl stop vigie), ou laissez-le travailler", ErrLocked, path, pid)
		}
		return nil, fmt.Errorf("verrou %s : %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Release drops the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
