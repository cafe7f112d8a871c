package archive

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// FormerError is a carry-over that could not open or read the former
// warehouse (the reason it is being replaced, often). Any other failure of
// a carry-over is the restored copy's.
type FormerError struct{ Err error }

func (e *FormerError) Error() string { return e.Err.Error() }
func (e *FormerError) Unwrap() error { return e.Err }

// CarryOver makes w (a restored copy, open for writing) hold as archived
// every dossier the former warehouse file at formerPath archived: the ones
// w knows are anonymised with their date and motif (the same anonymise.sql
// as an archiving), the ones it does not know are inserted as the former
// holds them, without identity. So a backup taken before an archiving can
// be restored without bringing that identity back, even when old extractions
// are loaded afterwards. It returns how many dossiers it carried over. The
// file still holds the old values in freed blocks until Compact runs on it.
func CarryOver(ctx context.Context, w *warehouse.Warehouse, formerPath string) (n int, err error) {
	files := map[string]string{}
	for _, name := range []string{"carry_attach", "carry_select", "carry_day", "carry_days", "carry_detach", "selection", "anonymise", "drop_selection"} {
		if files[name], err = readSQL(w.SQL, "archive/"+name+".sql"); err != nil {
			return 0, err
		}
	}
	if files["anonymise"], err = anonymiseSQL(files["anonymise"]); err != nil {
		return 0, err
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("carry archivings over: %w", err)
	}
	defer conn.Close()
	attach := strings.ReplaceAll(files["carry_attach"], "{{former}}", warehouse.Literal(formerPath))
	if err := execAll(ctx, conn, attach); err != nil {
		return 0, &FormerError{Err: fmt.Errorf("carry archivings over: attach %s: %w", formerPath, err)}
	}
	defer func() {
		// A fresh context: the former file is let go even when ctx was cancelled.
		if derr := execAll(context.Background(), conn, files["carry_detach"]); derr != nil && err == nil {
			err = fmt.Errorf("carry archivings over: detach: %w", derr)
		}
	}()
	if err := execAll(ctx, conn, files["selection"]); err != nil {
		return 0, fmt.Errorf("carry archivings over: %w", err)
	}
	defer func() {
		if _, derr := conn.ExecContext(context.Background(), files["drop_selection"]); derr != nil && err == nil {
			err = fmt.Errorf("drop archive selection: %w", derr)
		}
	}()
	err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
		if err := execAll(ctx, tx, files["carry_select"]); err != nil {
			return &FormerError{Err: fmt.Errorf("carry archivings over: %w", err)}
		}
		rows, err := tx.QueryContext(ctx, files["carry_days"])
		if err != nil {
			return fmt.Errorf("carry archivings over: %w", err)
		}
		var days []time.Time
		for rows.Next() {
			var d time.Time
			var c int
			if err := rows.Scan(&d, &c); err != nil {
				rows.Close()
				return fmt.Errorf("carry archivings over: %w", err)
			}
			days = append(days, d)
			n += c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("carry archivings over: %w", err)
		}
		for _, d := range days {
			if err := execAll(ctx, tx, files["carry_day"], nil, []any{day(d)}); err != nil {
				return fmt.Errorf("carry archivings over %s: %w", day(d), err)
			}
			if err := execAll(ctx, tx, files["anonymise"], []any{day(d)}); err != nil {
				return fmt.Errorf("carry archivings over %s: anonymise: %w", day(d), err)
			}
		}
		return nil
	})
	return n, err
}
