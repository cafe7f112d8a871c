package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

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

// BareAddress tells whether s is one bare email address (nom@domaine), as
// an SMTP envelope takes it: no display name, no second address, no line
// break.
func BareAddress(s string) bool {
	p, err := mail.ParseAddress(s)
	return err == nil && p.Name == "" && p.Address == s && !strings.ContainsAny(s, "\r\n,;<>")
}
