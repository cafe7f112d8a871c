// Package territoire plans a territory transfer between two Missions Locales
// (rules.md TER, Loi NOTRe): when structure A cedes communes to structure B,
// which programmes of A's dossiers there are closed for moving away, which A
// brings to their end (Garantie jeunes, Emplois d'avenir), which dossiers
// need nothing. The plan changes nothing.
package territoire

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Decisions of the plan.
const (
	TerminerEnA        = "terminer_en_A"
	SortirDemenagement = "sortir_demenagement"
	AucuneAction       = "aucune_action"
)

// Columns are the columns of the plan (cli.md).
var Columns = []string{"id_dossier", "code_structure", "commune_insee", "decision", "id_dispositif", "code_dispositif"}

// Options of a plan.
type Options struct {
	From, To string   // structure codes: A cedes, B receives
	Communes []string // INSEE codes of the communes ceded
	AsOf     time.Time
}

var (
	structureRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	// INSEE commune code: department (01-19, 2A, 2B, 21-95) + 3 digits, or 97x + 2
	communeRe = regexp.MustCompile(`^([0-9]{2}|2[AB])[0-9]{3}$`)
)

// Validate checks the options before any work.
func (o Options) Validate() error {
	for _, s := range []struct{ flag, v string }{{"--from", o.From}, {"--to", o.To}} {
		if !structureRe.MatchString(s.v) {
			return fmt.Errorf("territoire : %s %q n'est pas un code de structure (lettres, chiffres, - et _, par exemple ML-16001)", s.flag, s.v)
		}
	}
	if o.From == o.To {
		return fmt.Errorf("territoire : --from et --to désignent la même structure %s", o.From)
	}
	if len(o.Communes) == 0 {
		return errors.New("territoire : aucune commune : donnez les codes INSEE cédés, par exemple --communes 16015,16102")
	}
	for _, c := range o.Communes {
		if !communeRe.MatchString(c) {
			return fmt.Errorf("territoire : commune %q : un code INSEE a 5 caractères (département puis commune), par exemple 16015 ou 2A004", c)
		}
	}
	if o.AsOf.IsZero() {
		return errors.New("territoire : la date (--as-of) manque")
	}
	return nil
}

// Decision is one row of the plan.
type Decision struct {
	IDDossier, CodeStructure, CommuneINSEE, Decision, IDDispositif, CodeDispositif string
}

// Row returns the decision's values in the order of Columns.
func (d Decision) Row() []any {
	return []any{d.IDDossier, d.CodeStructure, d.CommuneINSEE, d.Decision, d.IDDispositif, d.CodeDispositif}
}

// Plan is the transfer plan and the coverage change.
type Plan struct {
	Options
	Decisions []Decision
	// AlreadyInB are communes ceded that B already covers (a warning).
	AlreadyInB []string
}

// UnknownCommunesError refuses a plan naming communes that A does not cover.
type UnknownCommunesError struct {
	From     string
	Communes []string
}

func (e *UnknownCommunesError) Error() string {
	return fmt.Sprintf("territoire : %s ne couvre pas %s (zones_couverture) : vérifiez les codes INSEE ou mettez la zone de couverture à jour ; aucun plan n'est fait",
		e.From, strings.Join(e.Communes, ", "))
}

// UnknownStructuresError refuses a plan naming a structure the warehouse
// does not know.
type UnknownStructuresError struct{ Codes []string }

func (e *UnknownStructuresError) Error() string {
	return fmt.Sprintf("territoire : structure inconnue de l'entrepôt : %s (voir vigie query \"SELECT code_structure, nom FROM structures\") ; aucun plan n'est fait",
		strings.Join(e.Codes, ", "))
}

// scanStrings reads the one text column of a query's rows into out.
func scanStrings(ctx context.Context, w *warehouse.Warehouse, q string, out *[]string, args ...any) error {
	rows, err := w.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*out = append(*out, s)
	}
	return rows.Err()
}

