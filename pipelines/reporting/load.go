// Package reporting reads the warehouse into the plain values the reports
// package renders: one structure at a time, so memory stays bounded by the
// largest structure, then the regional summary from the structures' counts.
package reporting

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/structure"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// structureRow is one line of reports/structures.sql.
type structureRow struct {
	code, nom string
	runID     int64 // 0: no controls run covers the structure
	asOf      time.Time
	from, to  time.Time
	dossiers  int64 // dossiers followed (not archived)
}

func dateArg(t time.Time) string { return t.Format(time.DateOnly) }

// listStructures returns the structures to report on, each with its latest
// controls run on or before asOf.
func listStructures(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, structure string) ([]structureRow, error) {
	q, err := sqlfiles.Read(w.SQL, "reports/structures.sql")
	if err != nil {
		return nil, err
	}
	var s any
	if structure != "" {
		s = structure
	}
	rows, err := w.DB.QueryContext(ctx, q, dateArg(asOf), s)
	if err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
	}
	defer rows.Close()
	var out []structureRow
	for rows.Next() {
		var r structureRow
		var run sql.NullInt64
		var a, f, t sql.NullTime
		if err := rows.Scan(&r.code, &r.nom, &run, &a, &f, &t, &r.dossiers); err != nil {
			return nil, fmt.Errorf("list structures: %w", err)
		}
		r.runID, r.asOf, r.from, r.to = run.Int64, a.Time, f.Time, t.Time
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
	}
	return out, nil
}

// query runs one file of sql/reports and hands each row to scan.
func query(ctx context.Context, w *warehouse.Warehouse, name string, scan func(*sql.Rows) error, args ...any) error {
	q, err := sqlfiles.Read(w.SQL, "reports/"+name)
	if err != nil {
		return err
	}
	rows, err := w.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// LoadStructure reads everything one structure's dashboards show, for a
// report on asOf.
func LoadStructure(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, code string) (*reports.StructureReport, error) {
	if err := reports.ValidStructureCode(code); err != nil {
		return nil, err
	}
	list, err := listStructures(ctx, w, asOf, code)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, structure.Unknown(code)
	}
	return loadStructure(ctx, w, asOf, controls.Weekly, list[0])
}

func loadStructure(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, period string, s structureRow) (*reports.StructureReport, error) {
	r := &reports.StructureReport{CodeStructure: s.code, NomStructure: s.nom, AsOf: asOf, Monthly: period == controls.Monthly,
		ControlRunID: s.runID, ControlAsOf: s.asOf, PeriodFrom: s.from, PeriodTo: s.to, Dossiers: s.dossiers}
	if s.runID != 0 {
		if err := loadControls(ctx, w, r); err != nil {
			return nil, fmt.Errorf("structure %s: %w", s.code, err)
		}
		if err := sinceReference(ctx, w, r, period); err != nil {
			return nil, fmt.Errorf("structure %s: %w", s.code, err)
		}
		// A structure's files never name another structure (TER-01).
		for _, fs := range [][]reports.Finding{r.Findings, r.Resolved} {
			for i := range fs {
				fs[i].Detail = controls.StructureDetail(fs[i].Rule, fs[i].Detail)
			}
		}
	}
	err := query(ctx, w, "trend.sql", func(rows *sql.Rows) error {
		var p reports.TrendPoint
		var fam sql.NullString
		if err := rows.Scan(&p.AsOf, &fam, &p.Count); err != nil {
			return err
		}
		p.Family = fam.String
		r.Trend = append(r.Trend, p)
		return nil
	}, dateArg(asOf), s.code)
	if err != nil {
		return nil, fmt.Errorf("structure %s: %w", s.code, err)
	}
	r.ASP.WeekFrom, r.ASP.WeekTo = controls.WeekBefore(asOf)
	asp, err := controls.WeeklyASP(ctx, w, asOf, s.code)
	if err != nil {
		return nil, fmt.Errorf("structure %s: %w", s.code, err)
	}
	for _, a := range asp {
		r.ASP.Rows = append(r.ASP.Rows, reports.ASPRow(a))
	}
	return r, nil
}

func str(s sql.NullString) string { return s.String }

