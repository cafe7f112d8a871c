// Package subscriptions sends the analyses accounts of the console subscribed
// to: each day (07:30, the subscriptions job), every subscription due that
// day — the daily ones, the weekly ones on Mondays, the monthly ones the 1st,
// or the next run when that one was missed (Due) —
// has its analysis run over its subscriber's own scope on a copy of the
// warehouse taken for the run, written as a workbook, and delivered to that
// subscriber only, with an email body saying what was sent and what was not.
//
// A subscription is sent only while its account may still open the analysis
// as the console would let it (accounts.Analysis.Subscribable): enabled, its
// password not expired, the analysis still its own or in the catalogue.
package subscriptions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// QueryFunc runs one read-only statement typed by a user over a scope of the
// warehouse file at path: one structure's rows, or the region's ("") — the
// console's SQL engine (console/data), in a child process.
type QueryFunc func(ctx context.Context, path, structure, sqlText string) (*warehouse.Table, error)

// Options are one run's.
type Options struct {
	// For is the scheduled instant: it decides which subscriptions are due.
	For time.Time
	// Job is the scheduled job running the step: its earlier runs of the
	// week or month tell whether a weekly or monthly subscription went
	// already ("" : none did).
	Job string
	// Out is the folder of the files (one sub-folder per subscriber).
	Out string
	// Query runs the analyses; nil refuses the run.
	Query QueryFunc
	// Now is when the results are computed (time.Now when nil): a run by
	// hand or caught up later says so.
	Now func() time.Time
	Log *slog.Logger
}

// Result says what a run wrote, for whom.
type Result struct {
	// BySubscriber are the files of each subscriber's login: workbooks and
	// the email's body.
	BySubscriber map[string][]string
	// Sent counts the workbooks written, Withheld the due subscriptions not
	// sent (account disabled, password expired, analysis no longer open,
	// query failed).
	Sent, Withheld int
}

// History tells, for the period that starts at since, whether an earlier
// run of the subscriptions job sent its files, and whether one was missed
// (the daemon down at its instant, or the run failed or was interrupted).
type History func(since time.Time) (sent, missed bool)

// Due tells whether a subscription of frequency f is sent at instant at
// (Europe/Paris): daily ones at every run; weekly ones on Mondays, monthly
// ones on the 1st — and on a later day of the week (month) when that day's
// run was missed and no run since sent them: a Monday the daemon missed is
// made up once.
func Due(f string, at time.Time, h History) bool {
	start, ok := periodStart(f, at)
	switch {
	case !ok:
		return f == accounts.Daily
	case start.Equal(day(at)):
		return true
	}
	sent, missed := h(start)
	return missed && !sent
}

// day is at's Paris date at midnight.
func day(at time.Time) time.Time {
	l := at.In(warehouse.Paris)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, warehouse.Paris)
}

// periodStart is the start of the week (Monday) or of the month (the 1st)
// of at, for a weekly or monthly subscription; ok is false for the others.
func periodStart(f string, at time.Time) (time.Time, bool) {
	d := day(at)
	switch f {
	case accounts.Weekly:
		return d.AddDate(0, 0, -(int(d.Weekday())+6)%7), true
	case accounts.Monthly:
		return d.AddDate(0, 0, 1-d.Day()), true
	}
	return time.Time{}, false
}

// ErrNoQuery is a run without the console's SQL engine wired.
var ErrNoQuery = errors.New("abonnements : moteur de requêtes de la console non branché")

// Parallel is how many subscribers are served at once: the console's limit
// of query children (console/data.MaxRunningQueries), the machine's two
// cores.
const Parallel = 2

// queryBudget is what one analysis may take (the console's query timeout,
// and the start of its child process): an analysis is not started when the
// run's deadline is nearer.
const queryBudget = 70 * time.Second

