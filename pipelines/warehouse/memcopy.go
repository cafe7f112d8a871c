package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// CopyStep is a file of statements that build part of a memory copy, and the
// values bound to each of them.
type CopyStep struct {
	Statements string
	Args       []any
}

// OpenMemoryCopy builds an in-memory database from part of the warehouse file
// at srcPath, for queries that must see that part only (the console's SQL page
// of a structure-scoped account). The statements of each step run one by one
// with the step's args while the file is attached read-only as the catalog
// "src"; then the file is
// detached, file access disabled and the configuration locked, so that nothing
// a query types (a qualified name, ATTACH, a file function, SET) reaches the
// file again. The result is read-only for Query: only SELECT runs.
func OpenMemoryCopy(ctx context.Context, srcPath string, sqlFS fs.FS, steps ...CopyStep) (*Warehouse, error) {
	if err := checkFile(srcPath); err != nil {
		return nil, err
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("memory copy: %w", err)
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{DB: db, Path: ":memory:", SQL: sqlFS, ReadOnly: true, conn: connector}
	fail := func(err error) (*Warehouse, error) {
		return nil, errors.Join(fmt.Errorf("memory copy: %w", err), w.Close())
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	defer conn.Close()
	setup := []string{"SET TimeZone = 'Europe/Paris'", "ATTACH " + Literal(srcPath) + " AS src (READ_ONLY)"}
	for _, s := range setup {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fail(err)
		}
	}
	for _, step := range steps {
		for _, s := range splitStatements(step.Statements) {
			if _, err := conn.ExecContext(ctx, s, step.Args...); err != nil {
				return fail(fmt.Errorf("%.60s…: %w", s, err))
			}
		}
	}
	// The same bound as the region's query instance: a query over one
	// structure's copy may not take the machine's memory either.
	for _, s := range []string{"DETACH src", "SET memory_limit = " + Literal(QueryMemoryLimit), "SET enable_external_access = false",
		"SET disabled_filesystems = 'LocalFileSystem'", "SET lock_configuration = true"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fail(err)
		}
	}
	return w, nil
}

// splitStatements cuts a file of statements at the semicolons that end a
// line, dropping comment lines.
func splitStatements(text string) []string {
	var out []string
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		}
	}
	if s := strings.TrimSpace(b.String()); s != "" {
		out = append(out, s)
	}
	return out
}
