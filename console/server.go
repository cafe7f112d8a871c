// Package console is the web console of vigie (`vigie serve`): the regional
// BI portal of the Missions Locales, with accounts, profiles and isolation
// (contract/console.md).
//
// It reads a published read-only snapshot of the warehouse (snapshots.go),
// never the live file, and the accounts store (pipelines/accounts) on every
// request. Every page and API handler takes the account and its scope from
// the request context (auth.go); the data it shows comes from console/data,
// whose functions take the scope and bind it into their SQL.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
)

//go:embed static templates
var assets embed.FS

// CGUVersion is the version of the terms of use shipped with this vigie: an
// account accepts it at its first login and again when it changes.
const CGUVersion = "2026-12"

// Config is what the console needs.
type Config struct {
	WarehousePath string
	Store         *accounts.Store
	SQL           fs.FS
	// Schedules are the schedule definitions whose next runs are shown.
	Schedules *schedules.Definitions
	// ReportsDir is where the produced reports are (vigie report --out); "" for none.
	ReportsDir string
	// PollInterval is how often the snapshots folder is looked at.
	PollInterval time.Duration
	// Secure marks cookies Secure (under TLS, or behind a TLS proxy).
	Secure bool
	// TrustProxy takes the caller's address for the audit log from the
	// X-Real-IP header of a reverse proxy on the loopback.
	TrustProxy bool
	// CGUVersion overrides the shipped version (tests).
	CGUVersion string
	Now        func() time.Time
	Log        *slog.Logger
}

// Server is a running console.
type Server struct {
	cfg   Config
	snaps *snapshots
	pages *pageTemplates
	mux   http.Handler
	stop  context.CancelFunc
	done  chan struct{}
}

// New starts a console: it opens the newest published snapshot (there must
// be one: see EnsureSnapshot) and polls for newer ones until Close.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 5 * time.Second
	}
	if cfg.CGUVersion == "" {
		cfg.CGUVersion = CGUVersion
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: pages, done: make(chan struct{}),
		snaps: &snapshots{dir: warehouse.SnapshotsDir(cfg.WarehousePath), sqlFS: cfg.SQL, log: cfg.Log, prepare: prepare, warm: warm}}
	if err := s.snaps.refresh(ctx); err != nil {
		return nil, err
	}
	s.routes()
	pctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	go func() {
		defer close(s.done)
		s.snaps.poll(pctx, cfg.PollInterval)
	}()
	return s, nil
}

// Handler is the console's HTTP handler.
func (s *Server) Handler() http.Handler { return securityHeaders(s.mux, s.cfg.Secure) }

// Close stops polling and closes the snapshot.
func (s *Server) Close() {
	s.stop()
	<-s.done
	s.snaps.close()
}

// Refresh looks for a newer snapshot now (tests; the poll does it otherwise).
func (s *Server) Refresh(ctx context.Context) error { return s.snaps.refresh(ctx) }

// PrepareDir creates the console's folders beside the warehouse (mode 0700):
// from then on, every batch that changes the warehouse publishes a snapshot.
func PrepareDir(warehousePath string) error {
	if err := os.MkdirAll(warehouse.SnapshotsDir(warehousePath), 0o700); err != nil {
		return fmt.Errorf("dossier de la console : %w", err)
	}
	for _, d := range []string{warehouse.ConsoleDir(warehousePath), warehouse.SnapshotsDir(warehousePath)} {
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("dossier de la console : %w", err)
		}
	}
	return nil
}

// EnsureSnapshot publishes a snapshot when none exists yet, opening the
// warehouse for a moment. While a batch holds the warehouse it waits, up to
// wait, telling the user through notify (French).
func EnsureSnapshot(ctx context.Context, warehousePath string, sqlFS fs.FS, wait time.Duration, notify func(string)) error {
	if err := PrepareDir(warehousePath); err != nil {
		return err
	}
	if latest, err := warehouse.LatestSnapshot(warehouse.SnapshotsDir(warehousePath)); err != nil || latest != "" {
		return err
	}
	if _, err := os.Stat(warehousePath); err != nil {
		return fmt.Errorf("entrepôt %s introuvable : chargez d'abord une extraction (vigie ingest) ou lancez vigie demo : %w", warehousePath, err)
	}
	deadline := time.Now().Add(wait)
	for attempt := 0; ; attempt++ {
		w, err := warehouse.Open(ctx, warehousePath, sqlFS)
		if err == nil {
			_, perr := w.PublishSnapshot(ctx)
			return errors.Join(perr, w.Close())
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("l'entrepôt %s est occupé par un autre traitement depuis plus de %s : relancez vigie serve à la fin du traitement : %w", warehousePath, wait, err)
		}
		if attempt == 0 {
			notify(fmt.Sprintf("L'entrepôt est occupé par un autre traitement (vigie daemon, ingest…) : nouvel essai toutes les 2 secondes pendant %s au plus.", wait))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
