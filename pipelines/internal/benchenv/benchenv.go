// Package benchenv is what the benchmarks of `make bench` share: the scale
// they run at, and the figures of their own process they report (resident
// memory now and at its peak since a reset, CPU time).
package benchenv

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

// Scale is the size of the region a benchmark runs on, from
// VIGIE_BENCH_SCALE (make bench: 1, about 150,000 dossiers); the benchmark
// is skipped when it is not set.
func Scale(tb testing.TB) float64 {
	tb.Helper()
	s := os.Getenv("VIGIE_BENCH_SCALE")
	if s == "" {
		tb.Skip("set VIGIE_BENCH_SCALE (e.g. 1) to run")
	}
	scale, err := strconv.ParseFloat(s, 64)
	if err != nil || scale <= 0 {
		tb.Fatalf("VIGIE_BENCH_SCALE=%q: want a positive number", s)
	}
	return scale
}

// CPU is the user and system time the process has used so far: on a machine
// shared with other work, it says more than the elapsed time.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Mark is the start of a measured part: the peak reset, the wall clock and
// the CPU time read.
type Mark struct {
	start time.Time
	cpu   time.Duration
}

// Start resets the peak resident set size and marks the start of a
// measured part.
func Start() Mark {
	ResetPeak()
	return Mark{start: time.Now(), cpu: CPU()}
}

// Wall is the elapsed time since the mark.
func (m Mark) Wall() time.Duration { return time.Since(m.start) }

// CPU is the CPU time the process used since the mark.
func (m Mark) CPU() time.Duration { return CPU() - m.cpu }
