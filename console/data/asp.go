package data

import (
	"context"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ASP returns the weekly ASP list of the scope (columns as `vigie
// weekly-asp`), for the week before asOf. structure narrows a regional scope.
func ASP(ctx context.Context, w *warehouse.Warehouse, s Scope, asOf time.Time, structure string) (*Table, error) {
	scope, err := s.check(structure)
	if err != nil {
		return nil, err
	}
	code := structure
	if sc, ok := scope.(string); ok {
		code = sc
	}
	rows, err := controls.QueryWeeklyASP(ctx, w, asOf, code)
	if err != nil {
		return nil, err
	}
	return readTable(rows, 0)
}

// ASPRows returns the ASP list of one structure of the scope, typed for its PDF.
func ASPRows(ctx context.Context, w *warehouse.Warehouse, s Scope, asOf time.Time, structure string) ([]controls.ASPRow, error) {
	if structure == "" {
		return nil, &BadParamError{Param: "structure", Value: ""}
	}
	if _, err := s.check(structure); err != nil {
		return nil, err
	}
	return controls.WeeklyASP(ctx, w, asOf, structure)
}
