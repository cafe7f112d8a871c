package schedules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/delivery"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Recipients returns the configured people as delivery recipients:
// direction_<structure> for each director, analyste_<id> for each analyst.
func (c *Config) DeliveryRecipients() []delivery.Recipient {
	var rs []delivery.Recipient
	for _, d := range c.Recipients.Directors {
		rs = append(rs, delivery.Recipient{ID: "direction_" + d.Structure, Name: d.Name, Email: string(d.Email), Structure: d.Structure})
	}
	for _, a := range c.Recipients.Analysts {
		rs = append(rs, delivery.Recipient{ID: "analyste_" + a.ID, Name: a.Name, Email: string(a.Email), Analyst: true})
	}
	return rs
}

func (s *Scheduler) deliverer(w *warehouse.Warehouse) *delivery.Deliverer {
	return &delivery.Deliverer{W: w, Outbox: s.Config.Outbox, SMTP: s.SMTP, Now: s.Clock.Now, Log: s.Log}
}

// deliver hands the run's outputs to their recipients, unless the freshness
// gate holds them back; it returns the ledger state to record.
func (s *Scheduler) deliver(ctx context.Context, w *warehouse.Warehouse, j *Job, at time.Time, outputs []Output) (string, delivery.Result, error) {
	var res delivery.Result
	if j.FreshnessGate {
		fresh, why, err := s.Fresh(ctx, w, at)
		if err != nil {
			return StateDeliveryFailed, res, err
		}
		if !fresh {
			return s.hold(ctx, w, j, at, why)
		}
	}
	if len(outputs) == 0 {
		return StateDone, res, nil
	}
	b := delivery.Batch{Job: j.Name, ScheduledFor: at, Subject: subject(j, at),
		Body: "Bonjour,\n\nVous trouverez ci-joint les fichiers produits par vigie (" + frenchJob(j) + ", " + frenchDate(at) + ").",
	}
	for _, o := range outputs {
		b.Files = append(b.Files, delivery.File{Path: o.Path, Audience: o.Audience})
	}
	// What was fit when written may not be now (an archiving, an account
	// disabled since): checked at every delivery, retries included.
	files, held, err := delivery.Withhold(ctx, w, b.Files, s.Clock.Now())
	if err != nil {
		return StateDeliveryFailed, res, err
	}
	for _, h := range held {
		s.log().Warn("fichier retenu, non livré", "job", j.Name, "file", filepath.Base(h.File.Path), "audience", h.File.Audience, "why", h.Why)
	}
	b.Files = files
	outputs = outputs[:0:0]
	for _, f := range files {
		outputs = append(outputs, Output{Path: f.Path, Audience: f.Audience})
	}
	recipients := s.Config.DeliveryRecipients()
	people, err := delivery.FileRecipients(ctx, w, b.Files)
	if err != nil {
		return StateDeliveryFailed, res, err
	}
	recipients = append(recipients, people...)
	var bad []string
	for _, c := range people {
		if c.BadEmail {
			bad = append(bad, c.ID)
		}
	}
	if len(bad) > 0 {
		s.log().Warn("destinataires sans adresse électronique utilisable (utilisateurs, compte de la console) : boîte de dépôt seulement", "recipients", strings.Join(bad, ","))
	}
	var nobody []string
	for _, o := range outputs {
		if !hasRecipient(o, recipients) && (len(nobody) == 0 || nobody[len(nobody)-1] != o.Audience) {
			nobody = append(nobody, o.Audience)
		}
	}
	if len(nobody) > 0 {
		s.log().Warn("fichiers sans destinataire dans la configuration pour ces publics", "job", j.Name, "audiences", strings.Join(nobody, ","))
	}
	d := s.deliverer(w)
	err = s.retry(ctx, "livraison", func() error {
		r, err := d.Deliver(ctx, b, recipients)
		res.Sent += r.Sent
		res.Failed += r.Failed
		if res.Skipped == 0 {
			res.Skipped = r.Skipped
		}
		return err
	})
	if err != nil {
		return StateDeliveryFailed, res, fmt.Errorf("livraison : %w", err)
	}
	return StateDone, res, nil
}

func hasRecipient(o Output, rs []delivery.Recipient) bool {
	for _, r := range rs {
		if delivery.For(delivery.File{Path: o.Path, Audience: o.Audience}, r) {
			return true
		}
	}
	return false
}

// ErrStale is wrapped by the refusal recorded when the freshness gate holds
// a run's reports back.
var ErrStale = errors.New("rapports retenus : la dernière extraction n'est pas assez récente")

