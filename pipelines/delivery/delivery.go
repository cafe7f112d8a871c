// Package delivery hands the files a run produced to the people they are
// for: a copy in each recipient's outbox folder and, where configured, an
// email with the files attached. A ledger in the warehouse records who
// received which file, when, by which channel and with which SHA-256, so a
// retry sends only what has not arrived yet.
package delivery

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// Channels of a delivery.
const (
	ChannelOutbox = "outbox"
	ChannelEmail  = "email"
)

// Statuses of a delivery attempt.
const (
	StatusSent   = "sent"
	StatusFailed = "failed"
)

// Analysts is the audience of a file meant for the regional analysts.
const Analysts = "analysts"

// CounsellorAudience prefixes the audience of a counsellor's files; the rest
// is their id_utilisateur (see Counsellor).
const CounsellorAudience = "conseiller:"

// Counsellor is the audience of the files of the counsellor whose
// id_utilisateur is id.
func Counsellor(id string) string { return CounsellorAudience + id }

// SubscriberAudience prefixes the audience of the files of a console
// account's subscriptions; the rest is its login (see Subscriber).
const SubscriberAudience = "abonne:"

// Subscriber is the audience of the files of the console account login.
func Subscriber(login string) string { return SubscriberAudience + login }

// IsSubscriber tells whether audience is a subscriber's, and whose.
func IsSubscriber(audience string) (login string, ok bool) {
	login, ok = strings.CutPrefix(audience, SubscriberAudience)
	return login, ok && login != ""
}

// IsCounsellor tells whether audience is a counsellor's, and whose.
func IsCounsellor(audience string) (id string, ok bool) {
	id, ok = strings.CutPrefix(audience, CounsellorAudience)
	return id, ok && id != ""
}

// Recipient is someone files are delivered to.
type Recipient struct {
	// ID names the recipient in the ledger and its outbox folder
	// (letters, digits, - and _).
	ID    string
	Name  string
	Email string // "" for outbox only
	// Structure is the structure whose files a director receives; "" for an
	// analyst.
	Structure string
	Analyst   bool
	// Counsellor is the id_utilisateur of a counsellor, who receives the
	// list of the findings on their own dossiers only.
	Counsellor string
	// Subscriber is the login of a console account, who receives the results
	// of its own subscriptions only.
	Subscriber string
	// BadEmail: the address the source system holds for this recipient is
	// no usable address; the outbox only.
	BadEmail bool
}

// File is a produced file and whom it is for: a structure code (its
// director) or Analysts.
type File struct {
	Path     string
	Audience string
}

// Batch is what one scheduled run delivers.
type Batch struct {
	Job          string
	ScheduledFor time.Time
	Subject      string // French
	Body         string // French, the file list is appended
	Files        []File
}

// Deliverer delivers batches.
type Deliverer struct {
	W      *warehouse.Warehouse
	Outbox string      // root of the per-recipient outbox folders
	SMTP   *SMTPConfig // nil: outbox only
	Now    func() time.Time
	Log    *slog.Logger
}

// Result counts what a Deliver call did.
type Result struct {
	Sent    int // file × recipient × channel delivered now
	Skipped int // already delivered before
	Failed  int
}

// safeID is a recipient id that is one plain name of a folder: letters,
// digits, -, _ and dots (a login's), never first (no "." or "..").
var safeID = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)

// For tells whether file f is meant for recipient r: a director receives only
// their structure's files, an analyst only the analysts' files.
// A counsellor receives only their own list, a subscriber only its own
// subscriptions.
func For(f File, r Recipient) bool {
	if id, ok := IsCounsellor(f.Audience); ok {
		return r.Counsellor == id
	}
	if login, ok := IsSubscriber(f.Audience); ok {
		return r.Subscriber == login
	}
	if f.Audience == Analysts {
		return r.Analyst
	}
	return !r.Analyst && r.Counsellor == "" && r.Subscriber == "" && r.Structure != "" && r.Structure == f.Audience
}

// Deliver gives each recipient the batch's files meant for them, by outbox
// and by email, skipping what the ledger says they already received. It
// returns the joined errors of the deliveries that failed; calling it again
// retries only those.
func (d *Deliverer) Deliver(ctx context.Context, b Batch, recipients []Recipient) (Result, error) {
	var res Result
	sums := map[string]string{}
	for _, f := range b.Files {
		sum, err := fileSHA256(f.Path)
		if err != nil {
			return res, err
		}
		sums[f.Path] = sum
	}
	var errs []error
	for _, r := range recipients {
		if !safeID.MatchString(r.ID) {
			return res, fmt.Errorf("destinataire %q : identifiant fait de lettres, de chiffres, - et _ seulement", r.ID)
		}
		var mine []File
		for _, f := range b.Files {
			if For(f, r) {
				mine = append(mine, f)
			}
		}
		if len(mine) == 0 {
			continue
		}
		sent, err := d.sent(ctx, r, b)
		if err != nil {
			return res, err
		}
		// Outbox: one copy per file, recorded together.
		var copies []File
		for _, f := range mine {
			if sent[ledgerKey{filepath.Base(f.Path), ChannelOutbox}] {
				res.Skipped++
				continue
			}
			copies = append(copies, f)
		}
		copyErrs := d.copyToOutbox(r, copies, b)
		if rerr := d.recordAll(ctx, r, copies, sums, b, ChannelOutbox, copyErrs); rerr != nil {
			return res, rerr
		}
		for i, f := range copies {
			if copyErrs[i] != nil {
				res.Failed++
				errs = append(errs, fmt.Errorf("dépôt de %s pour %s : %w", filepath.Base(f.Path), r.ID, copyErrs[i]))
				continue
			}
			res.Sent++
		}
		// Email: one message with the files not yet received.
		if d.SMTP == nil || r.Email == "" {
			continue
		}
		var pending []File
		for _, f := range mine {
			if sent[ledgerKey{filepath.Base(f.Path), ChannelEmail}] {
				res.Skipped++
				continue
			}
			pending = append(pending, f)
		}
		if len(pending) == 0 {
			continue
		}
		err = d.SMTP.Send(ctx, r, withMessage(b, pending), attachments(pending), d.now())
		same := make([]error, len(pending))
		for i := range same {
			same[i] = err
		}
		if rerr := d.recordAll(ctx, r, pending, sums, b, ChannelEmail, same); rerr != nil {
			return res, rerr
		}
		if err != nil {
			res.Failed += len(pending)
			errs = append(errs, fmt.Errorf("courriel pour %s : %w", r.ID, err))
			if ctx.Err() != nil {
				return res, errors.Join(append(errs, ctx.Err())...)
			}
			continue
		}
		res.Sent += len(pending)
		if d.Log != nil {
			d.Log.Info("emailed", "recipient", r.ID, "files", len(pending), "job", b.Job)
		}
	}
	return res, errors.Join(errs...)
}

