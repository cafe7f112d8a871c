package backup

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The test binary plays a second process: one that holds the warehouse
// open (hold), one that ingests an extraction into it (ingest), one that
// reports who holds it (holder).
const (
	envChild     = "VIGIE_TEST_BACKUP_CHILD"
	envWarehouse = "VIGIE_TEST_WAREHOUSE"
	envDir       = "VIGIE_TEST_EXTRACTION"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(envChild); mode != "" {
		os.Exit(child(mode, os.Getenv(envWarehouse), os.Getenv(envDir)))
	}
	os.Exit(m.Run())
}

func child(mode, path, dir string) int {
	ctx := context.Background()
	switch mode {
	case "holder":
		pid, err := warehouse.Holder(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(pid)
		return 0
	case "hold", "ingest":
		// Like a scheduled ingestion, wait for a backup that holds the lock.
		w, err := warehouse.OpenWaiting(ctx, path, sqlfiles.FS(), 2*time.Minute)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer w.Close()
		fmt.Println("OPEN")
		if mode == "hold" {
			_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
			return 0
		}
		if err := w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
			_, err := ingest.Run(ctx, w, dir, ingest.Options{RunID: id})
			return err
		}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", mode)
	return 2
}

// proc is a running child process.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// startChild starts the test binary in mode on the warehouse at path.
func startChild(t *testing.T, mode, path, dir string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+mode, envWarehouse+"="+path, envDir+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	t.Cleanup(func() {
		_ = p.stdin.Close()
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// line reads the child's next line of output.
func (p *proc) line(t *testing.T) string {
	t.Helper()
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := p.out.ReadString('\n')
		ch <- res{strings.TrimSpace(s), err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("child output: %v", r.err)
		}
		return r.s
	case <-time.After(2 * time.Minute):
		t.Fatal("child said nothing for two minutes")
	}
	return ""
}

// wait lets the child end and fails the test if it failed.
func (p *proc) wait(t *testing.T) {
	t.Helper()
	_ = p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
}
