package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// envQueryEngine, set in the environment of the process that runs an
// analyst's query, names the file where the Go runtime writes a crash.
const envQueryEngine = "VIGIE_QUERY_ENGINE"

// childExit carries the exit status of the query process to run, which
// returns it without printing anything more: the child has said it all.
type childExit struct{ code int }

func (e *childExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// superviseQuery runs this same vigie, with args, in a child process that
// executes the query, and reports a crash of the engine in French. A
// SIGTERM (ctx) is passed on to the child.
func (a *app) superviseQuery(ctx context.Context, args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	crash, err := os.CreateTemp("", "vigie-query-crash-*")
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	crashPath := crash.Name()
	crash.Close()
	defer os.Remove(crashPath)
	cmd := exec.CommandContext(ctx, exe, args...)
	// No goroutine dump for the analyst: the crash report is one line.
	cmd.Env = append(os.Environ(), envQueryEngine+"="+crashPath, "GOTRACEBACK=none")
	// Standard error is passed on once the child has ended: a crash's
	// register dump is no message for an analyst.
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.stdin, a.stdout, &stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	err = cmd.Run()
	if report, _ := os.ReadFile(crashPath); len(report) > 0 {
		first, _, _ := strings.Cut(strings.TrimSpace(string(report)), "\n")
		return &warehouse.EngineCrashError{How: first}
	}
	if crash := warehouse.KilledBySignal(err); crash != nil {
		return crash
	}
	if _, werr := a.stderr.Write(stderr.Bytes()); werr != nil {
		return werr
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &childExit{code: ee.ExitCode()}
	}
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return nil
}

// crashOutput, in the query process, sends the runtime's crash report also
// to the file the supervising vigie watches.
func crashOutput(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return debug.SetCrashOutput(f, debug.CrashOptions{})
}