// Run sends the subscriptions due at o.For. Without a console beside the
// warehouse (no accounts store), there is nothing to send.
func Run(ctx context.Context, w *warehouse.Warehouse, o Options) (*Result, error) {
	res := &Result{BySubscriber: map[string][]string{}}
	if o.Query == nil {
		return nil, ErrNoQuery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	store, err := accounts.OpenExisting(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), w.SQL)
	if err != nil || store == nil {
		return res, err
	}
	defer store.Close()
	all, err := store.Subscriptions(ctx, "")
	if err != nil {
		return nil, err
	}
	history, err := historyOf(ctx, w, o)
	if err != nil {
		return nil, err
	}
	byLogin := map[string][]accounts.Subscription{}
	var logins []string
	for _, s := range all {
		if !Due(s.Frequence, o.For, history) {
			continue
		}
		if len(byLogin[s.Login]) == 0 {
			logins = append(logins, s.Login)
		}
		byLogin[s.Login] = append(byLogin[s.Login], s)
	}
	if len(logins) == 0 {
		return res, nil
	}
	r := &run{o: o, w: w, store: store, res: res, day: o.For.In(warehouse.Paris).Format(time.DateOnly)}
	if r.loaded, err = dataLoaded(ctx, w); err != nil {
		return nil, err
	}
	// One copy of the warehouse for every subscriber: each analysis runs on
	// the same data, never on the file being written. It holds identities:
	// it lives in the warehouse's private temporary folder, which the next
	// opening removes if this run is killed.
	tmp, err := w.MkdirTemp("abonnements")
	if err != nil {
		return nil, fmt.Errorf("abonnements : %w", err)
	}
	defer os.RemoveAll(tmp)
	r.copyPath = filepath.Join(tmp, "entrepot.duckdb")
	if err := w.SnapshotTo(ctx, r.copyPath); err != nil {
		return nil, fmt.Errorf("abonnements : copie de l'entrepôt : %w", err)
	}
	// Parallel subscribers at a time: each analysis is a child process
	// building its subscriber's copy of the data, one core each.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(logins))
	turns := make(chan struct{}, Parallel)
	var wg sync.WaitGroup
	for i, login := range logins {
		select {
		case turns <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-turns; wg.Done() }()
			if errs[i] = r.sendOne(ctx, login, byLogin[login]); errs[i] != nil {
				cancel() // the run fails: no need to compute the others
			}
		}()
	}
	wg.Wait()
	// The first failure, not the cancellations it caused in the others.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	log.Debug("abonnements", "sent", res.Sent, "withheld", res.Withheld, "subscribers", len(res.BySubscriber))
	return res, nil
}

// run is one run's state.
type run struct {
	mu       sync.Mutex // res, written by the subscribers served at once
	o        Options
	w        *warehouse.Warehouse
	store    *accounts.Store
	res      *Result
	day      string    // the instant's Paris date, in file names
	loaded   time.Time // when the data was loaded
	copyPath string    // the copy the analyses run on
}

// sendOne writes one subscriber's workbooks and email body.
func (r *run) sendOne(ctx context.Context, login string, subs []accounts.Subscription) error {
	acc, err := r.store.Get(ctx, login)
	if err != nil {
		return err
	}
	if acc.Disabled {
		// A disabled account receives nothing, not even a message.
		r.count(0, len(subs))
		return nil
	}
	dir := filepath.Join(r.o.Out, login)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("abonnements : %w", err)
	}
	scope, structure := "toute la région", ""
	if accounts.StructureScoped(acc.Profil) {
		scope, structure = r.structureLabel(ctx, acc.CodeStructure), acc.CodeStructure
	}
	var lines []reports.SubscriptionLine
	var files []string
	for _, s := range subs {
		line := reports.SubscriptionLine{Titre: s.Analysis.Titre, Frequence: accounts.FrequencyLabel(s.Frequence)}
		if !s.Analysis.OpenTo(acc) {
			// Its current title is its author's draft, no business of the
			// subscriber: its number only, as the console's page says it.
			line.Titre = "Analyse n° " + strconv.FormatInt(s.Analysis.ID, 10)
		}
		switch {
		case acc.PasswordExpired(r.o.For):
			line.Why = "votre mot de passe a expiré : changez-le dans la console pour recevoir à nouveau vos abonnements"
		case !s.Analysis.Subscribable(acc):
			line.Why = "l'analyse n'est plus partagée avec vous (son auteur l'a modifiée ou retirée de la mallette)"
		case tooLate(ctx):
			line.Why = "le temps de la tâche était écoulé avant son tour : elle sera calculée au prochain envoi"
		}
		if line.Why == "" {
			t, qerr := r.o.Query(ctx, r.copyPath, structure, s.Analysis.SQL)
			switch {
			case qerr != nil && ctx.Err() != nil:
				return ctx.Err()
			case qerr != nil:
				// Not the engine's message: it may quote a value of a row.
				line.Why = "la requête a échoué ; ouvrez l'analyse dans la console pour voir pourquoi"
			default:
				path, err := r.write(ctx, login, dir, scope, s.Analysis, t)
				if err != nil {
					return err
				}
				line.File, line.Rows, line.Truncated = filepath.Base(path), len(t.Rows), t.Truncated
				files = append(files, path)
			}
		}
		if line.File == "" {
			r.count(0, 1)
		}
		lines = append(lines, line)
	}
	msg := filepath.Join(dir, reports.MessagePrefix+"abonnements-"+r.day+".txt")
	body := reports.SubscriptionMessage(r.o.Now(), r.loaded, scope, structure == "", lines)
	if err := atomic.WriteBytes(msg, 0o600, []byte(body)); err != nil {
		return err
	}
	r.mu.Lock()
	r.res.BySubscriber[login] = append(files, msg)
	r.mu.Unlock()
	return nil
}

