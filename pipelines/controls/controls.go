// Package controls runs the controls of rules.md (RDV, FOR, PCJ, SIE, PAC,
// USR, RGS, DOS) on the warehouse, stores their findings with a week-to-week
// history and the indicators of the run, and builds the Monday ASP list.
//
// Every rule is SQL under sql/controls/, one file per family, read through
// the warehouse's fs.FS; this package only orders the statements and binds
// the as-of date.
package controls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Families lists the rule families in the order they run; each is the file
// sql/controls/<lower-case family>.sql.
var Families = []string{"RDV", "FOR", "PCJ", "SIE", "PAC", "USR", "RGS", "DOS"}

// Gravités of a finding, most serious first.
const (
	Erreur = "erreur"
	Alerte = "alerte"
	Info   = "info"
)

// Suivi values: how a finding compares with the previous run of its structure.
const (
	Nouveau    = "nouveau"
	Persistant = "persistant"
	Resolu     = "resolu"
)

// Options of a controls run.
type Options struct {
	// AsOf is the day the run is for (D); only its date counts.
	AsOf time.Time
	// From and To bound the period of the appointment indicators; zero
	// values mean the 28 days before D.
	From, To time.Time
	// Structures limits the run to these structure codes; empty means all.
	Structures []string
	// Arguments, Job and ScheduledFor go to the run record.
	Arguments    []string
	Job          string
	ScheduledFor *time.Time
}

var structureRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ValidStructure tells whether code is a well-formed structure code.
func ValidStructure(code string) bool { return structureRe.MatchString(code) }

// Period returns the indicator period of o: [From, To], by default the 28
// days before D.
func (o Options) Period() (from, to time.Time) {
	d := Day(o.AsOf)
	from, to = Day(o.From), Day(o.To)
	if o.From.IsZero() {
		from = d.AddDate(0, 0, -28)
	}
	if o.To.IsZero() {
		to = d.AddDate(0, 0, -1)
	}
	return from, to
}

// Validate checks the options before any work.
func (o Options) Validate() error {
	if o.AsOf.IsZero() {
		return errors.New("controls: the as-of date is missing")
	}
	from, to := o.Period()
	if to.Before(from) {
		return fmt.Errorf("controls: the indicator period ends (%s) before it starts (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	for _, s := range o.Structures {
		if !ValidStructure(s) {
			return fmt.Errorf("controls: structure code %q: only letters, digits, - and _ are allowed", s)
		}
	}
	return nil
}

// Finding is one object at fault, with its history.
type Finding struct {
	Rule          string
	Gravite       string
	CodeStructure string
	Objet         string
	IDObjet       string
	// IDLie completes the identity of a finding when the object alone does
	// not (PCJ: the pacea of the pair; PAC-06/07: the allocation's programme).
	IDLie     string
	IDDossier string
	Detail    string
	// Suivi is nouveau, persistant or resolu.
	Suivi string
	// FirstSeen is the as-of date of the first run that found it.
	FirstSeen time.Time
	// Runs counts the consecutive runs that found it (for resolu: up to the
	// previous run).
	Runs int
}

// Result is what a controls run found.
type Result struct {
	RunID    int64
	AsOf     time.Time
	From, To time.Time
	// Findings of this run, sorted by rule, id_objet, id_lie, code_structure.
	Findings []Finding
	// Resolved lists the findings of the previous run of each structure that
	// this run no longer finds, in the same order.
	Resolved []Finding
	// Timings holds how long each step took (a family's SQL file, a
	// recording step), in the order they ran.
	Timings []Timing
}

// Timing is the duration of one step of a run.
type Timing struct {
	Step     string
	Duration time.Duration
}

// Day returns t's calendar date as midnight UTC, the way vigie carries a date.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dateArg(t time.Time) string { return Day(t).Format(time.DateOnly) }

// Run runs every control for opts.AsOf, records the run (runs, control_runs),
// stores the findings compared with the previous run of each structure, and
// the indicators. Findings are no failure: err is nil whatever is found.
func Run(ctx context.Context, w *warehouse.Warehouse, opts Options) (res *Result, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	asOf := Day(opts.AsOf)
	from, to := opts.Period()
	run, err := w.BeginRun(ctx, warehouse.RunInfo{
		Command: "controls", Arguments: opts.Arguments, AsOf: &asOf,
		Job: opts.Job, ScheduledFor: opts.ScheduledFor,
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		if ferr := run.Finish(err); ferr != nil && err == nil {
			err = ferr
		}
	}()

	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	defer conn.Close()
	res = &Result{RunID: run.ID, AsOf: asOf, From: from, To: to}
	err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
		if err := evaluate(ctx, tx, w, asOf, opts.Structures, res); err != nil {
			return err
		}
		return record(ctx, tx, w, run.ID, asOf, from, to, opts.Structures, res)
	})
	if err != nil {
		return nil, err
	}
	// Leave nothing behind on the pooled connection.
	if _, err := conn.ExecContext(ctx, `DROP TABLE IF EXISTS cur_findings; DROP TABLE IF EXISTS run_scope; DROP TABLE IF EXISTS prev_runs`); err != nil {
		return nil, fmt.Errorf("controls: drop temp tables: %w", err)
	}
	if res.Findings, err = loadFindings(ctx, w.DB, qFindings, run.ID); err != nil {
		return nil, err
	}
	if res.Resolved, err = loadFindings(ctx, w.DB, qResolved, run.ID); err != nil {
		return nil, err
	}
	return res, nil
}

