package controls

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// ASPColumns are the columns of the ASP list, as cli.md prints them.
var ASPColumns = []string{"code_structure", "id_dossier", "nom_usage", "prenom", "date_naissance",
	"id_dispositif", "date_entree", "date_sortie", "date_saisie_sortie", "numero_cerfa", "date_entree_cej"}

// ASPRow is one young person of the ASP list: a PACEA left for another
// programme during the week before D. It holds identities: it goes to the
// structure's signed list only. Dates are midnight UTC; DateSaisieSortie is
// the local (Europe/Paris) date-time as stored, zero values mean empty.
type ASPRow struct {
	CodeStructure    string
	IDDossier        string
	NomUsage         string
	Prenom           string
	DateNaissance    time.Time
	IDDispositif     string
	DateEntree       time.Time
	DateSortie       time.Time
	DateSaisieSortie time.Time
	NumeroCerfa      string
	DateEntreeCEJ    time.Time
}

// WeeklyASP returns the ASP list for a run on asOf (rules.md, PCJ): the week
// is WeekBefore(asOf). structure limits it to one structure; "" means all.
// Rows are sorted by structure, dossier and programme.
func WeeklyASP(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, structure string) ([]ASPRow, error) {
	if structure != "" && !ValidStructure(structure) {
		return nil, fmt.Errorf("weekly-asp : code de structure %q invalide : seuls les lettres, les chiffres, - et _ sont admis", structure)
	}
	rows, err := QueryWeeklyASP(ctx, w, asOf, structure)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ASPRow
	for rows.Next() {
		var r ASPRow
		var nom, prenom, cerfa sql.NullString
		var naissance, entree, sortie, saisie, cej sql.NullTime
		if err := rows.Scan(&r.CodeStructure, &r.IDDossier, &nom, &prenom, &naissance, &r.IDDispositif,
			&entree, &sortie, &saisie, &cerfa, &cej); err != nil {
			return nil, fmt.Errorf("weekly-asp: %w", err)
		}
		r.NomUsage, r.Prenom, r.NumeroCerfa = nom.String, prenom.String, cerfa.String
		r.DateNaissance, r.DateEntree, r.DateSortie, r.DateSaisieSortie, r.DateEntreeCEJ =
			naissance.Time, entree.Time, sortie.Time, saisie.Time, cej.Time
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("weekly-asp: %w", err)
	}
	return out, nil
}

// KnownStructure tells whether the warehouse knows the structure code: as a
// structure of the extraction, or as the structure of a dossier.
func KnownStructure(ctx context.Context, w *warehouse.Warehouse, code string) (bool, error) {
	var known bool
	err := w.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM structures WHERE code_structure = $1)
		OR EXISTS (SELECT 1 FROM dossiers WHERE code_structure = $1)`, code).Scan(&known)
	if err != nil {
		return false, fmt.Errorf("weekly-asp: %w", err)
	}
	return known, nil
}

// QueryWeeklyASP runs the ASP list query and returns its rows, with the
// columns ASPColumns, for callers that print a result set as it comes.
func QueryWeeklyASP(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, structure string) (*sql.Rows, error) {
	q, err := sqlfiles.Read(w.SQL, "controls/weekly_asp.sql")
	if err != nil {
		return nil, err
	}
	mon, sun := WeekBefore(asOf)
	var s any
	if structure != "" {
		s = structure
	}
	rows, err := w.DB.QueryContext(ctx, q, dateArg(mon), dateArg(sun), s)
	if err != nil {
		return nil, fmt.Errorf("weekly-asp: %w", err)
	}
	return rows, nil
}
