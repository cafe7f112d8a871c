package data

import (
	"context"
	"fmt"
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ErrForeignSQL: a structure-scoped account's SQL names another structure.
var ErrForeignSQL = fmt.Errorf("%w : la requête nomme une autre structure ou un dossier d'une autre structure", ErrForbidden)

// CheckLiterals refuses (ErrForeignSQL) the SQL of a structure-scoped
// caller whose string literals name another structure's code or one of its
// dossiers. The isolation itself is the structure's copy the statement runs
// on, where nothing of another structure exists (a literal built by pieces
// finds nothing there either); this is the 403 that tells the caller so
// (console.md). w is the region's snapshot.
func CheckLiterals(ctx context.Context, w *warehouse.Warehouse, s Scope, sqlText string) error {
	if s.region {
		return nil
	}
	if _, err := s.check(""); err != nil {
		return err
	}
	lits := stringLiterals(sqlText)
	if len(lits) == 0 {
		return nil
	}
	q, err := readQuery(w, "foreign_literals.sql")
	if err != nil {
		return err
	}
	var foreign bool
	if err := w.DB.QueryRowContext(ctx, q, strings.Join(lits, "\x1f"), s.structure).Scan(&foreign); err != nil {
		return fmt.Errorf("literals: %w", err)
	}
	if foreign {
		return ErrForeignSQL
	}
	return nil
}

// walkLiterals reads a statement's '…' literals (a doubled quote is a quote
// inside one): outside gets the text between them as written, literal each
// literal's text and whether its closing quote was found.
func walkLiterals(sqlText string, outside func(string), literal func(text string, closed bool)) {
	start := 0
	for i := 0; i < len(sqlText); i++ {
		if sqlText[i] != '\'' {
			continue
		}
		outside(sqlText[start:i])
		var b strings.Builder
		closed := false
		j := i + 1
		for ; j < len(sqlText); j++ {
			if sqlText[j] == '\'' {
				if j+1 < len(sqlText) && sqlText[j+1] == '\'' {
					b.WriteByte('\'')
					j++
					continue
				}
				closed = true
				break
			}
			b.WriteByte(sqlText[j])
		}
		literal(b.String(), closed)
		i, start = j, j+1
	}
	if start < len(sqlText) {
		outside(sqlText[start:])
	}
}

// stringLiterals returns the text of the statement's literals short enough
// to be a code or an id.
func stringLiterals(sqlText string) []string {
	var out []string
	walkLiterals(sqlText, func(string) {}, func(v string, _ bool) {
		if v != "" && len(v) <= 64 && !strings.ContainsRune(v, '\x1f') {
			out = append(out, v)
		}
	})
	return out
}

// MaskLiterals replaces the text of a statement's '…' literals by « … »:
// what an analyst searched for (a name) is no business of the admin who
// reads the audit log.
func MaskLiterals(sqlText string) string {
	var b strings.Builder
	walkLiterals(sqlText, func(s string) { b.WriteString(s) }, func(_ string, closed bool) {
		b.WriteString("'…")
		if closed {
			b.WriteByte('\'')
		}
	})
	return b.String()
}
