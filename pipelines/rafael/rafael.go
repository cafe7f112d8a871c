// Package rafael builds the ARML's monthly file of Rafael date-change
// requests (rules.md RAF): the requests read from the comments of the Rafael
// training situations, each sent once, in a workbook for the vendor.
package rafael

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Fields of a request (Request.Champ).
const (
	ChampDateDebut     = "date_debut"
	ChampDateFinPrevue = "date_fin_prevue"
	ChampDateFinReelle = "date_fin_reelle"
	ChampSuppression   = "suppression"
)

// Columns are the columns of the file and of the command's CSV (cli.md).
var Columns = []string{"code_structure", "id_dossier", "id_situation", "intitule", "organisme", "champ",
	"valeur_actuelle", "valeur_demandee", "commentaire"}

// Options of a run.
type Options struct {
	// Month is the month the file is for, yyyy-mm.
	Month string
	// Out is the folder the workbook is written to.
	Out string
	// Now is the instant the requests are recorded as sent (default: now).
	Now time.Time
	// RunID is the run record the caller opened (steps.Run).
	RunID int64
}

var monthRe = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// Validate checks the options before any work.
func (o Options) Validate() error {
	if !monthRe.MatchString(o.Month) {
		return fmt.Errorf("rafael : mois %q invalide : donnez-le sous la forme aaaa-mm, par exemple --month 2026-10", o.Month)
	}
	if o.Out == "" {
		return fmt.Errorf("rafael : le dossier de sortie (--out) manque")
	}
	return nil
}

// Request is one row of the file. The dates are nil when empty (always for
// a deletion).
type Request struct {
	CodeStructure, IDDossier, IDSituation string
	Intitule, Organisme, Champ            string
	ValeurActuelle, ValeurDemandee        *time.Time
	Commentaire                           string
}

// Result is what a run wrote.
type Result struct {
	RunID int64
	// Path is the workbook written.
	Path string
	// Requests are the file's rows; New counts those this run sent for the
	// first time (the others were recorded for the same month by an earlier
	// run).
	Requests []Request
	New      int64
}

// FileName is the name of the file of month m (yyyy-mm).
func FileName(month string) string { return "demandes-rafael-" + month + ".xlsx" }

// PreviousMonth is the month before the one of day t, yyyy-mm: the month
// the scheduled run of the 1st is for.
func PreviousMonth(t time.Time) string {
	y, m, _ := t.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
}

// Run records the requests of the month's file (the new ones, not satisfied
// and never sent) and writes the file, in one transaction: when the file
// cannot be written, nothing is recorded as sent.
func Run(ctx context.Context, w *warehouse.Warehouse, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, warehouse.Refused(err)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.RunID == 0 {
		return nil, errors.New("rafael: no run record: the caller opens it (steps.Run)")
	}
	res := &Result{RunID: opts.RunID, Path: filepath.Join(opts.Out, FileName(opts.Month))}
	if err := atomic.MkdirAll(opts.Out, 0o700, "dossier du fichier Rafael"); err != nil {
		return nil, err
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("rafael: %w", err)
	}
	defer conn.Close()
	err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
		for _, name := range []string{"controls/macros.sql", "rafael/record.sql", "rafael/month.sql"} {
			q, err := sqlfiles.Read(w.SQL, name)
			if err != nil {
				return err
			}
			switch name {
			case "controls/macros.sql":
				_, err = tx.ExecContext(ctx, q)
			case "rafael/record.sql":
				var r sql.Result
				r, err = tx.ExecContext(ctx, q, opts.RunID, opts.Month, warehouse.LocalTimestamp(opts.Now))
				if err == nil {
					res.New, _ = r.RowsAffected()
				}
			default:
				res.Requests, err = readRequests(ctx, tx, q, opts.Month)
			}
			if err != nil {
				return fmt.Errorf("rafael %s: %w", name, err)
			}
		}
		return writeFile(res.Path, res.Requests)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func readRequests(ctx context.Context, tx *sql.Tx, q, month string) ([]Request, error) {
	rows, err := tx.QueryContext(ctx, q, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		var intitule, organisme, commentaire sql.NullString
		var actuelle, demandee sql.NullTime
		if err := rows.Scan(&r.CodeStructure, &r.IDDossier, &r.IDSituation, &intitule, &organisme, &r.Champ,
			&actuelle, &demandee, &commentaire); err != nil {
			return nil, err
		}
		r.Intitule, r.Organisme, r.Commentaire = intitule.String, organisme.String, commentaire.String
		if actuelle.Valid {
			r.ValeurActuelle = &actuelle.Time
		}
		if demandee.Valid {
			r.ValeurDemandee = &demandee.Time
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Row returns the request's values in the order of Columns (nil for an
// empty date).
func (r Request) Row() []any {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return *t
	}
	return []any{r.CodeStructure, r.IDDossier, r.IDSituation, r.Intitule, r.Organisme, r.Champ,
		date(r.ValeurActuelle), date(r.ValeurDemandee), r.Commentaire}
}

// writeFile writes the workbook, one sheet, one row per request.
func writeFile(path string, requests []Request) error {
	wb, err := reports.NewWorkbook()
	if err != nil {
		return err
	}
	sheet := reports.Sheet{Name: "Demandes Rafael"}
	for _, c := range Columns {
		k := reports.Text
		if c == "valeur_actuelle" || c == "valeur_demandee" {
			k = reports.Date
		}
		sheet.Columns = append(sheet.Columns, reports.XColumn{Header: c, Kind: k})
	}
	for _, r := range requests {
		sheet.Rows = append(sheet.Rows, r.Row())
	}
	if err := wb.AddSheet(sheet); err != nil {
		return err
	}
	return wb.WriteFile(path)
}
