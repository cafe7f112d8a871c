package warehouse

import (
	"sync"
	"syscall"
)

var umaskOnce sync.Once

// privateFiles makes every file and folder this process creates from now on
// unreadable by group and others (umask 077): the warehouse, its WAL, its
// spill files and every copy DuckDB writes hold personal data, and DuckDB
// creates them with the process's umask.
func privateFiles() {
	umaskOnce.Do(func() {
		old := syscall.Umask(0o077)
		syscall.Umask(old | 0o077)
	})
}
