package data

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The SQL a user types in the console runs in a process of its own, as
// `vigie query` does: a statement that crashes the DuckDB engine (C++, which
// Go cannot recover) ends that process, and the console answers with a
// French message instead of going down for everybody. The child is this same
// executable (the vigie binary, or a test binary), started with
// envQueryChild set: init below turns it into the child before the
// program's own main (or a test binary's tests) can run. It reads one
// request on standard input and writes one answer on standard output.
const envQueryChild = "VIGIE_CONSOLE_QUERY_CHILD"

func init() {
	// The values a Table's rows hold besides Go's basic types (see plain).
	gob.Register(time.Time{})
	if os.Getenv(envQueryChild) != "1" {
		return
	}
	// The one exit below main: the child must never run the program's main.
	os.Exit(queryChild(os.Stdin, os.Stdout))
}

// childRequest is one query for the child: over the region's sandboxed
// instance of the snapshot at Path, or over a copy of one structure's rows.
type childRequest struct {
	Path      string
	Structure string // "" for the region
	SQL       string
	Timeout   time.Duration // the parent's userQueryTimeout
}

// childAnswer is the child's result, or its refusal.
type childAnswer struct {
	Table       *Table
	NotReadOnly bool   // warehouse.ErrNotReadOnly
	TimedOut    bool   // stopped after QueryTimeout
	Err         string // DuckDB's message (the statement is the caller's own)
}

// queryChild runs one request and returns the process's exit status.
func queryChild(in io.Reader, out io.Writer) int {
	var req childRequest
	if err := gob.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "console query child:", err)
		return 2
	}
	if req.Timeout <= 0 {
		req.Timeout = QueryTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), req.Timeout)
	defer cancel()
	var a childAnswer
	t, err := runChildQuery(ctx, req)
	switch {
	case errors.Is(err, warehouse.ErrNotReadOnly):
		a.NotReadOnly = true
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		a.TimedOut = true
	case err != nil:
		a.Err = err.Error()
	default:
		a.Table = t
	}
	if err := gob.NewEncoder(out).Encode(&a); err != nil {
		fmt.Fprintln(os.Stderr, "console query child:", err)
		return 2
	}
	return 0
}

func runChildQuery(ctx context.Context, req childRequest) (*Table, error) {
	var w *warehouse.Warehouse
	var err error
	if req.Structure == "" {
		w, err = warehouse.OpenQuery(ctx, req.Path, sqlfiles.FS())
	} else {
		w, err = OpenStructureCopy(ctx, req.Path, sqlfiles.FS(), req.Structure)
	}
	if err != nil {
		return nil, err
	}
	defer w.Close()
	rows, err := warehouse.Query(ctx, w.DB, req.SQL)
	if err != nil {
		return nil, err
	}
	return readTable(rows, MaxQueryRows)
}

// MaxRunningQueries bounds the SQL children running at once; queueWait is
// how long a query waits for its turn before ErrBusy.
const MaxRunningQueries = 2

// userQueryTimeout and queueWait are QueryTimeout and 30 s; tests shorten
// them.
var (
	userQueryTimeout = QueryTimeout
	queueWait        = 30 * time.Second
)

var running = make(chan struct{}, MaxRunningQueries)

// ErrBusy is a query that waited QueueWait for a turn.
var ErrBusy = fmt.Errorf("trop de requêtes en cours : réessayez dans un moment (%d au plus à la fois)", MaxRunningQueries)

// ErrQueryTimeout is a query stopped after QueryTimeout.
var ErrQueryTimeout = fmt.Errorf("la requête a dépassé %d secondes : elle a été arrêtée ; restreignez-la (WHERE, LIMIT)", int(QueryTimeout.Seconds()))

// Query runs one read-only statement typed by a user over the scope's data
// of the snapshot file at path, in a child process.
func Query(ctx context.Context, path string, s Scope, sqlText string) (*Table, error) {
	return query(ctx, path, s, sqlText, queueWait)
}

// query is Query waiting at most wait for a turn (0: as long as ctx lets).
func query(ctx context.Context, path string, s Scope, sqlText string, wait time.Duration) (*Table, error) {
	if _, err := s.check(""); err != nil {
		return nil, err
	}
	// At most MaxRunningQueries children at once: a slow statement (a
	// catalogue analysis every director opens) may not take every core.
	var busy <-chan time.Time
	if wait > 0 {
		busy = time.After(wait)
	}
	select {
	case running <- struct{}{}:
		defer func() { <-running }()
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-busy:
		return nil, ErrBusy
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	var in bytes.Buffer
	if err := gob.NewEncoder(&in).Encode(childRequest{Path: path, Structure: s.structure, SQL: sqlText, Timeout: userQueryTimeout}); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, userQueryTimeout+5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), envQueryChild+"=1", "GOTRACEBACK=none")
	var out, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &out, &stderr
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, ErrQueryTimeout
	}
	if ctx.Err() != nil {
		return nil, ctx.Err() // the caller went away
	}
	if crash := warehouse.KilledBySignal(err); crash != nil {
		return nil, crash
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		how := fmt.Sprintf("code de sortie %d", ee.ExitCode())
		if ee.ExitCode() < 0 { // stopped by SIGTERM or SIGINT
			how = ee.String()
		}
		return nil, &warehouse.EngineCrashError{How: how}
	}
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	var a childAnswer
	if err := gob.NewDecoder(&out).Decode(&a); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	switch {
	case a.NotReadOnly:
		return nil, fmt.Errorf(warehouse.Refusal+"%w", warehouse.ErrNotReadOnly)
	case a.TimedOut:
		return nil, ErrQueryTimeout
	case a.Err != "":
		return nil, errors.New(a.Err)
	}
	return a.Table, nil
}

// QueryFile is Query for a structure code ("" for the region) rather than a
// Scope: the subscriptions step runs the analyses of the console's accounts
// with it, each over its subscriber's scope. A batch, it waits for its turn
// as long as its context lets it (under `vigie daemon --serve` it shares
// the turns with the console's users), rather than give up as a page does.
//
// A structure's statement that names another structure or one of its
// dossiers is refused (ErrForeignSQL), as the console refuses it: it would
// find nothing in the structure's copy, and an empty result would say
// nothing of why.
func QueryFile(ctx context.Context, path, structure, sqlText string) (*Table, error) {
	s := RegionScope()
	if structure != "" {
		s = StructureScope(structure)
		w, err := warehouse.OpenQuery(ctx, path, sqlfiles.FS())
		if err != nil {
			return nil, err
		}
		err = CheckLiterals(ctx, w, s, sqlText)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	return query(ctx, path, s, sqlText, 0)
}
