package reporting

import (
	"context"
	"database/sql"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
)

// referenceCutoff is the latest as-of date of the reference run a report for
// asOf compares with: the weekly control of the week before (D - 7 days), or
// the month before's (its last day at the latest).
func referenceCutoff(asOf time.Time, period string) time.Time {
	if period == controls.Monthly {
		return time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	return asOf.AddDate(0, 0, -7)
}

// sinceReference sets the « nouveaux / résolus » of r's findings against the
// reference run of the period before (reports/reference_run.sql), whatever
// runs happened in between (daily controls, runs by hand): a finding not in
// the reference run is nouveau, one in it persistant, and those of the
// reference run no longer found are r.Resolved. With no reference run yet,
// every finding is nouveau and nothing is resolved.
func sinceReference(ctx context.Context, w *warehouse.Warehouse, r *reports.StructureReport, period string) error {
	if period == "" {
		period = controls.Weekly
	}
	var refID int64
	err := query(ctx, w, "reference_run.sql", func(rows *sql.Rows) error {
		return rows.Scan(&refID, &r.ComparedAsOf)
	}, period, dateArg(referenceCutoff(r.AsOf, period)), r.CodeStructure)
	if err != nil {
		return err
	}
	type key struct{ rule, objet, lie string }
	nouveau := map[key]bool{}
	r.Resolved = nil
	err = query(ctx, w, "since_reference.sql", func(rows *sql.Rows) error {
		var kind string
		f := reports.Finding{}
		var lie, dossier sql.NullString
		if err := rows.Scan(&kind, &f.Rule, &f.Gravite, &f.CodeStructure, &f.Objet, &f.IDObjet, &lie, &dossier, &f.Detail,
			&f.PremiereDetection, &f.NbRuns); err != nil {
			return err
		}
		f.IDLie, f.IDDossier = str(lie), str(dossier)
		if kind == controls.Nouveau {
			nouveau[key{f.Rule, f.IDObjet, f.IDLie}] = true
			return nil
		}
		f.Suivi = controls.Resolu
		r.Resolved = append(r.Resolved, f)
		return nil
	}, r.ControlRunID, refID, r.CodeStructure)
	if err != nil {
		return err
	}
	for i, f := range r.Findings {
		r.Findings[i].Suivi = controls.Persistant
		if nouveau[key{f.Rule, f.IDObjet, f.IDLie}] {
			r.Findings[i].Suivi = controls.Nouveau
		}
	}
	return nil
}