// evaluate creates the helper macros and the temp tables cur_findings (every
// rule's findings, restricted to the run's structures) and run_scope (the
// structures the run covers) on tx's connection.
func evaluate(ctx context.Context, tx *sql.Tx, w *warehouse.Warehouse, asOf time.Time, structures []string, res *Result) error {
	if err := execFile(ctx, tx, w, "controls/macros.sql"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE cur_findings (
    rule VARCHAR NOT NULL, gravite VARCHAR NOT NULL, code_structure VARCHAR NOT NULL, objet VARCHAR NOT NULL,
    id_objet VARCHAR NOT NULL, id_lie VARCHAR, id_dossier VARCHAR, detail VARCHAR NOT NULL)`); err != nil {
		return fmt.Errorf("controls: create cur_findings: %w", err)
	}
	for _, fam := range Families {
		name := "controls/" + lower(fam) + ".sql"
		q, err := sqlfiles.Read(w.SQL, name)
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err := tx.ExecContext(ctx, "INSERT INTO cur_findings "+q, dateArg(asOf)); err != nil {
			return fmt.Errorf("controls %s: %w", name, err)
		}
		res.Timings = append(res.Timings, Timing{fam, time.Since(start)})
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE run_scope AS
SELECT code_structure FROM structures UNION SELECT code_structure FROM cur_findings`); err != nil {
		return fmt.Errorf("controls: scope: %w", err)
	}
	if len(structures) > 0 {
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE wanted (code_structure VARCHAR)`); err != nil {
			return fmt.Errorf("controls: scope: %w", err)
		}
		for _, s := range structures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wanted VALUES (?)`, s); err != nil {
				return fmt.Errorf("controls: scope: %w", err)
			}
		}
		for _, q := range []string{
			`DELETE FROM run_scope WHERE code_structure NOT IN (SELECT code_structure FROM wanted)`,
			`DELETE FROM cur_findings WHERE code_structure NOT IN (SELECT code_structure FROM wanted)`,
			`DROP TABLE wanted`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("controls: scope: %w", err)
			}
		}
	}
	return nil
}

// record stores the run, its findings with their history and its indicators.
func record(ctx context.Context, tx *sql.Tx, w *warehouse.Warehouse, runID int64, asOf, from, to time.Time, structures []string, res *Result) error {
	var scope any // NULL: every structure
	if len(structures) > 0 {
		scope = "filtered"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO control_runs (run_id, as_of, date_debut, date_fin, structures)
SELECT ?, ?::DATE, ?::DATE, ?::DATE,
       CASE WHEN ?::VARCHAR IS NULL THEN NULL ELSE (SELECT list(code_structure ORDER BY code_structure) FROM run_scope) END`,
		runID, dateArg(asOf), dateArg(from), dateArg(to), scope); err != nil {
		return fmt.Errorf("controls: record run: %w", err)
	}
	steps := []struct {
		file string
		args []any
	}{
		{"controls/prev_runs.sql", []any{runID}},
		{"controls/record_findings.sql", []any{runID, dateArg(asOf)}},
		{"controls/record_resolved.sql", []any{runID}},
		{"controls/indicator_rdv.sql", []any{runID, dateArg(from), dateArg(to)}},
		{"controls/upcoming_rdv.sql", []any{runID, dateArg(asOf)}},
		{"controls/indicator_siene.sql", []any{runID}},
	}
	for _, s := range steps {
		start := time.Now()
		if err := execFile(ctx, tx, w, s.file, s.args...); err != nil {
			return err
		}
		res.Timings = append(res.Timings, Timing{s.file, time.Since(start)})
	}
	return nil
}

func execFile(ctx context.Context, tx *sql.Tx, w *warehouse.Warehouse, name string, args ...any) error {
	q, err := sqlfiles.Read(w.SQL, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("controls %s: %w", name, err)
	}
	return nil
}

const qFindings = `SELECT rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail,
       suivi, premiere_detection, nb_runs
FROM findings WHERE run_id = ?
ORDER BY rule, id_objet, id_lie NULLS FIRST, code_structure`

const qResolved = `SELECT rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail,
       'resolu', premiere_detection, nb_runs
FROM findings_resolved WHERE run_id = ?
ORDER BY rule, id_objet, id_lie NULLS FIRST, code_structure`

func loadFindings(ctx context.Context, db *sql.DB, q string, runID int64) ([]Finding, error) {
	rows, err := db.QueryContext(ctx, q, runID)
	if err != nil {
		return nil, fmt.Errorf("controls: read findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var lie, dossier sql.NullString
		if err := rows.Scan(&f.Rule, &f.Gravite, &f.CodeStructure, &f.Objet, &f.IDObjet, &lie, &dossier,
			&f.Detail, &f.Suivi, &f.FirstSeen, &f.Runs); err != nil {
			return nil, fmt.Errorf("controls: read findings: %w", err)
		}
		f.IDLie, f.IDDossier = lie.String, dossier.String
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("controls: read findings: %w", err)
	}
	return out, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
