package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"syscall"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrNotReadOnly is returned by Query for a statement that is not a plain
// read. Its text, as the others of Query, is what the analyst reads.
var ErrNotReadOnly = errors.New("seules les lectures (SELECT) sont permises, une instruction à la fois, sans accès aux fichiers")

// ErrNotOneStatement is returned by Query for a text that holds no statement
// or more than one.
var ErrNotOneStatement = errors.New("une seule instruction à la fois")

// Refusal and failure are the beginnings of Query's errors: a statement
// refused before it runs, or DuckDB's own error (the analyst's SQL) after.
const (
	Refusal = "requête refusée : "
	Failure = "requête en erreur : "
)

// ErrNotSandboxed is returned by Query when the database it is given can
// still reach files: Query runs only on an instance opened by OpenQuery.
var ErrNotSandboxed = errors.New("the database is not opened for analysts' queries (warehouse.OpenQuery)")

// QueryMemoryLimit bounds the memory of an analyst's query instance. It has
// no spill folder (its file system is disabled): a query that needs more
// fails, and nothing else is affected.
const QueryMemoryLimit = "2GB"

// OpenQuery opens an existing warehouse for analysts' SQL (vigie query, the
// console's SQL page). It is a DuckDB instance of its own (in memory, so
// that DuckDB's instance cache never hands it, or its settings, to another
// opener of the file) to which the warehouse is attached read-only; then
// external access and the local file system are disabled, extensions are
// neither installed nor loaded, memory is bounded, and the configuration is
// locked so that no SET or PRAGMA can undo any of it. External access
// disabled alone still lets a query read the warehouse's own file, its WAL
// and its spill folder (DuckDB allows them); with the local file system
// disabled no file function (read_blob, read_text, read_csv, glob, COPY…)
// reaches any path. Pass its DB to Query.
func OpenQuery(ctx context.Context, path string, sqlFS fs.FS) (*Warehouse, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open warehouse: %w", err)
	}
	global := []string{
		"SET GLOBAL TimeZone = 'Europe/Paris'",
		"SET GLOBAL preserve_insertion_order = true",
		"SET GLOBAL autoinstall_known_extensions = false",
		"SET GLOBAL autoload_known_extensions = false",
		"SET GLOBAL allow_community_extensions = false",
		"ATTACH " + Literal(path) + " AS warehouse (READ_ONLY)",
		"SET GLOBAL memory_limit = " + Literal(QueryMemoryLimit),
		"SET GLOBAL enable_external_access = false",
		"SET GLOBAL disabled_filesystems = 'LocalFileSystem'",
		"SET GLOBAL lock_configuration = true",
	}
	return openDSN(ctx, path, "", sqlFS, true, func(execer driver.ExecerContext) error {
		return setUpOnce(execer, global, []string{"USE warehouse"})
	})
}

// Query runs one analyst query on db, which must come from OpenQuery (its
// DB field); any *sql.DB of such an instance will do, so a long-lived caller
// (the console) keeps one open and calls Query for each request. Three
// guards hold, each on its own:
//   - the instance is sandboxed (OpenQuery): checked here by trying to read
//     the warehouse file itself with read_blob, which must be refused;
//   - the text holds exactly one statement, as DuckDB's parser splits it
//     (nothing is run while checking: the driver's single-statement Prepare);
//   - DuckDB classifies that statement as SELECT (or EXPLAIN).
//
// The caller closes the rows.
func Query(ctx context.Context, db *sql.DB, query string) (*sql.Rows, error) {
	if err := checkSandbox(ctx, db); err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	stmtType, err := statementType(conn, query)
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, ErrNotOneStatement) {
		return nil, fmt.Errorf(Refusal+"%w", ErrNotOneStatement)
	}
	if err != nil {
		return nil, fmt.Errorf(Failure+"%w", inFrench(err))
	}
	if stmtType != duckdb.STATEMENT_TYPE_SELECT && stmtType != duckdb.STATEMENT_TYPE_EXPLAIN {
		return nil, fmt.Errorf(Refusal+"%w", ErrNotReadOnly)
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf(Failure+"%w", inFrench(err))
	}
	return rows, nil
}

// statementType parses query into exactly one prepared statement and
// returns its type. The driver's Prepare without a context refuses a text of
// several statements before running any (PrepareContext would run all but
// the last).
func statementType(conn *sql.Conn, query string) (duckdb.StmtType, error) {
	var stmtType duckdb.StmtType
	err := conn.Raw(func(dc any) error {
		dconn, ok := dc.(*duckdb.Conn)
		if !ok {
			return errors.New("not a DuckDB connection")
		}
		st, err := dconn.Prepare(query)
		var de *duckdb.Error
		if err != nil && !errors.As(err, &de) {
			// Not the engine's parse or bind error: the driver found no
			// statement, or several.
			return fmt.Errorf("%w: %w", ErrNotOneStatement, err)
		}
		if err != nil {
			return err
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return errors.New("unexpected statement type")
		}
		stmtType, err = ds.StatementType()
		return err
	})
	return stmtType, err
}

// checkSandbox refuses a database whose queries can still read the
// warehouse file.
func checkSandbox(ctx context.Context, db *sql.DB) error {
	var path sql.NullString // NULL for an in-memory database
	err := db.QueryRowContext(ctx, `SELECT path FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&path)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	var locked bool
	if err := db.QueryRowContext(ctx, `SELECT current_setting('lock_configuration')`).Scan(&locked); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	if !locked {
		return ErrNotSandboxed
	}
	if path.String == "" {
		return nil // an in-memory database has no file to protect
	}
	var n int64
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM read_blob(?)`, path.String).Scan(&n)
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypePermission {
		return nil
	}
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return ErrNotSandboxed
}

// EngineCrashError is an analyst's query that brought the DuckDB engine
// down (a crash in C++ code, which Go cannot recover): the query ran in a
// process of its own (vigie query, the console's SQL page), so vigie
// survives to say so.
type EngineCrashError struct{ How string }

func (e *EngineCrashError) Error() string {
	return fmt.Sprintf("le moteur DuckDB s'est arrêté brutalement pendant la requête (%s) : elle n'a rien modifié (une requête ne fait que lire) ; "+
		"simplifiez-la, ou signalez la requête à l'équipe vigie", e.How)
}

// KilledBySignal is the crash of a query process that err (from running it)
// shows ended on a signal other than a stop request (SIGTERM, SIGINT), or
// nil.
func KilledBySignal(err error) *EngineCrashError {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return nil
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() == syscall.SIGTERM || ws.Signal() == syscall.SIGINT {
		return nil
	}
	return &EngineCrashError{How: "signal " + ws.Signal().String()}
}
