// Package archive runs the archiving batch of rules.md (ARC): the automatic
// plan, the backup « Sauvegarde avant archivage », the anonymisation of the
// planned (or one manually named) dossiers in one transaction, the record of
// the batch, and the rewrite of the warehouse file that makes the
// anonymisation real at byte level (Compact).
package archive

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Decisions of the plan.
const (
	DecisionArchive = "archive"
	DecisionKeep    = "keep"
)

// Motifs of rules.md ARC.
const (
	MotifDispositifOuvert = "dispositif_ouvert"
	MotifAge31            = "age_31"
	MotifEAV              = "eav_moins_31"
	MotifAge27            = "age_27"
	MotifInactif          = "inactif_29_mois"
	MotifActif            = "actif"
	MotifDemandeDuJeune   = "demande_du_jeune"
	MotifDeces            = "deces"
)

// ManualMotifs are the only motifs a manual archiving accepts.
var ManualMotifs = []string{MotifDemandeDuJeune, MotifDeces}

// Decision is one line of the plan.
type Decision struct {
	IDDossier     string
	CodeStructure string
	Decision      string // archive or keep
	Motif         string
}

// Archived is one dossier an archiving anonymised (or, in a dry run, would).
type Archived struct {
	IDDossier     string
	CodeStructure string
	Motif         string
}

// statements splits an SQL file into its statements: each ends with ";" at
// the end of a line. Comment-only pieces are dropped.
func statements(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		only := true
		for _, l := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				only = false
				break
			}
		}
		if !only {
			out = append(out, s)
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			flush()
		}
	}
	flush()
	return out
}

func readSQL(fsys fs.FS, name string) (string, error) { return sqlfiles.Read(fsys, name) }

// day formats a date (its calendar day, whatever its zone) for DuckDB.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// Plan returns the automatic decision of every dossier not yet archived at
// asOf, sorted by id_dossier.
func Plan(ctx context.Context, w *warehouse.Warehouse, asOf time.Time) ([]Decision, error) {
	q, err := readSQL(w.SQL, "archive/plan.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, day(asOf))
	if err != nil {
		return nil, fmt.Errorf("archive plan: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.IDDossier, &d.CodeStructure, &d.Decision, &d.Motif); err != nil {
			return nil, fmt.Errorf("archive plan: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive plan: %w", err)
	}
	return out, nil
}

// execAll runs the statements of one SQL file, each with its own arguments
// (args[i] for statement i; missing means none).
func execAll(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, text string, args ...[]any) error {
	for i, st := range statements(text) {
		var a []any
		if i < len(args) {
			a = args[i]
		}
		if _, err := ex.ExecContext(ctx, st, a...); err != nil {
			return err
		}
	}
	return nil
}
