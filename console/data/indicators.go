package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Indicator is one rate of the controls' indicators: the RDV absence rate
// or the SIENE attachment rate, of a structure or of one of its counsellors.
type Indicator struct {
	Famille     string // RDV or SIE
	Niveau      string // structure or conseiller
	Structure   string
	Utilisateur string  // the counsellor ("" for the structure, or none)
	Taux        float64 // valid when HasTaux
	HasTaux     bool
	Base        int // appointments held (present + absent), or active partners
}

// Indicators returns the indicators of the latest control run at or before
// asOf of each structure of the scope; structure narrows a regional scope.
func Indicators(ctx context.Context, w *warehouse.Warehouse, s Scope, asOf time.Time, structure string) ([]Indicator, error) {
	scope, err := s.check(structure)
	if err != nil {
		return nil, err
	}
	q, err := readQuery(w, "latest_runs.sql", "indicators.sql")
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = time.Now().In(warehouse.Paris)
	}
	rows, err := w.DB.QueryContext(ctx, q, scope, asOf.Format(time.DateOnly), nullable(structure))
	if err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	defer rows.Close()
	var out []Indicator
	for rows.Next() {
		var in Indicator
		var taux sql.NullFloat64
		if err := rows.Scan(&in.Famille, &in.Niveau, &in.Structure, &in.Utilisateur, &taux, &in.Base); err != nil {
			return nil, fmt.Errorf("indicators: %w", err)
		}
		in.Taux, in.HasTaux = taux.Float64, taux.Valid
		out = append(out, in)
	}
	return out, rows.Err()
}