// loadControls reads the findings and indicators of the structure's run.
func loadControls(ctx context.Context, w *warehouse.Warehouse, r *reports.StructureReport) error {
	run, code := r.ControlRunID, r.CodeStructure
	fs, err := loadFindings(ctx, w, run, code)
	if err != nil {
		return err
	}
	r.Findings = fs
	err = query(ctx, w, "resolved.sql", func(rows *sql.Rows) error {
		f := reports.Finding{Suivi: "resolu"}
		var lie, dossier sql.NullString
		if err := rows.Scan(&f.Rule, &f.Gravite, &f.CodeStructure, &f.Objet, &f.IDObjet, &lie, &dossier, &f.Detail,
			&f.PremiereDetection, &f.NbRuns); err != nil {
			return err
		}
		f.IDLie, f.IDDossier = str(lie), str(dossier)
		r.Resolved = append(r.Resolved, f)
		return nil
	}, run, code)
	if err != nil {
		return err
	}
	err = query(ctx, w, "indicator_rdv.sql", func(rows *sql.Rows) error {
		var x reports.RDVIndicator
		var niveau string
		var id, name sql.NullString
		var taux sql.NullFloat64
		if err := rows.Scan(&niveau, &id, &name, &x.Prevu, &x.Present, &x.Absent, &x.Annule, &x.Reporte, &x.NonPrecise,
			&x.Total, &taux); err != nil {
			return err
		}
		x.IDUtilisateur, x.Conseiller, x.TauxAbsence, x.HasTaux = str(id), str(name), taux.Float64, taux.Valid
		if niveau == "structure" {
			r.RDVTotal = x
		} else {
			r.RDV = append(r.RDV, x)
		}
		return nil
	}, run, code)
	if err != nil {
		return err
	}
	err = query(ctx, w, "indicator_siene.sql", func(rows *sql.Rows) error {
		var x reports.SIENEIndicator
		var niveau string
		var id, name sql.NullString
		var taux sql.NullFloat64
		if err := rows.Scan(&niveau, &id, &name, &x.Partenaires, &x.Rattaches, &taux); err != nil {
			return err
		}
		x.IDUtilisateur, x.Conseiller, x.Taux, x.HasTaux = str(id), str(name), taux.Float64, taux.Valid
		if niveau == "structure" {
			r.SIENETotal = x
		} else {
			r.SIENE = append(r.SIENE, x)
		}
		return nil
	}, run, code)
	if err != nil {
		return err
	}
	return query(ctx, w, "upcoming_rdv.sql", func(rows *sql.Rows) error {
		var a reports.Appointment
		var id, name, lieu sql.NullString
		if err := rows.Scan(&id, &name, &a.IDRdv, &a.IDDossier, &a.DateHeure, &lieu, &a.Statut); err != nil {
			return err
		}
		a.IDUtilisateur, a.Conseiller, a.Lieu = str(id), str(name), str(lieu)
		r.Upcoming = append(r.Upcoming, a)
		return nil
	}, run, code)
}

// loadFindings reads the open findings of one run for one structure, with
// the referent counsellor and the site of each.
func loadFindings(ctx context.Context, w *warehouse.Warehouse, run int64, code string) ([]reports.Finding, error) {
	var out []reports.Finding
	err := query(ctx, w, "findings.sql", func(rows *sql.Rows) error {
		var f reports.Finding
		var lie, dossier, cons, consName, lieu sql.NullString
		if err := rows.Scan(&f.Rule, &f.Gravite, &f.CodeStructure, &f.Objet, &f.IDObjet, &lie, &dossier, &f.Detail,
			&f.Suivi, &f.PremiereDetection, &f.NbRuns, &cons, &consName, &lieu); err != nil {
			return err
		}
		f.IDLie, f.IDDossier, f.IDConseiller, f.Conseiller, f.Lieu = str(lie), str(dossier), str(cons), str(consName), str(lieu)
		out = append(out, f)
		return nil
	}, run, code)
	return out, err
}

// counsellor is one line of reports/counsellors.sql.
type counsellor struct{ id, name string }

// loadCounsellors reads the actif accounts of a structure holding
// conseiller_referent.
func loadCounsellors(ctx context.Context, w *warehouse.Warehouse, code string) ([]counsellor, error) {
	var out []counsellor
	err := query(ctx, w, "counsellors.sql", func(rows *sql.Rows) error {
		var c counsellor
		if err := rows.Scan(&c.id, &c.name); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, code)
	return out, err
}