// write writes one analysis's result and audits it.
func (r *run) write(ctx context.Context, login, dir, scope string, a accounts.Analysis, t *warehouse.Table) (string, error) {
	path := filepath.Join(dir, "analyse-"+strconv.FormatInt(a.ID, 10)+"-"+r.day+".xlsx")
	res := reports.AnalysisResult{Titre: a.Titre, Description: a.Description, Scope: scope, At: r.o.Now(), Loaded: r.loaded,
		Columns: t.Columns, Types: t.Types, Rows: t.Rows, Truncated: t.Truncated, Bars: a.Affichage == accounts.DisplayBars}
	if err := reports.WriteAnalysis(path, res); err != nil {
		return "", fmt.Errorf("abonnements : %w", err)
	}
	r.count(1, 0)
	return path, r.store.Audit(ctx, login, "abonnement_calcule", a.Label()+" : "+french.Count(int64(len(t.Rows)), "ligne", "lignes"), "vigie")
}

// count adds to the result's counts.
func (r *run) count(sent, withheld int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Sent += sent
	r.res.Withheld += withheld
}

// tooLate tells whether the run's deadline is too near to start an analysis.
func tooLate(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < queryBudget
}

// structureLabel is « Mission Locale de … (ML-16001) », or the code alone
// when the warehouse does not name it.
func (r *run) structureLabel(ctx context.Context, code string) string {
	text, err := sqlfiles.Read(r.w.SQL, "subscriptions/structure_name.sql")
	var nom sql.NullString
	if err == nil && r.w.DB.QueryRowContext(ctx, text, code).Scan(&nom) == nil && nom.String != "" {
		return nom.String + " (" + code + ")"
	}
	return "structure " + code
}

// dataLoaded is when the latest successful ingestion started (zero: none).
func dataLoaded(ctx context.Context, w *warehouse.Warehouse) (time.Time, error) {
	text, err := sqlfiles.Read(w.SQL, "subscriptions/data_loaded.sql")
	if err != nil {
		return time.Time{}, err
	}
	var t sql.NullTime
	if err := w.DB.QueryRowContext(ctx, text).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("abonnements : date des données : %w", err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	// runs.started_at holds Paris wall-clock time.
	v := t.Time
	return time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, warehouse.Paris), nil
}

// historyOf reads the schedule ledger for Due, once for the week and once
// for the month of o.For.
func historyOf(ctx context.Context, w *warehouse.Warehouse, o Options) (History, error) {
	type answer struct{ sent, missed bool }
	known := map[string]answer{}
	if o.Job != "" {
		text, err := sqlfiles.Read(w.SQL, "subscriptions/sent_since.sql")
		if err != nil {
			return nil, err
		}
		for _, f := range []string{accounts.Weekly, accounts.Monthly} {
			start, _ := periodStart(f, o.For)
			var a answer
			if err := w.DB.QueryRowContext(ctx, text, o.Job, warehouse.LocalTimestamp(start), warehouse.LocalTimestamp(o.For)).Scan(&a.sent, &a.missed); err != nil {
				return nil, fmt.Errorf("abonnements : lecture des exécutions précédentes : %w", err)
			}
			known[warehouse.LocalTimestamp(start)] = a
		}
	}
	return func(since time.Time) (bool, bool) {
		a := known[warehouse.LocalTimestamp(since)]
		return a.sent, a.missed
	}, nil
}
