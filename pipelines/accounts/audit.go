package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log (console.md: at, login, action,
// objet, adresse). objet names what was acted on by ids (a login, a rule, a
// structure code, the SQL text), never a young person's data.
type AuditEntry struct {
	At      time.Time
	Login   string
	Action  string
	Objet   string
	Adresse string
}

// Audit writes one line to the audit log.
func (s *Store) Audit(ctx context.Context, login, action, objet, addr string) error {
	if _, err := s.exec(ctx, "insert_audit", s.now(), login, action, objet, addr); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func (s *Store) auditTx(ctx context.Context, tx *sql.Tx, login, action, objet, addr string) error {
	if _, err := tx.ExecContext(ctx, s.stmt("insert_audit"), s.now(), login, action, objet, addr); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditFilter selects audit lines; empty fields select all.
type AuditFilter struct {
	Login, Action string
	Limit, Offset int
}

// AuditLog returns the matching lines, newest first, and their total.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	var total int
	if err := s.db.QueryRowContext(ctx, s.stmt("count_audit"), f.Login, f.Action).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, s.stmt("list_audit"), f.Login, f.Action, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.Login, &e.Action, &e.Objet, &e.Adresse); err != nil {
			return nil, 0, fmt.Errorf("audit log: %w", err)
		}
		e.At = time.Unix(at, 0)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
