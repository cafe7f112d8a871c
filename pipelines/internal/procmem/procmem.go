// Package procmem reads the memory figures of the current process that the
// benchmarks report: the resident set now and its peak since a reset.
package procmem

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// status reads one memory line of /proc/self/status, in bytes (0 if absent).
func status(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// RSS is the resident set size of the process now, in bytes.
func RSS() int64 { return status("VmRSS:") }

// ResetPeak resets the kernel's peak resident set size of this process
// (Linux: clear_refs 5), so that Peak measures from now on.
func ResetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// Peak is the peak resident set size in bytes since the last ResetPeak:
// VmHWM, or getrusage's maxrss (the process's whole life) without /proc.
func Peak() int64 {
	if n := status("VmHWM:"); n > 0 {
		return n
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10
}