// Fresh tells whether the latest ingestion is recent enough, relative to at,
// to send reports; why says, in French, what is wrong when it is not.
func (s *Scheduler) Fresh(ctx context.Context, w *warehouse.Warehouse, at time.Time) (bool, string, error) {
	text, err := s.sqlText(w, "latest_ingest.sql")
	if err != nil {
		return false, "", err
	}
	var status, msg string
	var started time.Time
	err = w.DB.QueryRowContext(ctx, text).Scan(&status, &started, &msg)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, "aucune extraction n'a encore été chargée", nil
		}
		return false, "", fmt.Errorf("lecture du dernier chargement : %w", err)
	}
	started = fromLocalTimestamp(started)
	if status != warehouse.StatusDone {
		return false, fmt.Sprintf("la dernière extraction (chargement du %s) a été refusée ou a échoué (statut %s)", started.In(paris).Format("02/01/2006 15:04"), status), nil
	}
	maxAge := time.Duration(s.Config.FreshnessMaxAge)
	if age := at.Sub(started); age > maxAge {
		return false, fmt.Sprintf("la dernière extraction date du %s, soit plus de %s avant l'exécution prévue", started.In(paris).Format("02/01/2006 15:04"), frenchDuration(maxAge)), nil
	}
	return true, "", nil
}

// hold keeps the run's reports back and tells the analysts why, by a message
// file delivered to them (outbox and email).
func (s *Scheduler) hold(ctx context.Context, w *warehouse.Warehouse, j *Job, at time.Time, why string) (string, delivery.Result, error) {
	var res delivery.Result
	path := s.alertPath(j, at)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return StateDeliveryFailed, res, fmt.Errorf("création du dossier de l'exécution : %w", err)
	}
	text := fmt.Sprintf("vigie — rapports retenus\n\nTâche : %s (%s)\nExécution prévue : %s\n\nLes rapports de cette exécution n'ont pas été envoyés aux directions : %s.\n\n"+
		"Déposez une extraction récente dans le dossier d'arrivée (avec son fichier _READY) ; une fois chargée, relancez :\n  vigie schedule run %s --for \"%s\" --force\n",
		frenchJob(j), j.Name, frenchDate(at), why, j.Name, at.In(paris).Format("2006-01-02 15:04"))
	if err := writeFileAtomic(path, []byte(text)); err != nil {
		return StateDeliveryFailed, res, err
	}
	res, err := s.deliverAlert(ctx, w, j, at, path, "Les rapports de cette exécution sont retenus : "+why+".")
	s.log().Warn("rapports retenus : extraction trop ancienne ou refusée", "job", j.Name, "for", warehouse.LocalTimestamp(at))
	if err != nil {
		// Still held: a failed alert is no reason to send the reports (a
		// delivery resumed later would send them, made from stale data).
		// The failure is in the run record and the delivery ledger.
		return StateHeld, res, warehouse.Refused(fmt.Errorf("%w : %s ; l'alerte aux analystes n'a pas pu être livrée : %w", ErrStale, why, err))
	}
	return StateHeld, res, warehouse.Refused(fmt.Errorf("%w : %s", ErrStale, why))
}

// alertPath is the freshness alert file of a held run.
func (s *Scheduler) alertPath(j *Job, at time.Time) string {
	return filepath.Join(s.Config.WorkDir, j.Name, at.In(paris).Format("2006-01-02_1504"), "ALERTE_fraicheur_"+at.In(paris).Format("2006-01-02")+".txt")
}

// deliverAlert sends a held run's alert file to the analysts (those who
// have it already are skipped: the ledger's exactly-once).
func (s *Scheduler) deliverAlert(ctx context.Context, w *warehouse.Warehouse, j *Job, at time.Time, path, body string) (delivery.Result, error) {
	var res delivery.Result
	b := delivery.Batch{Job: j.Name, ScheduledFor: at, Subject: "vigie : rapports retenus (" + frenchJob(j) + ", " + frenchDate(at) + ")",
		Body: "Bonjour,\n\n" + body, Files: []delivery.File{{Path: path, Audience: delivery.Analysts}}}
	d := s.deliverer(w)
	err := s.retry(ctx, "alerte de fraîcheur", func() error {
		r, err := d.Deliver(ctx, b, s.Config.DeliveryRecipients())
		res.Sent += r.Sent
		res.Failed += r.Failed
		return err
	})
	return res, err
}

// retryAlert tries again, DeliveryRetryEvery after the last try, the alert
// of a held run that some analyst never got; it tells whether one is still
// pending.
func (s *Scheduler) retryAlert(ctx context.Context, w *warehouse.Warehouse, j *Job, at, now time.Time) (bool, error) {
	text, err := s.sqlText(w, "alert_pending.sql")
	if err != nil {
		return false, err
	}
	var n int
	var last sql.NullTime
	if err := w.DB.QueryRowContext(ctx, text, j.Name, warehouse.LocalTimestamp(at)).Scan(&n, &last); err != nil {
		return false, fmt.Errorf("read the alert's deliveries: %w", err)
	}
	path := s.alertPath(j, at)
	if _, err := os.Stat(path); n == 0 || err != nil {
		return false, nil
	}
	if last.Valid && now.Sub(fromLocalTimestamp(last.Time)) < DeliveryRetryEvery {
		return true, nil
	}
	s.log().Info("nouvel essai de l'alerte de fraîcheur", "job", j.Name, "for", warehouse.LocalTimestamp(at))
	res, err := s.deliverAlert(ctx, w, j, at, path, "Les rapports de cette exécution sont retenus : le fichier joint dit pourquoi.")
	return res.Failed > 0 || err != nil, err
}

func writeFileAtomic(path string, data []byte) error { return atomic.WriteBytes(path, 0o600, data) }
