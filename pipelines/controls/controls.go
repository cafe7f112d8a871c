// Package controls runs the controls of rules.md (RDV, FOR, PCJ, SIE, PAC,
// USR, RGS, DOS, IDJ, RAF, TER, ACR) on the warehouse, stores their findings with a week-to-week
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
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/structure"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Families lists the rule families in the order they run; each is the file
// sql/controls/<lower-case family>.sql.
var Families = []string{"RDV", "FOR", "PCJ", "SIE", "PAC", "USR", "RGS", "DOS", "IDJ", "RAF", "TER", "ACR"}

// FamilyNames says in French what each family of Families controls.
var FamilyNames = map[string]string{
	"RDV": "rendez-vous",
	"FOR": "entrées en formation",
	"PCJ": "chevauchements PACEA / CEJ",
	"SIE": "rattachement SIENE des partenaires",
	"PAC": "parcours PACEA",
	"USR": "comptes utilisateurs",
	"RGS": "certificat de signature RGS",
	"DOS": "qualité des dossiers",
	"IDJ": "identité justifiée",
	"RAF": "demandes Rafael",
	"TER": "zones de couverture",
	"ACR": "Activ'Créa (J2)",
}

// Gravités of a finding, most serious first.
const (
	Erreur = "erreur"
	Alerte = "alerte"
	Info   = "info"
)

// Reference kinds of a controls run (control_runs.reference).
const (
	Weekly  = "weekly"
	Monthly = "monthly"
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
	// MemoryLimit bounds DuckDB's memory during the run (DefaultMemoryLimit
	// when empty); the previous limit is put back afterwards.
	MemoryLimit string
	// SkipList leaves Result.Findings and Result.Resolved empty (Counts is
	// filled): for callers that read the stored findings themselves.
	SkipList bool
	// Reference marks the run as the reference of its period (Weekly,
	// Monthly), which the reports' « nouveaux / résolus » compare with; ""
	// for any other run (daily, by hand), which changes no comparison.
	Reference string
	// RunID is the run record the caller opened (steps.Run, the
	// scheduler): a controls run never opens its own.
	RunID int64
	// DryRun runs every control and compares the findings with the previous
	// run of each structure exactly as a run would, in a transaction that is
	// rolled back: nothing is recorded (no control run, finding or
	// indicator). RunID is then 0 (steps.Pipeline.Preview) and so is the
	// result's.
	DryRun bool
}

