package warehouse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/childtest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// childQuery plays an analyst's long vigie query: the warehouse open for
// querying until the parent kills the process.
func childQuery(path string) int {
	q, err := OpenQuery(context.Background(), path, sqlfiles.FS())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rows, err := Query(context.Background(), q.DB, "SELECT count(*) FROM runs")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer rows.Close()
	fmt.Println("QUERYING")
	time.Sleep(time.Minute) // the parent kills us here
	return 0
}

// A writer (a scheduled job, a write command) waits for an analyst's query
// in another process to finish, within a bound, and gives up with a French
// message naming the holder.
func TestOpenWaitsForAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Bounded: the holder stays, the writer gives up after its wait.
	query, _ := childtest.Start(t, "QUERYING", "VIGIE_TEST_QUERY_CHILD="+path)
	child := query.Cmd
	start := time.Now()
	_, err = Open(ctx, path, sqlfiles.FS(), LockWait(1500*time.Millisecond))
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("open while another process queries: %v, want a *LockedError", err)
	}
	if took := time.Since(start); took < time.Second || took > 10*time.Second {
		t.Errorf("gave up after %v, want about 1.5 s", took)
	}
	if locked.PID != child.Process.Pid || !strings.Contains(err.Error(), fmt.Sprintf("PID %d", child.Process.Pid)) ||
		!strings.Contains(err.Error(), "est occupé") {
		t.Errorf("message %q does not name the holder (PID %d) in French", err, child.Process.Pid)
	}

	// Waiting: the query ends while the writer waits; the writer goes on.
	go func() {
		time.Sleep(time.Second)
		_ = child.Process.Kill()
	}()
	start = time.Now()
	w, err = Open(ctx, path, sqlfiles.FS(), LockWait(30*time.Second))
	if err != nil {
		t.Fatalf("open after the query ended: %v", err)
	}
	defer w.Close()
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Errorf("opened after %v: the test did not make the writer wait", took)
	}
	if _, err := w.DB.ExecContext(ctx, `CREATE TABLE written (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
}
