package delivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/delivery/smtptest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// writeRandom writes a file of random bytes and returns its SHA-256.
func writeRandom(t *testing.T, path string, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// loopbackSMTP is the configuration of the loopback test server: STARTTLS
// with its certificate, authenticated.
func loopbackSMTP(srv *smtptest.Server) *SMTPConfig {
	return &SMTPConfig{Host: "127.0.0.1", Port: srv.Port, TLS: TLSStartTLS, Username: smtptest.User, Password: smtptest.Password,
		From: "vigie@arml.test", TLSConfig: &tls.Config{RootCAs: srv.CA, ServerName: "localhost"}}
}

func TestDeliverSMTPExactlyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t, false)
	w := warehousetest.Open(t)
	dir := t.TempDir()
	files := []File{
		{Path: filepath.Join(dir, "liste_asp_ML33A.pdf"), Audience: "ML33A"},
		{Path: filepath.Join(dir, "liste_asp_ML64B.pdf"), Audience: "ML64B"},
		{Path: filepath.Join(dir, "classeur_regional.xlsx"), Audience: Analysts},
	}
	sums := map[string]string{}
	for i, f := range files {
		sums[filepath.Base(f.Path)] = writeRandom(t, f.Path, 20000+i*1000)
	}
	recipients := []Recipient{
		{ID: "direction_ML33A", Name: "Direction ML33A", Email: "dir@ml33a.test", Structure: "ML33A"},
		{ID: "direction_ML64B", Name: "Direction Béarn", Email: "dir@ml64b.test", Structure: "ML64B"},
		{ID: "direction_ML87C", Email: "dir@ml87c.test", Structure: "ML87C"}, // no file this week
		{ID: "analyste_a1", Name: "Analyste", Email: "a1@arml.test", Analyst: true},
	}
	now := time.Date(2026, 4, 7, 7, 5, 0, 0, warehouse.Paris)
	d := &Deliverer{W: w, Outbox: filepath.Join(dir, "outbox"), Now: func() time.Time { return now },
		SMTP: loopbackSMTP(srv)}
	b := Batch{Job: "weekly_control", ScheduledFor: time.Date(2026, 4, 7, 7, 0, 0, 0, warehouse.Paris),
		Subject: "vigie : contrôle hebdomadaire du 7 avril 2026", Body: "Bonjour,\n\nVoici les fichiers de la semaine.", Files: files}

	srv.FailOnce("dir@ml64b.test")
	res, err := d.Deliver(ctx, b, recipients)
	if err == nil || !strings.Contains(err.Error(), "direction_ML64B") {
		t.Fatalf("first delivery: err = %v, want the ML64B failure", err)
	}
	if res.Failed != 1 || res.Sent != 5 { // 3 outbox copies + 2 emails
		t.Errorf("first delivery: %+v", res)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d messages after first delivery, want 2", n)
	}
	// The retry sends only to ML64B.
	res, err = d.Deliver(ctx, b, recipients)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if res.Sent != 1 || res.Skipped != 5 || res.Failed != 0 {
		t.Errorf("retry: %+v", res)
	}
	// A third call sends nothing.
	if res, err = d.Deliver(ctx, b, recipients); err != nil || res.Sent != 0 {
		t.Errorf("third call: %+v, %v", res, err)
	}

	want := map[string][]string{
		"dir@ml33a.test": {"liste_asp_ML33A.pdf"},
		"dir@ml64b.test": {"liste_asp_ML64B.pdf"},
		"a1@arml.test":   {"classeur_regional.xlsx"},
	}
	got, subjects := srv.Received(t, sums)
	for _, subject := range subjects {
		if !strings.Contains(subject, "contrôle hebdomadaire") {
			t.Errorf("subject %q", subject)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("received %v\nwant %v (each once)", got, want)
	}
	// Outbox copies are intact, 0600, one folder per recipient.
	for _, r := range recipients {
		for _, f := range files {
			p := filepath.Join(d.OutboxDir(r, b), filepath.Base(f.Path))
			st, err := os.Stat(p)
			if !For(f, r) {
				if err == nil {
					t.Errorf("%s got %s in its outbox", r.ID, filepath.Base(f.Path))
				}
				continue
			}
			if err != nil {
				t.Fatalf("outbox: %v", err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v", p, st.Mode().Perm())
			}
			if s, _ := fileSHA256(p); s != sums[filepath.Base(f.Path)] {
				t.Errorf("%s corrupted", p)
			}
		}
	}
	// The ledger: one sent row per recipient, file and channel; the failure kept.
	rows, err := w.DB.QueryContext(ctx, `SELECT recipient, channel, status, count(*) FROM delivery_ledger GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var r, c, s string
		var n int
		if err := rows.Scan(&r, &c, &s, &n); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, r+" "+c+" "+s+" "+string(rune('0'+n)))
	}
	wantLedger := "analyste_a1 email sent 1|analyste_a1 outbox sent 1|direction_ML33A email sent 1|direction_ML33A outbox sent 1|direction_ML64B email failed 1|direction_ML64B email sent 1|direction_ML64B outbox sent 1"
	if strings.Join(lines, "|") != wantLedger {
		t.Errorf("ledger:\n%s\nwant\n%s", strings.Join(lines, "|"), wantLedger)
	}
}

func TestDeliverRefusesWrongPassword(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, false)
	w := warehousetest.Open(t)
	dir := t.TempDir()
	f := File{Path: filepath.Join(dir, "r.pdf"), Audience: "ML33A"}
	writeRandom(t, f.Path, 100)
	d := &Deliverer{W: w, Outbox: filepath.Join(dir, "out"),
		SMTP: &SMTPConfig{Host: "127.0.0.1", Port: srv.Port, TLS: TLSStartTLS, Username: smtptest.User, Password: "wrong",
			From: "vigie@arml.test", TLSConfig: &tls.Config{RootCAs: srv.CA, ServerName: "localhost"}}}
	_, err := d.Deliver(context.Background(), Batch{Job: "j", ScheduledFor: time.Now(), Subject: "s", Files: []File{f}},
		[]Recipient{{ID: "direction_ML33A", Email: "d@x.test", Structure: "ML33A"}})
	if err == nil || !strings.Contains(err.Error(), "authentification refusée") {
		t.Fatalf("err = %v, want an authentication failure", err)
	}
	// Without trusting the self-signed certificate, STARTTLS fails.
	d.SMTP.Password = smtptest.Password
	d.SMTP.TLSConfig = nil
	d.SMTP.Host = "localhost"
	if _, err := d.Deliver(context.Background(), Batch{Job: "j2", ScheduledFor: time.Now(), Subject: "s", Files: []File{f}},
		[]Recipient{{ID: "direction_ML33A", Email: "d@x.test", Structure: "ML33A"}}); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("a message was accepted")
	}
}

// Implicit TLS (port 465 style): the attachment arrives intact, and the
// same files of the same run to the same recipient keep one Message-ID.
func TestDeliverImplicitTLS(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, true)
	w := warehousetest.Open(t)
	dir := t.TempDir()
	f := File{Path: filepath.Join(dir, "liste_asp_ML33A.pdf"), Audience: "ML33A"}
	sum := writeRandom(t, f.Path, 5000)
	r := Recipient{ID: "direction_ML33A", Email: "d@ml33a.test", Structure: "ML33A"}
	b := Batch{Job: "weekly_control", ScheduledFor: time.Date(2026, 5, 26, 7, 0, 0, 0, warehouse.Paris), Subject: "vigie : contrôle hebdomadaire", Files: []File{f}}
	d := &Deliverer{W: w, Outbox: filepath.Join(dir, "out"),
		SMTP: &SMTPConfig{Host: "127.0.0.1", Port: srv.Port, TLS: TLSImplicit, Username: smtptest.User, Password: smtptest.Password,
			From: "vigie@arml.test", TLSConfig: &tls.Config{RootCAs: srv.CA, ServerName: "localhost"}}}
	if res, err := d.Deliver(context.Background(), b, []Recipient{r}); err != nil || res.Sent != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	if _, att := smtptest.Attachments(t, msgs[0].Data); att["liste_asp_ML33A.pdf"] != sum {
		t.Errorf("attachment corrupted or missing: %v", att)
	}
	id := func(data []byte) string {
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return m.Header.Get("Message-ID")
	}
	again, err := BuildMessage("vigie@arml.test", r, b, b.Files, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := id(msgs[0].Data); got == "" || got != id(again) {
		t.Errorf("Message-ID %q then %q", got, id(again))
	}
	other := r
	other.ID = "direction_ML64B"
	if third, _ := BuildMessage("vigie@arml.test", other, b, b.Files, time.Now()); id(third) == id(again) {
		t.Error("two recipients share a Message-ID")
	}
}