// ValidStructure tells whether code is a well-formed structure code
// (structure.Valid).
func ValidStructure(code string) bool { return structure.Valid(code) }

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
		return errors.New("controls : la date du contrôle (--as-of) manque")
	}
	if o.Reference != "" && o.Reference != Weekly && o.Reference != Monthly {
		return fmt.Errorf("controls : run de référence %q inconnu : %s ou %s", o.Reference, Weekly, Monthly)
	}
	switch {
	case o.DryRun && o.RunID != 0:
		return errors.New("controls: a dry run has no run record")
	case o.DryRun && o.Reference != "":
		return errors.New("controls : une simulation (--dry-run) n'est jamais un contrôle de référence")
	case !o.DryRun && o.RunID == 0:
		return errors.New("controls: no run record: the caller opens it (steps.Run)")
	}
	from, to := o.Period()
	if to.Before(from) {
		return fmt.Errorf("controls : la période des indicateurs finit (%s) avant de commencer (%s)", to.Format("02/01/2006"), from.Format("02/01/2006"))
	}
	if o.MemoryLimit != "" && !warehouse.ValidMemoryLimit(o.MemoryLimit) {
		return fmt.Errorf("controls : limite de mémoire %q : donnez une taille comme 512MB ou 1GB", o.MemoryLimit)
	}
	for _, s := range o.Structures {
		if !ValidStructure(s) {
			return fmt.Errorf("controls : code de structure %q invalide : seuls les lettres, les chiffres, - et _ sont admis", s)
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
	// Counts sums the run's findings up by rule, gravité and suivi
	// (resolu: the resolved ones), sorted by rule, gravite, suivi.
	Counts []Count
	// Timings holds how long each step took (a family's SQL file, a
	// recording step), in the order they ran.
	Timings []Timing
}

// Found is how many findings the run found (its Counts but the resolved).
func (r *Result) Found() int {
	n := 0
	for _, c := range r.Counts {
		if c.Suivi != Resolu {
			n += c.N
		}
	}
	return n
}

// Count is the number of findings of one rule, gravité and suivi.
type Count struct {
	Rule, Gravite, Suivi string
	N                    int
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

// Run runs every control for opts.AsOf under the run record opts.RunID
// (control_runs), stores the findings compared with the previous run of each
// structure, and the indicators. Findings are no failure: err is nil whatever
// is found.
func Run(ctx context.Context, w *warehouse.Warehouse, opts Options) (res *Result, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	asOf := Day(opts.AsOf)
	from, to := opts.Period()
	runID := opts.RunID

	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	defer conn.Close()
	res = &Result{RunID: runID, AsOf: asOf, From: from, To: to}
	limit := opts.MemoryLimit
	if limit == "" {
		limit = DefaultMemoryLimit
	}
	restore, err := w.LimitMemory(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	defer restore()
	if opts.DryRun {
		err = dryRun(ctx, conn, w, asOf, from, to, opts, res)
	} else {
		err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
			return runSteps(ctx, tx, w, runID, asOf, from, to, opts, res)
		})
	}
	if err != nil {
		return nil, err
	}
	if !opts.DryRun {
		stepHook("committed")
	}
	// The run is stored (or a dry run rolled back): what follows is not
	// stopped by a cancellation, which would record as cancelled a run whose
	// findings the reports read.
	post := context.WithoutCancel(ctx)
	// Leave nothing behind on the pooled connection.
	if _, err := conn.ExecContext(post, `DROP TABLE IF EXISTS run_scope; DROP TABLE IF EXISTS prev_runs; DROP TABLE IF EXISTS prev_findings`); err != nil {
		return nil, fmt.Errorf("controls: drop temp tables: %w", err)
	}
	if opts.DryRun {
		return res, nil
	}
	return res, readResult(post, w.DB, runID, opts.SkipList, res)
}

// dryRun runs the steps of a run in a transaction it rolls back, and reads
// the findings there first. The run gets an id after every recorded run, so
// that the previous run of each structure is the latest one, as for a run
// recorded now.
func dryRun(ctx context.Context, conn *sql.Conn, w *warehouse.Warehouse, asOf, from, to time.Time, opts Options, res *Result) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("controls: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var runID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM (SELECT id FROM runs UNION ALL SELECT run_id FROM control_runs)`).Scan(&runID); err != nil {
		return fmt.Errorf("controls: dry run id: %w", err)
	}
	if err := runSteps(ctx, tx, w, runID, asOf, from, to, opts, res); err != nil {
		return err
	}
	return readResult(ctx, tx, runID, opts.SkipList, res)
}

// querier is a database or a transaction, to read a run's findings from.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readResult fills res's counts, and unless skipList its findings and
// resolved findings, from the stored run runID.
func readResult(ctx context.Context, db querier, runID int64, skipList bool, res *Result) (err error) {
	if res.Counts, err = loadCounts(ctx, db, runID); err != nil {
		return err
	}
	if skipList {
		return nil
	}
	if res.Findings, err = loadFindings(ctx, db, qFindings, runID); err != nil {
		return err
	}
	res.Resolved, err = loadFindings(ctx, db, qResolved, runID)
	return err
}

// DefaultMemoryLimit bounds DuckDB's memory during a controls run; larger
// intermediate results spill to disk. It leaves room for the columns the
// rules read to stay in DuckDB's buffers from one family to the next: with a
// limit under a third of them (512 MB at scale 10, or 150 MB at scale 3, as
// measured), each family reads them back from the file and the run takes
// about 30 % more CPU. At scale 10 the run peaks well under the 3 GiB target.
const DefaultMemoryLimit = "1536MB"

// stepHook is a test hook called as each timed step of a run begins (a
// family's code, or the SQL file of another step), to stop the process there
// in a test.
var stepHook = func(step string) {}

// familyMarker is the line of record_findings.sql that a family's query
// replaces.
const familyMarker = "-- @family"

