// Package subscriptions sends the analyses accounts of the console subscribed
// to: each day (07:30, the subscriptions job), every subscription due that
// day — the daily ones, the weekly ones on Mondays, the monthly ones the 1st —
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
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/atomic"
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
	// Out is the folder of the files (one sub-folder per subscriber).
	Out string
	// Query runs the analyses; nil refuses the run.
	Query QueryFunc
	Log   *slog.Logger
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

// Due tells whether a subscription of frequency f is sent at instant at
// (Europe/Paris): daily ones every day, weekly ones on Mondays, monthly ones
// the 1st of the month.
func Due(f string, at time.Time) bool {
	local := at.In(warehouse.Paris)
	switch f {
	case accounts.Daily:
		return true
	case accounts.Weekly:
		return local.Weekday() == time.Monday
	case accounts.Monthly:
		return local.Day() == 1
	}
	return false
}

// ErrNoQuery is a run without the console's SQL engine wired.
var ErrNoQuery = errors.New("abonnements : moteur de requêtes de la console non branché")

// Run sends the subscriptions due at o.For. Without a console beside the
// warehouse (no accounts store), there is nothing to send.
func Run(ctx context.Context, w *warehouse.Warehouse, o Options) (*Result, error) {
	res := &Result{BySubscriber: map[string][]string{}}
	if o.Query == nil {
		return nil, ErrNoQuery
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
	byLogin := map[string][]accounts.Subscription{}
	var logins []string
	for _, s := range all {
		if !Due(s.Frequence, o.For) {
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
	// One copy of the warehouse for every subscriber: each analysis runs on
	// the same data, as the console's snapshot would show it, never on the
	// file being written.
	day := o.For.In(warehouse.Paris).Format(time.DateOnly)
	if err := os.MkdirAll(o.Out, 0o700); err != nil {
		return nil, fmt.Errorf("abonnements : %w", err)
	}
	loaded, err := dataLoaded(ctx, w)
	if err != nil {
		return nil, err
	}
	copyPath := filepath.Join(o.Out, ".entrepot-abonnements.duckdb")
	if err := w.SnapshotTo(ctx, copyPath); err != nil {
		return nil, fmt.Errorf("abonnements : copie de l'entrepôt : %w", err)
	}
	defer os.Remove(copyPath)
	for _, login := range logins {
		if err := sendOne(ctx, store, o, copyPath, day, loaded, login, byLogin[login], res); err != nil {
			return nil, err
		}
	}
	log.Debug("abonnements", "sent", res.Sent, "withheld", res.Withheld, "subscribers", len(res.BySubscriber))
	return res, nil
}

// sendOne writes one subscriber's workbooks and email body.
func sendOne(ctx context.Context, store *accounts.Store, o Options, copyPath, day string, loaded time.Time, login string, subs []accounts.Subscription, res *Result) error {
	acc, err := store.Get(ctx, login)
	if err != nil {
		return err
	}
	dir := filepath.Join(o.Out, login)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("abonnements : %w", err)
	}
	at := o.For
	scope, structure := "toute la région", ""
	if accounts.StructureScoped(acc.Profil) {
		scope, structure = "structure "+acc.CodeStructure, acc.CodeStructure
	}
	var lines []reports.SubscriptionLine
	var files []string
	for _, s := range subs {
		line := reports.SubscriptionLine{Titre: s.Analysis.Titre, Frequence: accounts.FrequencyLabel(s.Frequence)}
		switch {
		case acc.Disabled:
			// A disabled account receives nothing, not even a message.
			res.Withheld++
			continue
		case acc.PasswordExpired(at):
			line.Why = "votre mot de passe a expiré : changez-le dans la console pour recevoir à nouveau vos abonnements"
		case !s.Analysis.Subscribable(acc):
			line.Why = "l'analyse n'est plus partagée avec vous (son auteur l'a modifiée ou retirée de la mallette)"
		}
		if line.Why == "" {
			t, qerr := o.Query(ctx, copyPath, structure, s.Analysis.SQL)
			if qerr != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				// The first line of the engine's message: the rest (the
				// statement, a caret) is for the console's page.
				first, _, _ := strings.Cut(qerr.Error(), "\n")
				line.Why = "la requête a échoué (" + strings.TrimSpace(first) + ") : ouvrez l'analyse dans la console pour voir le détail"
			} else {
				name := "analyse-" + strconv.FormatInt(s.Analysis.ID, 10) + "-" + day + ".xlsx"
				path := filepath.Join(dir, name)
				r := reports.AnalysisResult{Titre: s.Analysis.Titre, Description: s.Analysis.Description, Scope: scope, At: at, Loaded: loaded,
					Columns: t.Columns, Types: t.Types, Rows: t.Rows, Truncated: t.Truncated, Bars: s.Analysis.Affichage == accounts.DisplayBars}
				if err := reports.WriteAnalysis(path, r); err != nil {
					return fmt.Errorf("abonnements : %w", err)
				}
				line.File, line.Rows, line.Truncated = name, len(t.Rows), t.Truncated
				files = append(files, path)
				res.Sent++
				if err := store.Audit(ctx, login, "abonnement_calcule", s.Analysis.Label()+" : "+strconv.Itoa(len(t.Rows))+" lignes", "vigie"); err != nil {
					return err
				}
			}
		}
		if line.File == "" {
			res.Withheld++
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil
	}
	msg := filepath.Join(dir, reports.MessagePrefix+"abonnements-"+day+".txt")
	if err := atomic.WriteBytes(msg, 0o600, []byte(reports.SubscriptionMessage(at, loaded, scope, lines))); err != nil {
		return err
	}
	res.BySubscriber[login] = append(files, msg)
	return nil
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