// MakePlan reads the plan from the warehouse. Communes not in A's coverage
// refuse the whole plan (an *UnknownCommunesError, wrapped as refused).
func MakePlan(ctx context.Context, w *warehouse.Warehouse, opts Options) (*Plan, error) {
	if err := opts.Validate(); err != nil {
		return nil, warehouse.Refused(err)
	}
	communes := strings.Join(opts.Communes, ",")
	p := &Plan{Options: opts}
	q, err := sqlfiles.Read(w.SQL, "territoire/unknown_structures.sql")
	if err != nil {
		return nil, err
	}
	var missing []string
	if err := scanStrings(ctx, w, q, &missing, opts.From, opts.To); err != nil {
		return nil, fmt.Errorf("territoire: structures: %w", err)
	}
	if len(missing) > 0 {
		return nil, warehouse.Refused(&UnknownStructuresError{Codes: missing})
	}
	q, err = sqlfiles.Read(w.SQL, "territoire/coverage.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, opts.From, opts.To, communes)
	if err != nil {
		return nil, fmt.Errorf("territoire: coverage: %w", err)
	}
	var unknown []string
	for rows.Next() {
		var c string
		var inA, inB bool
		if err := rows.Scan(&c, &inA, &inB); err != nil {
			rows.Close()
			return nil, fmt.Errorf("territoire: coverage: %w", err)
		}
		if !inA {
			unknown = append(unknown, c)
		}
		if inB {
			p.AlreadyInB = append(p.AlreadyInB, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("territoire: coverage: %w", err)
	}
	if len(unknown) > 0 {
		return nil, warehouse.Refused(&UnknownCommunesError{From: opts.From, Communes: unknown})
	}
	q, err = sqlfiles.Read(w.SQL, "territoire/plan.sql")
	if err != nil {
		return nil, err
	}
	rows, err = w.DB.QueryContext(ctx, q, opts.From, communes)
	if err != nil {
		return nil, fmt.Errorf("territoire: plan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Decision
		var id, code sql.NullString
		if err := rows.Scan(&d.IDDossier, &d.CodeStructure, &d.CommuneINSEE, &d.Decision, &id, &code); err != nil {
			return nil, fmt.Errorf("territoire: plan: %w", err)
		}
		d.IDDispositif, d.CodeDispositif = id.String, code.String
		p.Decisions = append(p.Decisions, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("territoire: plan: %w", err)
	}
	return p, nil
}

// WorkbookName is the name of the plan's workbook.
func WorkbookName(p *Plan) string {
	return "transfert-territoire-" + p.From + "-vers-" + p.To + "-" + p.AsOf.Format(time.DateOnly) + ".xlsx"
}

// label says a decision in words for the directors.
func label(p *Plan, decision string) string {
	switch decision {
	case TerminerEnA:
		return "à mener à son terme par " + p.From
	case SortirDemenagement:
		return "à clore le " + p.AsOf.Format("02/01/2006") + " pour déménagement"
	default:
		return "aucune action"
	}
}

// WriteWorkbook writes the plan for both directors under dir (mode 0600):
// the decisions, and the coverage change (communes leaving A, joining B).
func WriteWorkbook(dir string, p *Plan) (string, error) {
	if err := atomic.MkdirAll(dir, 0o700, "dossier du classeur du plan"); err != nil {
		return "", err
	}
	wb, err := reports.NewWorkbook()
	if err != nil {
		return "", err
	}
	plan := reports.Sheet{Name: "Plan", Columns: []reports.XColumn{
		{Header: "Dossier"}, {Header: "Structure"}, {Header: "Commune"}, {Header: "Décision"},
		{Header: "Libellé"}, {Header: "Dispositif"}, {Header: "Type de dispositif"}, {Header: "À faire le", Kind: reports.Date},
	}}
	for _, d := range p.Decisions {
		var when any
		if d.Decision == SortirDemenagement {
			when = p.AsOf
		}
		plan.Rows = append(plan.Rows, []any{d.IDDossier, d.CodeStructure, d.CommuneINSEE, d.Decision, label(p, d.Decision),
			d.IDDispositif, d.CodeDispositif, when})
	}
	zones := reports.Sheet{Name: "Zones de couverture", Columns: []reports.XColumn{
		{Header: "Commune"}, {Header: "Quitte la zone de"}, {Header: "Rejoint la zone de"}, {Header: "Remarque"},
	}}
	already := map[string]bool{}
	for _, c := range p.AlreadyInB {
		already[c] = true
	}
	for _, c := range p.Communes {
		note := ""
		if already[c] {
			note = "déjà dans la zone de " + p.To
		}
		zones.Rows = append(zones.Rows, []any{c, p.From, p.To, note})
	}
	for _, s := range []reports.Sheet{plan, zones} {
		if err := wb.AddSheet(s); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, WorkbookName(p))
	if err := wb.WriteFile(path); err != nil {
		return "", err
	}
	return path, nil
}