// runSteps creates the helper macros, the run's scope and record, then
// stores each family's findings with their history, the resolved findings
// and the indicators, all on tx's connection.
func runSteps(ctx context.Context, tx *sql.Tx, w *warehouse.Warehouse, runID int64, asOf, from, to time.Time, opts Options, res *Result) error {
	step := func(name string, fn func() error) error {
		stepHook(name)
		start := time.Now()
		if err := fn(); err != nil {
			return err
		}
		res.Timings = append(res.Timings, Timing{name, time.Since(start)})
		return nil
	}
	if err := execFile(ctx, tx, w, "controls/macros.sql"); err != nil {
		return err
	}
	if err := scope(ctx, tx, w, runID, asOf, from, to, opts.Structures, opts.Reference); err != nil {
		return err
	}
	if err := execFile(ctx, tx, w, "controls/prev_runs.sql", runID); err != nil {
		return err
	}
	if err := step("controls/prev_findings.sql", func() error { return execFile(ctx, tx, w, "controls/prev_findings.sql") }); err != nil {
		return err
	}
	record, err := sqlfiles.Read(w.SQL, "controls/record_findings.sql")
	if err != nil {
		return err
	}
	if !strings.Contains(record, familyMarker) {
		return fmt.Errorf("controls: record_findings.sql lacks the line %q", familyMarker)
	}
	for _, fam := range Families {
		name := "controls/" + strings.ToLower(fam) + ".sql"
		q, err := sqlfiles.Read(w.SQL, name)
		if err != nil {
			return err
		}
		stmt := strings.Replace(record, familyMarker, q+"\n", 1)
		if err := step(fam, func() error {
			if _, err := tx.ExecContext(ctx, stmt, dateArg(asOf), runID, fam+"-00", fam+"-99"); err != nil {
				return fmt.Errorf("controls %s: %w", name, err)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	steps := []struct {
		file string
		args []any
	}{
		{"controls/record_resolved.sql", []any{runID}},
		{"controls/indicator_rdv.sql", []any{runID, dateArg(from), dateArg(to)}},
		{"controls/upcoming_rdv.sql", []any{runID, dateArg(asOf)}},
		{"controls/indicator_siene.sql", []any{runID}},
	}
	for _, s := range steps {
		if err := step(s.file, func() error { return execFile(ctx, tx, w, s.file, s.args...) }); err != nil {
			return err
		}
	}
	return nil
}

// scope creates the temp table run_scope (the structures the run covers)
// and records the run in control_runs.
func scope(ctx context.Context, tx *sql.Tx, w *warehouse.Warehouse, runID int64, asOf, from, to time.Time, structures []string, reference string) error {
	if err := execFile(ctx, tx, w, "controls/run_scope.sql"); err != nil {
		return err
	}
	var filtered any // NULL: every structure
	if len(structures) > 0 {
		filtered = "filtered"
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE wanted (code_structure VARCHAR)`); err != nil {
			return fmt.Errorf("controls: scope: %w", err)
		}
		for _, s := range structures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wanted VALUES (?)`, s); err != nil {
				return fmt.Errorf("controls: scope: %w", err)
			}
		}
		var unknown sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT string_agg(code_structure, ', ' ORDER BY code_structure) FROM wanted
WHERE code_structure NOT IN (SELECT code_structure FROM run_scope)`).Scan(&unknown); err != nil {
			return fmt.Errorf("controls: scope: %w", err)
		}
		if unknown.Valid {
			return warehouse.Refused(structure.Unknown(unknown.String))
		}
		for _, q := range []string{
			`DELETE FROM run_scope WHERE code_structure NOT IN (SELECT code_structure FROM wanted)`,
			`DROP TABLE wanted`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("controls: scope: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO control_runs (run_id, as_of, date_debut, date_fin, structures, reference)
SELECT ?, ?::DATE, ?::DATE, ?::DATE,
       CASE WHEN ?::VARCHAR IS NULL THEN NULL ELSE (SELECT list(code_structure ORDER BY code_structure) FROM run_scope) END, ?`,
		runID, dateArg(asOf), dateArg(from), dateArg(to), filtered, warehouse.NullString(reference)); err != nil {
		return fmt.Errorf("controls: record run: %w", err)
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

const qCounts = `SELECT rule, gravite, suivi, count(*) FROM findings WHERE run_id = ? GROUP BY ALL
UNION ALL
SELECT rule, gravite, 'resolu', count(*) FROM findings_resolved WHERE run_id = ? GROUP BY ALL
ORDER BY 1, 2, 3`

func loadCounts(ctx context.Context, db querier, runID int64) ([]Count, error) {
	rows, err := db.QueryContext(ctx, qCounts, runID, runID)
	if err != nil {
		return nil, fmt.Errorf("controls: count findings: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Rule, &c.Gravite, &c.Suivi, &c.N); err != nil {
			return nil, fmt.Errorf("controls: count findings: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("controls: count findings: %w", err)
	}
	return out, nil
}

func loadFindings(ctx context.Context, db querier, q string, runID int64) ([]Finding, error) {
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
