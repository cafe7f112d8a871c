// Package childtest starts the running test binary again as a child
// process, whose TestMain plays the part its environment names (an ingest to
// kill half-way, a rewrite to kill after its copy, a long query), and waits
// for the line that says the child reached the point where the test stops it.
package childtest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Child is a running child process of a test.
type Child struct {
	Cmd *exec.Cmd
	// Out is the rest of the child's standard output.
	Out    *bufio.Reader
	Stderr *strings.Builder
}

// Start runs the test binary with env added (and no test of its own) and
// returns once the child printed a line starting with ready, that line
// trimmed. The child is killed when the test ends.
func Start(t testing.TB, ready string, env ...string) (*Child, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &Child{Cmd: cmd, Out: bufio.NewReader(out), Stderr: &strings.Builder{}}
	cmd.Stderr = c.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := c.Out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, ready) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the child did not reach %q: %q, %v; stderr: %s", ready, line, err, c.Stderr.String())
	}
	return c, strings.TrimSpace(line)
}

// Signal sends sig to the child and returns the rest of its standard output,
// trimmed, once it ended; the test fails if it does not end within a minute
// or exits with an error.
func (c *Child) Signal(t testing.TB, sig os.Signal) string {
	t.Helper()
	if err := c.Cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	type ended struct {
		out string
		err error
	}
	done := make(chan ended, 1)
	go func() {
		rest, _ := io.ReadAll(c.Out) // before Wait, which closes the pipe
		done <- ended{strings.TrimSpace(string(rest)), c.Cmd.Wait()}
	}()
	select {
	case e := <-done:
		if e.err != nil {
			t.Fatalf("child: %v; stderr: %s", e.err, c.Stderr.String())
		}
		return e.out
	case <-time.After(time.Minute):
		_ = c.Cmd.Process.Kill()
		t.Fatalf("the child did not end within a minute of %v", sig)
	}
	return ""
}