// IsMessage tells whether f is a message file (reports.MessagePrefix): the
// text of the email that carries the other files, sent as its body.
func IsMessage(f File) bool {
	base := filepath.Base(f.Path)
	return strings.HasPrefix(base, reports.MessagePrefix) && strings.HasSuffix(base, ".txt")
}

// withMessage returns b with the body of the message file among files, if
// any; a message file that cannot be read leaves the batch's own body.
func withMessage(b Batch, files []File) Batch {
	for _, f := range files {
		if !IsMessage(f) {
			continue
		}
		if text, err := os.ReadFile(f.Path); err == nil {
			b.Body = strings.TrimRight(string(text), "\n")
		}
	}
	return b
}

// attachments are the files other than message files.
func attachments(files []File) []File {
	var out []File
	for _, f := range files {
		if !IsMessage(f) {
			out = append(out, f)
		}
	}
	return out
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// ledgerKey is a file delivered by a channel.
type ledgerKey struct{ file, channel string }

// sent reads what the ledger says r already received of the batch.
func (d *Deliverer) sent(ctx context.Context, r Recipient, b Batch) (map[ledgerKey]bool, error) {
	q, err := sqlfiles.Read(d.W.SQL, "delivery/sent.sql")
	if err != nil {
		return nil, err
	}
	rows, err := d.W.DB.QueryContext(ctx, q, r.ID, b.Job, warehouse.LocalTimestamp(b.ScheduledFor))
	if err != nil {
		return nil, fmt.Errorf("read delivery ledger: %w", err)
	}
	defer rows.Close()
	out := map[ledgerKey]bool{}
	for rows.Next() {
		var k ledgerKey
		if err := rows.Scan(&k.file, &k.channel); err != nil {
			return nil, fmt.Errorf("read delivery ledger: %w", err)
		}
		out[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read delivery ledger: %w", err)
	}
	return out, nil
}

// recordAll records one attempt per file (sendErrs[i] for files[i]) in one
// transaction.
func (d *Deliverer) recordAll(ctx context.Context, r Recipient, files []File, sums map[string]string, b Batch, channel string, sendErrs []error) error {
	if len(files) == 0 {
		return nil
	}
	q, err := sqlfiles.Read(d.W.SQL, "delivery/record.sql")
	if err != nil {
		return err
	}
	// The ledger must be written even when the run's context is ending:
	// a delivery that happened and is not recorded would be sent again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := warehouse.LocalTimestamp(d.now())
	conn, err := d.W.DB.Conn(rctx)
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	defer conn.Close()
	return warehouse.InTx(rctx, conn, func(tx *sql.Tx) error {
		for i, f := range files {
			status, msg := StatusSent, any(nil)
			if sendErrs[i] != nil {
				status, msg = StatusFailed, sendErrs[i].Error()
			}
			_, err := tx.ExecContext(rctx, q, r.ID, filepath.Base(f.Path), sums[f.Path], b.Job, warehouse.LocalTimestamp(b.ScheduledFor),
				now, channel, status, msg)
			if err != nil {
				return fmt.Errorf("record delivery: %w", err)
			}
		}
		return nil
	})
}

// OutboxDir is the folder of recipient r's copy of the batch's files.
func (d *Deliverer) OutboxDir(r Recipient, b Batch) string {
	return filepath.Join(d.Outbox, r.ID, b.ScheduledFor.In(warehouse.Paris).Format("2006-01-02_1504")+"_"+b.Job)
}

// copyToOutbox copies files into r's outbox folder; errs[i] is the error
// of files[i]. The copies are synced together.
func (d *Deliverer) copyToOutbox(r Recipient, files []File, b Batch) []error {
	errs := make([]error, len(files))
	if len(files) == 0 {
		return errs
	}
	dir := d.OutboxDir(r, b)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("création du dossier de livraison : %w", err)
		}
		return errs
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = CopyFile(f.Path, filepath.Join(dir, filepath.Base(f.Path)))
		}()
	}
	wg.Wait()
	return errs
}

// CopyFile copies src to dst through a temporary file in dst's folder,
// synced and renamed, mode 0600: nobody ever sees half a file.
func CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	defer in.Close()
	return atomic.WriteFile(dst, 0o600, func(w io.Writer) error {
		if _, err := io.Copy(w, in); err != nil {
			return fmt.Errorf("copy %s: %w", filepath.Base(src), err)
		}
		return nil
	})
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
