package delivery

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Subscribers returns the recipients of the subscribers' files among files:
// for each subscriber audience, the console account if it still exists and
// is enabled, with its email ("" for the outbox only). A disabled account
// receives nothing, also when a delivery is retried later.
func Subscribers(ctx context.Context, w *warehouse.Warehouse, files []File) ([]Recipient, error) {
	var logins []string
	seen := map[string]bool{}
	for _, f := range files {
		if login, ok := IsSubscriber(f.Audience); ok && !seen[login] {
			seen[login] = true
			logins = append(logins, login)
		}
	}
	if len(logins) == 0 {
		return nil, nil
	}
	store, err := accounts.OpenExisting(ctx, filepath.Join(warehouse.ConsoleDir(w.Path), accounts.FileName), w.SQL)
	if err != nil || store == nil {
		return nil, err
	}
	defer store.Close()
	var out []Recipient
	for _, login := range logins {
		acc, err := store.Get(ctx, login)
		if errors.Is(err, accounts.ErrNoAccount) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if acc.Disabled {
			continue
		}
		r := Recipient{ID: "abonne_" + login, Name: acc.Nom, Email: acc.Email, Subscriber: login}
		if r.Email != "" && !BareAddress(r.Email) {
			r.Email, r.BadEmail = "", true
		}
		out = append(out, r)
	}
	return out, nil
}

// FileRecipients are the people files are for beyond the configuration's
// directors and analysts: the counsellors of their lists and the console's
// subscribers.
func FileRecipients(ctx context.Context, w *warehouse.Warehouse, files []File) ([]Recipient, error) {
	cs, err := Counsellors(ctx, w, files)
	if err != nil {
		return nil, err
	}
	ss, err := Subscribers(ctx, w, files)
	return append(cs, ss...), err
}
