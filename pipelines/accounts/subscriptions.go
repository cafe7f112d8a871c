package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Frequencies of a subscription: when the subscriptions step sends it.
const (
	Daily   = "quotidien"    // every day
	Weekly  = "hebdomadaire" // every Monday
	Monthly = "mensuel"      // the 1st of the month
)

// Frequencies lists them, most frequent first.
var Frequencies = []string{Daily, Weekly, Monthly}

// FrequencyLabel is a frequency as a page says it.
func FrequencyLabel(f string) string {
	switch f {
	case Daily:
		return "chaque jour"
	case Weekly:
		return "chaque lundi"
	case Monthly:
		return "le 1er du mois"
	}
	return f
}

// OpenTo tells whether acc may open a: its own, a validated one (every
// account with data, over its own scope), a proposed one for a valideur
// who decides on it. Nothing for admin, who reads no data.
func (a Analysis) OpenTo(acc Account) bool {
	if acc.Profil == Admin {
		return false
	}
	switch {
	case a.Owner == acc.Login:
		return true
	case a.Statut == AnalysisValidated:
		return true
	case a.Statut == AnalysisProposed:
		return acc.Profil == Valideur
	}
	return false
}

// Subscribable tells whether acc may subscribe to a: an analysis it may
// open that is its own or in the catalogue (not one it is only deciding on).
func (a Analysis) Subscribable(acc Account) bool {
	return a.OpenTo(acc) && (a.Owner == acc.Login || a.Statut == AnalysisValidated)
}

// Subscription is an account's subscription to an analysis.
type Subscription struct {
	Login     string
	Frequence string
	CreatedAt time.Time
	Analysis  Analysis
}

// Subscribe subscribes acc to a (or changes the frequency of its
// subscription). The frequency it has already changes nothing and is not
// audited.
func (s *Store) Subscribe(ctx context.Context, acc Account, a Analysis, frequence, addr string) error {
	switch {
	case !a.Subscribable(acc):
		return ErrNoAnalysis
	case frequence != Daily && frequence != Weekly && frequence != Monthly:
		return invalid(fmt.Sprintf("fréquence « %s » inconnue : « quotidien », « hebdomadaire » ou « mensuel »", frequence))
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var had string
		if err := tx.QueryRowContext(ctx, s.stmt("subscription_frequency"), acc.Login, a.ID).Scan(&had); err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		if had == frequence {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.stmt("upsert_subscription"), acc.Login, a.ID, frequence, s.now()); err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		action := "abonnement_cree"
		if had != "" {
			action = "abonnement_modifie" // a new frequency
		}
		return s.auditTx(ctx, tx, acc.Login, action, a.Label()+" ("+FrequencyLabel(frequence)+")", addr)
	})
}

// Unsubscribe ends login's subscription to a; ErrNoAnalysis when there was
// none.
func (s *Store) Unsubscribe(ctx context.Context, login string, a Analysis, addr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, s.stmt("delete_subscription"), login, a.ID)
		if err != nil {
			return fmt.Errorf("unsubscribe: %w", err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return fmt.Errorf("unsubscribe: %w", err)
			}
			return ErrNoAnalysis
		}
		return s.auditTx(ctx, tx, login, "abonnement_supprime", a.Label(), addr)
	})
}

// Subscriptions lists login's subscriptions ("" for every account's), by
// login then title.
func (s *Store) Subscriptions(ctx context.Context, login string) ([]Subscription, error) {
	rows, err := s.db.QueryContext(ctx, s.stmt("list_subscriptions"), login)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		var created int64
		a, err := scanAnalysis(prefixed{rows, []any{&sub.Login, &sub.Frequence, &created}})
		if err != nil {
			return nil, err
		}
		sub.Analysis = a
		sub.CreatedAt = time.Unix(created, 0)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// prefixed scans its own destinations first, then the caller's: a row that
// starts with other columns before an analysis's.
type prefixed struct {
	sc    interface{ Scan(...any) error }
	first []any
}

func (p prefixed) Scan(dest ...any) error {
	return p.sc.Scan(append(append([]any(nil), p.first...), dest...)...)
}
