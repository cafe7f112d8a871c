package data

import (
	"context"
	"fmt"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Structure is one structure of the scope.
type Structure struct {
	Code string `json:"code_structure"`
	Nom  string `json:"nom"`
}

// Structures returns the structures of the scope.
func Structures(ctx context.Context, w *warehouse.Warehouse, s Scope) ([]Structure, error) {
	scope, err := s.check("")
	if err != nil {
		return nil, err
	}
	q, err := readQuery(w, "structures.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, scope)
	if err != nil {
		return nil, fmt.Errorf("structures: %w", err)
	}
	defer rows.Close()
	out := []Structure{}
	for rows.Next() {
		var st Structure
		if err := rows.Scan(&st.Code, &st.Nom); err != nil {
			return nil, fmt.Errorf("structures: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Choice is one value of a filter list (a site, a counsellor).
type Choice struct {
	Kind, Code, Label, Structure string
}

// Choices returns the sites and counsellors of the scope.
func Choices(ctx context.Context, w *warehouse.Warehouse, s Scope) ([]Choice, error) {
	scope, err := s.check("")
	if err != nil {
		return nil, err
	}
	q, err := readQuery(w, "choices.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, scope)
	if err != nil {
		return nil, fmt.Errorf("choices: %w", err)
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.Kind, &c.Code, &c.Label, &c.Structure); err != nil {
			return nil, fmt.Errorf("choices: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
