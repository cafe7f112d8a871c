package delivery

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
)

// Withheld is a file not delivered, and why (French).
type Withheld struct {
	File File
	Why  string
}

// Withhold returns the files still fit to be delivered now, and the others.
// A delivery can happen long after its files were written (a failed one is
// retried for a day, and resumed by hand at any time), and the world changes
// meanwhile:
//   - a nominative file (a structure's ASP list and workbook, a
//     subscription's result) written before a dossier it may name was
//     archived would bring that anonymised identity back: it is withheld, as
//     the console withholds it, and so is the email body that announces it;
//   - a subscription's files go only while the subscription still stands: the
//     account enabled, its password not expired, still subscribed to an
//     analysis it may subscribe to. Otherwise none of that subscriber's files
//     go, its email body included (it would announce them).
func Withhold(ctx context.Context, w *warehouse.Warehouse, files []File, now time.Time) (keep []File, held []Withheld, err error) {
	last, err := archive.LastArchivings(ctx, w)
	if err != nil {
		return nil, nil, err
	}
	var latest time.Time // the region's last archiving
	for _, t := range last {
		if t.After(latest) {
			latest = t
		}
	}
	subs, err := openSubscriptions(ctx, w, files)
	if err != nil {
		return nil, nil, err
	}
	if subs != nil {
		defer subs.store.Close()
	}
	heldSubscriber := map[string]string{}
	for _, f := range files {
		login, ok := IsSubscriber(f.Audience)
		if !ok || IsMessage(f) {
			continue
		}
		why, err := subs.why(ctx, login, f, now, last, latest)
		if err != nil {
			return nil, nil, err
		}
		if why != "" && heldSubscriber[login] == "" {
			heldSubscriber[login] = why
		}
	}
	heldStructure := map[string]string{}
	for _, f := range files {
		if !IsMessage(f) && reports.IsNominative(f.Audience, filepath.Base(f.Path)) {
			if why := archivedSince(f, last[f.Audience]); why != "" {
				heldStructure[f.Audience] = why
			}
		}
	}
	for _, f := range files {
		why := ""
		if login, ok := IsSubscriber(f.Audience); ok {
			why = heldSubscriber[login]
		} else if IsMessage(f) || reports.IsNominative(f.Audience, filepath.Base(f.Path)) {
			// The email body of a structure whose list is withheld would
			// announce it as attached: the batch's plain body goes instead.
			why = heldStructure[f.Audience]
			if !IsMessage(f) {
				why = archivedSince(f, last[f.Audience])
			}
		}
		if why != "" {
			held = append(held, Withheld{File: f, Why: why})
			continue
		}
		keep = append(keep, f)
	}
	return keep, held, nil
}

// archivedSince says why f is withheld when it was written before at (the
// last archiving of its structure); "" when it was not.
func archivedSince(f File, at time.Time) string {
	if at.IsZero() {
		return ""
	}
	fi, err := os.Stat(f.Path)
	if err != nil || fi.ModTime().After(at) {
		return ""
	}
	return "écrit avant l'archivage du " + at.Format("02/01/2006 à 15:04") + " : il pourrait nommer un dossier anonymisé depuis"
}

// subscriptions reads the console's accounts for Withhold.
type subscriptions struct {
	store *accounts.Store
	byKey map[string]accounts.Subscription // login + "/" + analysis id
}

// openSubscriptions opens the accounts store when files hold a subscriber's
// (nil otherwise, or when there is no store).
func openSubscriptions(ctx context.Context, w *warehouse.Warehouse, files []File) (*subscriptions, error) {
	some := false
	for _, f := range files {
		if _, ok := IsSubscriber(f.Audience); ok {
			some = true
		}
	}
	if !some {
		return nil, nil
	}
	store, err := accounts.OpenExisting(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), w.SQL)
	if err != nil || store == nil {
		return nil, err
	}
	all, err := store.Subscriptions(ctx, "")
	if err != nil {
		store.Close()
		return nil, err
	}
	s := &subscriptions{store: store, byKey: map[string]accounts.Subscription{}}
	for _, sub := range all {
		s.byKey[sub.Login+"/"+strconv.FormatInt(sub.Analysis.ID, 10)] = sub
	}
	return s, nil
}

// why says why subscriber login's file f may not go now; "" when it may.
func (s *subscriptions) why(ctx context.Context, login string, f File, now time.Time, last map[string]time.Time, latest time.Time) (string, error) {
	if s == nil {
		return "la console n'a plus de comptes", nil
	}
	acc, err := s.store.Get(ctx, login)
	switch {
	case errors.Is(err, accounts.ErrNoAccount):
		return "le compte n'existe plus", nil
	case err != nil:
		return "", err
	case acc.Disabled:
		return "le compte est désactivé", nil
	case acc.PasswordExpired(now):
		return "le mot de passe du compte a expiré", nil
	}
	// analyse-<id>-<yyyy-mm-dd>.xlsx
	id, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(f.Path), "analyse-"), "-")
	sub, ok := s.byKey[login+"/"+id]
	switch {
	case !ok:
		return "le compte s'est désabonné de l'analyse " + id, nil
	case !sub.Analysis.Subscribable(acc):
		return "l'analyse " + id + " n'est plus partagée avec le compte", nil
	}
	at := latest
	if accounts.StructureScoped(acc.Profil) {
		at = last[acc.CodeStructure]
	}
	return archivedSince(f, at), nil
}
