package transfers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// execer is what a *sql.Tx and a *sql.Conn share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryExecer is what a *sql.Tx offers a request's execution.
type queryExecer interface {
	execer
	queryer
}

// queryer is what a *sql.Tx and a *sql.Conn share for reading many rows.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// statements holds the SQL of a run, read once.
type statements map[string]string

// session runs a run's statements in the current request's transaction,
// each prepared once per run: hundreds of requests share the same few
// statements, so DuckDB parses and plans each once. They are prepared on the
// database, not on the run's *sql.Conn: database/sql re-prepares a
// connection's statement in every transaction, while a database statement is
// prepared once per connection and then reused by each transaction on it.
type session struct {
	db       *sql.DB
	tx       *sql.Tx
	prepared map[string]*sql.Stmt
}

func (s *session) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	p, ok := s.prepared[q]
	if !ok {
		var err error
		if p, err = s.db.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		s.prepared[q] = p
	}
	// Statements bound to a transaction are closed with it.
	return s.tx.StmtContext(ctx, p), nil
}

func (s *session) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *session) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *session) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, q)
	if err != nil {
		// The transaction reports the same error through the row.
		return s.tx.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (s *session) close() {
	for _, p := range s.prepared {
		_ = p.Close()
	}
}

func load(fsys fs.FS) (statements, error) {
	st := statements{}
	for _, name := range []string{"pending", "check_user", "check_lieu", "record_status", "journal", "update", "hold_checkpoints", "release_checkpoints",
		"candidates_dossiers", "candidates_structure", "candidates_via_dossier", "live_users", "live_lieux", "live_values", "record_deletable"} {
		text, err := sqlfiles.Read(fsys, "transfers/"+name+".sql")
		if err != nil {
			return nil, err
		}
		st[name] = text
	}
	return st, nil
}

// splice puts the quoted identifiers of t into a template.
func splice(text string, t target) (string, error) {
	var pairs []string
	for _, p := range [][2]string{{"{{table}}", t.table}, {"{{column}}", t.column}, {"{{key}}", t.key}} {
		q, err := warehouse.Ident(p[1])
		if err != nil {
			return "", err
		}
		pairs = append(pairs, p[0], q)
	}
	return strings.NewReplacer(pairs...).Replace(text), nil
}

// Pending returns every request not yet final, in execution order, each
// marked due or not at the instant opts.At.
func Pending(ctx context.Context, w *warehouse.Warehouse, opts Options) ([]Request, error) {
	text, err := sqlfiles.Read(w.SQL, "transfers/pending.sql")
	if err != nil {
		return nil, err
	}
	return pending(ctx, w.DB, text, opts)
}

func pending(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, text string, opts Options) ([]Request, error) {
	rows, err := db.QueryContext(ctx, text, warehouse.LocalTimestamp(opts.At))
	if err != nil {
		return nil, fmt.Errorf("read transfer requests: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		var ref sql.NullString
		var sel any
		if err := rows.Scan(&r.ID, &r.Structure, &r.Type, &ref, &r.Source, &r.Destination, &sel, &r.DateDemande, &r.Due); err != nil {
			return nil, fmt.Errorf("read transfer requests: %w", err)
		}
		r.TableReference = ref.String
		list, _ := sel.([]any) // NULL: no selection
		for _, v := range list {
			if id, ok := v.(string); ok && strings.TrimSpace(id) != "" {
				r.Selection = append(r.Selection, strings.TrimSpace(id))
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read transfer requests: %w", err)
	}
	return out, nil
}

// Run executes every due request not yet final at opts.At, in order, each in
// its own transaction, and lists the deletable sources. In a dry run all of it
// happens in one transaction that is rolled back. The rows the requests may
// change (candidates.go) and the destinations they name are read once,
// before the first request and for a dry run alike, and automatic
// checkpoints wait until the run is over, since a checkpoint may renumber
// rows.
func Run(ctx context.Context, w *warehouse.Warehouse, opts Options) (res *Result, err error) {
	if opts.At.IsZero() {
		return nil, errors.New("transfers: no instant")
	}
	st, err := load(w.SQL)
	if err != nil {
		return nil, err
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("transfers: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, st["hold_checkpoints"]); err != nil {
		return nil, fmt.Errorf("transfers: hold checkpoints: %w", err)
	}
	defer func() {
		// A fresh context, and any connection (the setting is the
		// database's): checkpoints resume even when ctx was cancelled, and
		// when the cancellation closed conn with the transaction it stopped.
		if _, rerr := w.DB.ExecContext(context.Background(), st["release_checkpoints"]); rerr != nil && err == nil {
			err = fmt.Errorf("transfers: release checkpoints: %w", rerr)
		}
	}()
	reqs, err := pending(ctx, conn, st["pending"], opts)
	if err != nil {
		return nil, err
	}
	cands, err := loadCandidates(ctx, conn, st, reqs)
	if err != nil {
		return nil, err
	}
	dest, err := loadDestinations(ctx, conn, st, reqs)
	if err != nil {
		return nil, err
	}
	res = &Result{RunID: opts.RunID}
	var executed []Request
	sess := &session{db: w.DB, prepared: map[string]*sql.Stmt{}}
	defer sess.close()
	if opts.DryRun {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		defer func() { _ = tx.Rollback() }()
		sess.tx = tx
		for _, r := range reqs {
			o, err := process(ctx, sess, st, cands, dest, r, opts)
			if err != nil {
				return nil, err
			}
			res.Outcomes = append(res.Outcomes, o)
			if o.Statut == StatusExecuted {
				executed = append(executed, r)
			}
		}
		res.Deletable, err = deletable(ctx, tx, st, executed)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	var stopped error
	for _, r := range reqs {
		var o Outcome
		err := warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
			var err error
			sess.tx = tx
			o, err = process(ctx, sess, st, cands, dest, r, opts)
			if err == nil && opts.inRequest != nil {
				opts.inRequest(o)
			}
			return err
		})
		if err != nil {
			stopped = err
			break
		}
		res.Outcomes = append(res.Outcomes, o)
		if o.Statut == StatusExecuted {
			executed = append(executed, r)
		}
		if opts.afterRequest != nil {
			opts.afterRequest(o)
		}
	}
	// The deletable sources of the requests executed are recorded even when
	// the run stops half-way (SIGTERM, a request that failed): those requests
	// are final, and no later run would list their sources. So this step is
	// not stopped by a cancellation; it reads a few small sets. It runs on a
	// connection of its own: a transaction stopped by ctx may lose its
	// connection (database/sql rolls it back and discards the connection).
	post := context.WithoutCancel(ctx)
	pconn, err := w.DB.Conn(post)
	if err != nil {
		return res, errors.Join(stopped, fmt.Errorf("transfers: %w", err))
	}
	defer pconn.Close()
	err = warehouse.InTx(post, pconn, func(tx *sql.Tx) error {
		var err error
		if res.Deletable, err = deletable(post, tx, st, executed); err != nil {
			return err
		}
		for _, d := range res.Deletable {
			if _, err := tx.ExecContext(post, st["record_deletable"], opts.RunID, d.CodeStructure, d.Element,
				warehouse.NullString(d.Table), warehouse.NullString(d.Column), d.Value, d.IDTransfert); err != nil {
				return fmt.Errorf("record deletable sources: %w", err)
			}
		}
		return nil
	})
	return res, errors.Join(stopped, err)
}

// process checks one request and, when due and acceptable, executes it; the
// final outcome is recorded in ex (the request's transaction).
func process(ctx context.Context, ex queryExecer, st statements, cands candidates, dest destinations, r Request, opts Options) (Outcome, error) {
	if !r.Due {
		return Outcome{IDTransfert: r.ID, Statut: StatusPending}, nil
	}
	now := warehouse.LocalTimestamp(warehouse.Now())
	record := func(o Outcome) (Outcome, error) {
		if _, err := ex.ExecContext(ctx, st["record_status"], o.IDTransfert, o.Statut, warehouse.NullString(o.Raison),
			o.Lignes, now, opts.RunID); err != nil {
			return o, fmt.Errorf("record outcome of transfer %s: %w", r.ID, err)
		}
		return o, nil
	}
	t, why := check(dest, r)
	if why != "" {
		return record(Outcome{IDTransfert: r.ID, Statut: StatusRefused, Raison: why})
	}
	n, err := apply(ctx, ex, st, cands, r, t, now, opts.RunID)
	if err != nil {
		return Outcome{}, err
	}
	return record(Outcome{IDTransfert: r.ID, Statut: StatusExecuted, Lignes: n})
}

// Which destination the rules check, by type_transfert (rules.md TRF).
const (
	checkNone    = iota
	checkAccount // an actif account of the structure
	checkLieu    // an active lieu of the structure
)

func destinationCheck(typ string) int {
	switch typ {
	case "conseiller_referent", "referent_partenaire", "referent_offre":
		return checkAccount
	case "lieu_rattachement":
		return checkLieu
	}
	return checkNone
}

// account is what a run knows of a destination account.
type account struct {
	structure, etat string
	referent        bool
}

// destinations holds the accounts and active lieux the due requests of a run
// name as destination, read once before the first request: a transfer never
// changes utilisateurs or lieux, so each request's check reads them here
// instead of querying the warehouse in its transaction.
type destinations struct {
	accounts map[string]account
	lieux    map[string]string // active code_lieu -> code_structure
}

// loadDestinations reads the destinations of the due requests.
func loadDestinations(ctx context.Context, q queryer, st statements, reqs []Request) (destinations, error) {
	d := destinations{accounts: map[string]account{}, lieux: map[string]string{}}
	var users, lieux []string
	for _, r := range reqs {
		if !r.Due {
			continue
		}
		switch destinationCheck(r.Type) {
		case checkAccount:
			users = append(users, r.Destination)
		case checkLieu:
			lieux = append(lieux, r.Destination)
		}
	}
	read := func(what, q1 string, list []string, scan func(*sql.Rows) error) error {
		if len(list) == 0 {
			return nil
		}
		rows, err := q.QueryContext(ctx, q1, list)
		if err != nil {
			return fmt.Errorf("read the destination %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("read the destination %s: %w", what, err)
			}
		}
		return rows.Err()
	}
	err := read("accounts", st["check_user"], users, func(rows *sql.Rows) error {
		var id string
		var a account
		err := rows.Scan(&id, &a.structure, &a.etat, &a.referent)
		d.accounts[id] = a
		return err
	})
	if err != nil {
		return d, err
	}
	err = read("lieux", st["check_lieu"], lieux, func(rows *sql.Rows) error {
		var code, structure string
		err := rows.Scan(&code, &structure)
		d.lieux[code] = structure
		return err
	})
	return d, err
}

// check returns the column a request changes, or the French reason it is
// refused (rules.md TRF).
func check(dest destinations, r Request) (target, string) {
	t, why := targetOf(r)
	if why != "" {
		return t, why
	}
	if r.Source == r.Destination {
		return t, "la source et la destination sont identiques (" + r.Source + ")"
	}
	switch destinationCheck(r.Type) {
	case checkAccount:
		a, ok := dest.accounts[r.Destination]
		switch {
		case !ok:
			return t, "le compte destinataire " + r.Destination + " n'existe pas"
		case a.structure != r.Structure:
			return t, "le compte destinataire " + r.Destination + " n'appartient pas à la structure " + r.Structure
		case a.etat != "actif":
			return t, "le compte destinataire " + r.Destination + " n'est pas actif (état " + a.etat + ")"
		case r.Type == "conseiller_referent" && !a.referent:
			return t, "le compte destinataire " + r.Destination + " n'a pas la fonction conseiller_referent"
		}
	case checkLieu:
		if structure, ok := dest.lieux[r.Destination]; !ok || structure != r.Structure {
			return t, "le lieu destinataire " + r.Destination + " n'est pas un lieu actif de la structure " + r.Structure
		}
	}
	return t, ""
}

// apply changes the rows of the request, found among the run's candidates,
// by row id, and journals each of them, returning how many changed.
func apply(ctx context.Context, ex queryExecer, st statements, cands candidates, r Request, t target, now string, runID int64) (int64, error) {
	rows := cands.rowsOf(r, t)
	if len(rows) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(rows))
	keys := make([]string, len(rows))
	for i, x := range rows {
		ids[i], keys[i] = x.rowID, x.key
	}
	update, err := splice(st["update"], t)
	if err != nil {
		return 0, err
	}
	res, err := ex.ExecContext(ctx, update, r.Destination, ids, r.Source)
	if err != nil {
		return 0, fmt.Errorf("execute transfer %s: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
		return 0, errors.Join(fmt.Errorf("transfer %s: %d rows of %s.%s held %s, but %d changed: the table changed during the run",
			r.ID, len(ids), t.table, t.column, r.Source, n), err)
	}
	if _, err := ex.ExecContext(ctx, st["journal"], r.ID, t.table, t.column, keys, r.Source, r.Destination, now, runID); err != nil {
		return 0, fmt.Errorf("journal transfer %s: %w", r.ID, err)
	}
	cands.moved(r, t, rows)
	return int64(len(ids)), nil
}

// deletable lists the sources of the executed requests that nothing live
// references any more, once each. The live references are read once per
// kind (not once per request), so a run of hundreds of requests stays fast.
func deletable(ctx context.Context, ex queryer, st statements, executed []Request) ([]Deletable, error) {
	var out []Deletable
	seen := map[string]bool{}
	live := map[string]map[string]bool{} // element kind (and column) -> live keys
	liveSet := func(name string, q string) (map[string]bool, error) {
		if set, ok := live[name]; ok {
			return set, nil
		}
		rows, err := ex.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		set := map[string]bool{}
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = v.String
			}
			set[strings.Join(parts, "\x00")] = true
		}
		live[name] = set
		return set, rows.Err()
	}
	for _, r := range executed {
		t, _ := targetOf(r)
		d := Deletable{CodeStructure: r.Structure, Element: t.element, Value: r.Source, IDTransfert: r.ID}
		var set map[string]bool
		var key string
		var err error
		switch t.element {
		case ElementUser:
			set, err = liveSet("users", st["live_users"])
			key = r.Source
		case ElementLieu:
			set, err = liveSet("lieux", st["live_lieux"])
			key = r.Structure + "\x00" + r.Source
		case ElementValue:
			d.Table, d.Column = t.table, t.column
			var q string
			if q, err = splice(st["live_values"], t); err == nil {
				set, err = liveSet("values "+t.table+"."+t.column, q)
			}
			key = r.Structure + "\x00" + r.Source
		}
		if err != nil {
			return nil, fmt.Errorf("deletable sources of transfer %s: %w", r.ID, err)
		}
		k := strings.Join([]string{d.CodeStructure, d.Element, d.Table, d.Column, d.Value}, "\x00")
		if set[key] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out, nil
}
