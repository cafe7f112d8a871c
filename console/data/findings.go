package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Filter selects findings. Empty fields select all.
type Filter struct {
	AsOf       time.Time // zero: today (the latest run)
	Structure  string
	Famille    string // rule family: RDV, FOR…
	Rule       string
	Gravite    string
	Suivi      string // nouveau, persistant, resolu
	Lieu       string
	Conseiller string
	Dossier    string
	From, To   time.Time // first detection between
	Sort       string    // one of SortKeys
	Desc       bool
	Limit      int
	Offset     int
}

// SortKeys are the orders a findings page offers.
var SortKeys = []string{"gravite", "rule", "structure", "objet", "dossier", "suivi", "lieu", "conseiller", "detection"}

// Gravites and Suivis are the values of those filters.
var (
	Gravites = []string{"erreur", "alerte", "info"}
	Suivis   = []string{"nouveau", "persistant", "resolu"}
)

// MaxLimit bounds one page (and one export).
const MaxLimit = 100000

// Validate checks every filter value.
func (f *Filter) Validate() error {
	for _, p := range []struct{ name, v string }{{"structure", f.Structure}, {"famille", f.Famille}, {"rule", f.Rule},
		{"lieu", f.Lieu}, {"conseiller", f.Conseiller}, {"dossier", f.Dossier}} {
		if p.v != "" && !codeRe.MatchString(p.v) {
			return &BadParamError{Param: p.name, Value: p.v}
		}
	}
	if f.Gravite != "" && !slices.Contains(Gravites, f.Gravite) {
		return &BadParamError{Param: "gravite", Value: f.Gravite}
	}
	if f.Suivi != "" && !slices.Contains(Suivis, f.Suivi) {
		return &BadParamError{Param: "suivi", Value: f.Suivi}
	}
	if f.Sort == "" {
		f.Sort = "gravite"
	}
	if !slices.Contains(SortKeys, f.Sort) {
		return &BadParamError{Param: "tri", Value: f.Sort}
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return &BadParamError{Param: "limit", Value: fmt.Sprint(f.Limit)}
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		return &BadParamError{Param: "offset", Value: fmt.Sprint(f.Offset)}
	}
	return nil
}

// Finding is one row of a findings page.
type Finding struct {
	Rule, Gravite, CodeStructure, Objet, IDObjet, IDDossier, Detail, Suivi string
	PremiereDetection                                                      time.Time
	NbRuns                                                                 int
	CodeLieu, IDConseiller                                                 string
}

// Page is one page of findings and the total that match.
type Page struct {
	AsOf  time.Time // the as-of date of the latest run read (zero: no run)
	Total int
	Items []Finding
}

func readQuery(w *warehouse.Warehouse, names ...string) (string, error) {
	q := ""
	for _, n := range names {
		t, err := sqlfiles.Read(w.SQL, "console/"+n)
		if err != nil {
			return "", err
		}
		q += t + "\n"
	}
	return q, nil
}

// TrendPoint is the number of findings of one gravité in one control run.
type TrendPoint struct {
	AsOf    time.Time
	Gravite string
	N       int
}

// Trend returns the findings per gravité of the last eight control runs.
func Trend(ctx context.Context, w *warehouse.Warehouse, s Scope, asOf time.Time) ([]TrendPoint, error) {
	scope, err := s.check("")
	if err != nil {
		return nil, err
	}
	q, err := readQuery(w, "trend.sql")
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = time.Now().In(warehouse.Paris)
	}
	rows, err := w.DB.QueryContext(ctx, q, scope, asOf.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	defer rows.Close()
	var out []TrendPoint
	for rows.Next() {
		var p TrendPoint
		if err := rows.Scan(&p.AsOf, &p.Gravite, &p.N); err != nil {
			return nil, fmt.Errorf("trend: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DossierInScope tells whether a dossier exists in the scope: ErrNotFound
// when it does not exist, ErrForbidden when it belongs to another structure
// (console.md: a structure outside the caller's scope reached by id is 403;
// the answer tells that the id exists elsewhere, and nothing more).
func DossierInScope(ctx context.Context, w *warehouse.Warehouse, s Scope, id string) error {
	if _, err := s.check(""); err != nil {
		return err
	}
	if !codeRe.MatchString(id) {
		return &BadParamError{Param: "dossier", Value: id}
	}
	q, err := readQuery(w, "dossier_structure.sql")
	if err != nil {
		return err
	}
	var code string
	err = w.DB.QueryRowContext(ctx, q, id).Scan(&code)
	if err == sql.ErrNoRows {
		return ErrNotFound
	}
	if err == nil && !s.region && code != s.structure {
		return ErrForbidden
	}
	if err != nil {
		return fmt.Errorf("dossier: %w", err)
	}
	return nil
}
