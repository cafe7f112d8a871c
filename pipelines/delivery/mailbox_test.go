package delivery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/delivery/smtptest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestMondayMailbox: through a real loopback SMTP server, the director's
// email carries the message file as its body (not attached) and the
// dashboard attached; each qualifying counsellor (actif, conseiller_referent)
// receives their own list only, with its message; an account that no longer
// qualifies receives nothing; every delivery is in the ledger.
func TestMondayMailbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t, false)
	w := warehousetest.Open(t)
	_, err := w.DB.ExecContext(ctx, `INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, email, fonctions, etat) VALUES
		('U1', 'c.dupre', 'ML33A', 'Chloé', 'Dupré', 'c.dupre@ml33a.test', ['conseiller_referent'], 'actif'),
		('U2', 'a.accueil', 'ML33A', 'Anne', 'Morel', 'a.morel@ml33a.test', ['validateur'], 'actif'),
		('U3', 'h.benoit', 'ML33A', 'Hélène', 'Benoît', 'h.benoit@ml33a.test', ['conseiller_referent'], 'desactive'),
		('U4', 'p.roux', 'ML33A', 'Paul', 'Roux', NULL, ['conseiller_referent'], 'actif')`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := []File{
		{Path: write("tableau-de-bord-ML33A-2026-11-23.pdf", "%PDF dashboard"), Audience: "ML33A"},
		{Path: write("courriel-ML33A-2026-11-23.txt", "Bonjour,\n\nEn bref :\n- 39 constats ouverts, en hausse de 12.\n"), Audience: "ML33A"},
		{Path: write("constats-U1-2026-11-23.pdf", "%PDF U1"), Audience: Counsellor("U1")},
		{Path: write("courriel-conseiller-U1-2026-11-23.txt", "Bonjour,\n\nVoici vos 3 constats.\n"), Audience: Counsellor("U1")},
		{Path: write("constats-U2-2026-11-23.pdf", "%PDF U2"), Audience: Counsellor("U2")},
		{Path: write("constats-U3-2026-11-23.pdf", "%PDF U3"), Audience: Counsellor("U3")},
		{Path: write("constats-U4-2026-11-23.pdf", "%PDF U4"), Audience: Counsellor("U4")},
	}
	counsellors, err := Counsellors(ctx, w, files)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(counsellors); !strings.Contains(got, "conseiller_U1") || !strings.Contains(got, "conseiller_U4") || len(counsellors) != 2 {
		t.Fatalf("counsellor recipients %v, want U1 and U4 (actif, conseiller_referent)", got)
	}
	recipients := append([]Recipient{{ID: "direction_ML33A", Email: "dir@ml33a.test", Structure: "ML33A"}}, counsellors...)
	now := time.Date(2026, 11, 23, 7, 5, 0, 0, warehouse.Paris)
	d := &Deliverer{W: w, Outbox: filepath.Join(dir, "outbox"), Now: func() time.Time { return now },
		SMTP: loopbackSMTP(srv)}
	b := Batch{Job: "weekly_control", ScheduledFor: time.Date(2026, 11, 23, 7, 0, 0, 0, warehouse.Paris),
		Subject: "vigie : contrôle hebdomadaire", Body: "Bonjour,\n\nVous trouverez ci-joint les fichiers.", Files: files}
	if _, err := d.Deliver(ctx, b, recipients); err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	attached := map[string][]string{}
	for _, m := range srv.Messages() {
		bodies[m.To[0]] = smtptest.Body(t, m.Data)
		_, att := smtptest.Attachments(t, m.Data)
		for name := range att {
			attached[m.To[0]] = append(attached[m.To[0]], name)
		}
	}
	if len(bodies) != 2 {
		t.Fatalf("messages to %v, want the director and U1", bodies)
	}
	if body := bodies["dir@ml33a.test"]; !strings.Contains(body, "39 constats ouverts, en hausse de 12.") || strings.Contains(body, "ci-joint les fichiers") ||
		!strings.Contains(body, "tableau-de-bord-ML33A-2026-11-23.pdf") {
		t.Errorf("director's body:\n%s", body)
	}
	if fmt.Sprint(attached["dir@ml33a.test"]) != "[tableau-de-bord-ML33A-2026-11-23.pdf]" {
		t.Errorf("director's attachments %v", attached["dir@ml33a.test"])
	}
	if !strings.Contains(bodies["c.dupre@ml33a.test"], "Voici vos 3 constats.") || fmt.Sprint(attached["c.dupre@ml33a.test"]) != "[constats-U1-2026-11-23.pdf]" {
		t.Errorf("U1 received %v:\n%s", attached["c.dupre@ml33a.test"], bodies["c.dupre@ml33a.test"])
	}
	// U4 has no email: the outbox copy only.
	if _, err := os.Stat(filepath.Join(d.OutboxDir(counsellors[1], b), "constats-U4-2026-11-23.pdf")); err != nil {
		t.Errorf("U4's outbox copy: %v", err)
	}
	rows, err := w.DB.QueryContext(ctx, `SELECT recipient, file, channel FROM delivery_ledger WHERE status = 'sent' ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ledger []string
	for rows.Next() {
		var r, f, c string
		if err := rows.Scan(&r, &f, &c); err != nil {
			t.Fatal(err)
		}
		ledger = append(ledger, r+" "+f+" "+c)
	}
	want := []string{
		"conseiller_U1 constats-U1-2026-11-23.pdf email", "conseiller_U1 constats-U1-2026-11-23.pdf outbox",
		"conseiller_U1 courriel-conseiller-U1-2026-11-23.txt email", "conseiller_U1 courriel-conseiller-U1-2026-11-23.txt outbox",
		"conseiller_U4 constats-U4-2026-11-23.pdf outbox",
		"direction_ML33A courriel-ML33A-2026-11-23.txt email", "direction_ML33A courriel-ML33A-2026-11-23.txt outbox",
		"direction_ML33A tableau-de-bord-ML33A-2026-11-23.pdf email", "direction_ML33A tableau-de-bord-ML33A-2026-11-23.pdf outbox",
	}
	if strings.Join(ledger, "\n") != strings.Join(want, "\n") {
		t.Errorf("ledger:\n%s\nwant\n%s", strings.Join(ledger, "\n"), strings.Join(want, "\n"))
	}
}
