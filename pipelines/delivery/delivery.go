// Package delivery hands the files a run produced to the people they are
// for: a copy in each recipient's outbox folder and, where configured, an
// email with the files attached. A ledger in the warehouse records who
// received which file, when, by which channel and with which SHA-256, so a
// retry sends only what has not arrived yet.
package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
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

var safeID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// For tells whether file f is meant for recipient r: a director receives only
// their structure's files, an analyst only the analysts' files.
func For(f File, r Recipient) bool {
	if f.Audience == Analysts {
		return r.Analyst
	}
	return !r.Analyst && r.Structure != "" && r.Structure == f.Audience
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
		// Outbox: one copy per file.
		for _, f := range mine {
			done, err := d.alreadySent(ctx, r, f, b, ChannelOutbox)
			if err != nil {
				return res, err
			}
			if done {
				res.Skipped++
				continue
			}
			err = d.copyToOutbox(r, f, b)
			if rerr := d.record(ctx, r, f, sums[f.Path], b, ChannelOutbox, err); rerr != nil {
				return res, rerr
			}
			if err != nil {
				res.Failed++
				errs = append(errs, fmt.Errorf("dépôt pour %s : %w", r.ID, err))
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
			done, err := d.alreadySent(ctx, r, f, b, ChannelEmail)
			if err != nil {
				return res, err
			}
			if done {
				res.Skipped++
				continue
			}
			pending = append(pending, f)
		}
		if len(pending) == 0 {
			continue
		}
		err := d.SMTP.Send(ctx, r, b, pending, d.now())
		for _, f := range pending {
			if rerr := d.record(ctx, r, f, sums[f.Path], b, ChannelEmail, err); rerr != nil {
				return res, rerr
			}
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

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deliverer) alreadySent(ctx context.Context, r Recipient, f File, b Batch, channel string) (bool, error) {
	q, err := sqlfiles.Read(d.W.SQL, "delivery/already_sent.sql")
	if err != nil {
		return false, err
	}
	var done bool
	err = d.W.DB.QueryRowContext(ctx, q, r.ID, filepath.Base(f.Path), b.Job, warehouse.LocalTimestamp(b.ScheduledFor), channel).Scan(&done)
	if err != nil {
		return false, fmt.Errorf("read delivery ledger: %w", err)
	}
	return done, nil
}

func (d *Deliverer) record(ctx context.Context, r Recipient, f File, sum string, b Batch, channel string, sendErr error) error {
	q, err := sqlfiles.Read(d.W.SQL, "delivery/record.sql")
	if err != nil {
		return err
	}
	status, msg := StatusSent, any(nil)
	if sendErr != nil {
		status, msg = StatusFailed, sendErr.Error()
	}
	// The ledger must be written even when the run's context is ending:
	// a delivery that happened and is not recorded would be sent again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, err = d.W.DB.ExecContext(rctx, q, r.ID, filepath.Base(f.Path), sum, b.Job, warehouse.LocalTimestamp(b.ScheduledFor),
		warehouse.LocalTimestamp(d.now()), channel, status, msg)
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}

// OutboxDir is the folder of recipient r's copy of the batch's files.
func (d *Deliverer) OutboxDir(r Recipient, b Batch) string {
	return filepath.Join(d.Outbox, r.ID, b.ScheduledFor.In(warehouse.Paris).Format("2006-01-02_1504")+"_"+b.Job)
}

func (d *Deliverer) copyToOutbox(r Recipient, f File, b Batch) error {
	dir := d.OutboxDir(r, b)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("création du dossier de livraison : %w", err)
	}
	return CopyFile(f.Path, filepath.Join(dir, filepath.Base(f.Path)))
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
