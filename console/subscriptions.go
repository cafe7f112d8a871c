package console

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
)

// Subscriptions (« abonnements »): an account receives the result of an
// analysis it may subscribe to (accounts.Analysis.Subscribable: its own, or
// one of the catalogue) each day, each Monday or the 1st of the month, as an
// XLSX file computed at sending time over its own scope, by email and in the
// outbox. The daemon sends them; the console subscribes, changes the
// frequency, unsubscribes, and lists them. The store decides who may
// subscribe to what and checks the frequency.

// subscriptionBox is the « Abonnement » part of an analysis's page.
type subscriptionBox struct {
	// Offer: the caller may subscribe to the analysis now; Active: its
	// subscription is sent (suspended otherwise: the analysis is no
	// longer shared with it).
	Offer, Active bool
	// Current is the caller's subscription to it (nil: none).
	Current *accounts.Subscription
	// Email is where the files go ("": the outbox only).
	Email string
	// Scope says over which data the result is computed.
	Scope string
}

// subscriptionOf finds login's subscription to the analysis id.
func (s *Server) subscriptionOf(r *http.Request, login string, id int64) (*accounts.Subscription, error) {
	subs, err := s.cfg.Store.Subscriptions(r.Context(), login)
	if err != nil {
		return nil, err
	}
	for i := range subs {
		if subs[i].Analysis.ID == id {
			return &subs[i], nil
		}
	}
	return nil, nil
}

func (s *Server) subscriptionBoxOf(r *http.Request, a accounts.Analysis) (subscriptionBox, error) {
	p := who(r)
	cur, err := s.subscriptionOf(r, p.acc.Login, a.ID)
	if err != nil {
		return subscriptionBox{}, err
	}
	ok := a.Subscribable(p.acc)
	return subscriptionBox{Offer: ok, Active: ok && cur != nil, Current: cur, Email: p.acc.Email, Scope: scopeText(p.scope)}, nil
}

// handleSubscribe subscribes the caller to the path's analysis, or changes
// the frequency of its subscription. An analysis it may not subscribe to is
// the same 404 as one it may not open; a catalogue analysis that names
// another structure than the caller's is the 403 of its page, which offers
// no subscription (it does not open on the caller's data).
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	a, ok := s.analysisFor(w, r)
	if !ok {
		return
	}
	p := who(r)
	err := s.withSnapshot(func(sn *snapshot) error { return data.CheckLiterals(r.Context(), sn.w, p.scope, a.SQL) })
	switch {
	case errors.Is(err, data.ErrForeignSQL):
		s.analysisPage(w, r, http.StatusForbidden, a, "", "") // says why, as a GET of it does
		return
	case err != nil:
		s.failData(w, r, err)
		return
	}
	err = s.cfg.Store.Subscribe(r.Context(), p.acc, a, r.PostFormValue("frequence"), s.clientAddr(r))
	var inv *accounts.InvalidError
	switch {
	case errors.As(err, &inv):
		s.analysisPage(w, r, http.StatusBadRequest, a, capital(inv.Message)+".", "")
		return
	case err != nil:
		s.storeFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/analyses/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// handleUnsubscribe ends the caller's subscription to the path's analysis.
// It looks among the caller's own subscriptions only, so that one whose
// analysis is no longer shared with it can still be ended, and says nothing
// of an analysis it is not subscribed to. Back to the analysis's page, or
// to /abonnements when asked from there or when the analysis no longer
// opens for the caller.
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.dataAccount(w, r) {
		return
	}
	const none = "vous n'avez aucun abonnement à cette analyse"
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, kindPage, http.StatusNotFound, none)
		return
	}
	p := who(r)
	sub, err := s.subscriptionOf(r, p.acc.Login, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if sub == nil {
		s.fail(w, r, kindPage, http.StatusNotFound, none)
		return
	}
	err = s.cfg.Store.Unsubscribe(r.Context(), p.acc.Login, sub.Analysis, s.clientAddr(r))
	switch {
	case errors.Is(err, accounts.ErrNoAnalysis): // ended meanwhile
		s.fail(w, r, kindPage, http.StatusNotFound, none)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	back := "/analyses/" + strconv.FormatInt(id, 10)
	if r.PostFormValue("retour") == "abonnements" || !sub.Analysis.OpenTo(p.acc) {
		back = "/abonnements"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// subscriptionRow is a line of /abonnements.
type subscriptionRow struct {
	accounts.Subscription
	// Open: the caller may open the analysis (its title and link are shown);
	// Active: it is still sent.
	Open, Active bool
}

type subscriptionsData struct {
	Rows         []subscriptionRow
	Email, Scope string
	// MayAuthor: the caller may have analyses of its own to subscribe to.
	MayAuthor bool
}

// handleSubscriptions lists the caller's subscriptions. One whose analysis
// it may no longer subscribe to (its author changed it, it left the
// catalogue) is shown suspended; when the caller may no longer open the
// analysis at all, its current title is not shown (it may be another's
// personal analysis now).
func (s *Server) handleSubscriptions(w http.ResponseWriter, r *http.Request) {
	if !s.dataAccount(w, r) {
		return
	}
	p := who(r)
	subs, err := s.cfg.Store.Subscriptions(r.Context(), p.acc.Login)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := subscriptionsData{Email: p.acc.Email, Scope: scopeText(p.scope), MayAuthor: mayAuthor(p.acc.Profil)}
	for _, sub := range subs {
		d.Rows = append(d.Rows, subscriptionRow{Subscription: sub, Open: sub.Analysis.OpenTo(p.acc), Active: sub.Analysis.Subscribable(p.acc)})
	}
	s.render(w, r, http.StatusOK, "subscriptions", pageData{Title: "Abonnements", Extra: d})
}
