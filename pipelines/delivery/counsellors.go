package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/arml-na/vigie/pipelines/email"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Counsellors returns the recipients of the counsellors' files among files:
// for each counsellor audience, the account if it is still `actif` and holds
// `conseiller_referent`, with its `utilisateurs.email` ("" for the outbox
// only). A counsellor whose account no longer qualifies receives nothing.
func Counsellors(ctx context.Context, w *warehouse.Warehouse, files []File) ([]Recipient, error) {
	q, err := sqlfiles.Read(w.SQL, "delivery/counsellors.sql")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Recipient
	for _, f := range files {
		id, ok := IsCounsellor(f.Audience)
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		var code, name string
		var email sql.NullString
		err := w.DB.QueryRowContext(ctx, q, id).Scan(&code, &name, &email)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read counsellor %s: %w", id, err)
		}
		r := Recipient{ID: "conseiller_" + reports.CounsellorKey(id), Name: name, Email: email.String, Structure: code, Counsellor: id}
		if r.Email != "" && !BareAddress(r.Email) {
			// An address typed in the case-management system, not checked
			// there: « a@@b », two addresses, a line break would send to a
			// wrong address or fail every retry. The outbox still gets the
			// list; the caller says which accounts lack a usable address.
			r.Email, r.BadEmail = "", true
		}
		out = append(out, r)
	}
	return out, nil
}

// BareAddress tells whether s is one bare email address (email.Bare).
func BareAddress(s string) bool { return email.Bare(s) }
