package warehouse

import (
	"context"
	"fmt"
	"regexp"
)

var memoryLimitRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|KiB|MiB|GiB)$`)

// ValidMemoryLimit tells whether limit is a size DuckDB's memory_limit
// takes, such as 512MB or 1.5GB.
func ValidMemoryLimit(limit string) bool { return memoryLimitRe.MatchString(limit) }

// LimitMemory sets DuckDB's memory limit, a setting of the whole database,
// for one run, and returns the function that puts the previous one back. It
// goes through the pool, not the run's connection: a transaction stopped by
// its context may lose its connection (database/sql rolls it back and
// discards the connection, racing the caller's own rollback), and a daemon
// outlives its runs.
func (w *Warehouse) LimitMemory(ctx context.Context, limit string) (restore func(), err error) {
	if !ValidMemoryLimit(limit) {
		return nil, fmt.Errorf("limite de mémoire %q : donnez une taille comme 512MB ou 1GB", limit)
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var previous, byDefault string
	get := func(dst *string) error {
		return conn.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(dst)
	}
	if err := get(&previous); err != nil {
		return nil, fmt.Errorf("read memory limit: %w", err)
	}
	// The setting reads back rounded: remember whether it was the default.
	if _, err := conn.ExecContext(ctx, `RESET memory_limit`); err != nil {
		return nil, fmt.Errorf("reset memory limit: %w", err)
	}
	if err := get(&byDefault); err != nil {
		return nil, fmt.Errorf("read memory limit: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SET memory_limit = `+Literal(limit)); err != nil {
		return nil, fmt.Errorf("set memory limit: %w", err)
	}
	return func() {
		// Best effort, whatever the run's context: its outcome does not
		// depend on it.
		q := `SET memory_limit = ` + Literal(previous)
		if previous == byDefault {
			q = `RESET memory_limit`
		}
		_, _ = w.DB.ExecContext(context.Background(), q)
	}, nil
}
