package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/console"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newServeCmd) }

type serveOptions struct {
	addr, tlsCert, tlsKey, reports, schedules string
	poll, lockWait                            time.Duration
	secureCookies, trustProxy                 bool
}

func (o *serveOptions) validate() error {
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return usagef("par exemple --addr 127.0.0.1:8080", "--addr %q n'est pas une adresse HOTE:PORT", o.addr)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usagef("donnez --tls-cert et --tls-key ensemble", "HTTPS demande le certificat et sa clé")
	}
	if o.poll < 100*time.Millisecond || o.poll > time.Minute {
		return usagef("par exemple --poll 5s", "--poll %s hors des bornes (100ms à 1m)", o.poll)
	}
	return nil
}

func newServeCmd(a *app) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the console: the regional BI portal in the browser",
		Long: `Serve the console (contract/console.md): dashboards of the controls per
structure and for the region, findings with filters and drill-down, the ASP
list and its PDF, exports, runs and deliveries, read-only SQL, with the
accounts of 'vigie users'.

The console reads a published read-only copy of the warehouse (a snapshot in
WAREHOUSE.console/snapshots), never the live file: the batches keep writing,
and each batch that changes the warehouse publishes a new snapshot when it
ends, which the console picks up within --poll. At start, when there is no
snapshot yet, it publishes one (waiting up to --lock-wait while a batch holds
the warehouse).

Without --tls-cert/--tls-key, serve on the loopback and put a TLS reverse
proxy in front (docs/console-nginx.conf; --secure-cookies then). SIGTERM
stops it gracefully. See docs/vigie-console.service for a systemd unit.`,
		Example: `  vigie serve --warehouse /var/lib/vigie/vigie.duckdb --reports /var/lib/vigie/rapports
  vigie serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return a.serve(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	cmd.Flags().StringVar(&o.tlsCert, "tls-cert", "", "certificate file (PEM) for HTTPS")
	cmd.Flags().StringVar(&o.tlsKey, "tls-key", "", "private key file (PEM) for HTTPS")
	cmd.Flags().StringVar(&o.reports, "reports", "", "folder of the produced reports (vigie report --out), offered for download")
	cmd.Flags().StringVar(&o.schedules, "schedules", "", "schedule definitions whose next runs are shown (default: the shipped ones)")
	cmd.Flags().DurationVar(&o.poll, "poll", 5*time.Second, "how often to look for a newer snapshot")
	cmd.Flags().DurationVar(&o.lockWait, "lock-wait", 2*time.Minute, "how long to wait at start while a batch holds the warehouse")
	cmd.Flags().BoolVar(&o.secureCookies, "secure-cookies", false, "mark cookies Secure behind a TLS reverse proxy (automatic with --tls-cert)")
	cmd.Flags().BoolVar(&o.trustProxy, "trust-proxy", false, "take the caller's address for the audit log from X-Real-IP when the request comes from the loopback (a reverse proxy)")
	return cmd
}

func (a *app) serve(ctx context.Context, o *serveOptions) error {
	notify := func(msg string) { fmt.Fprintln(a.stderr, msg) }
	if err := console.EnsureSnapshot(ctx, a.warehousePath, sqlfiles.FS(), o.lockWait, notify); err != nil {
		return err
	}
	defs, err := schedules.LoadDefinitions(o.schedules)
	if err != nil {
		return err
	}
	store, err := a.openAccounts(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	srv, err := console.New(ctx, console.Config{WarehousePath: a.warehousePath, Store: store, SQL: sqlfiles.FS(),
		Schedules: defs, ReportsDir: o.reports, PollInterval: o.poll, Secure: o.secureCookies || o.tlsCert != "", TrustProxy: o.trustProxy, Log: a.log})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s : %w", o.addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(a.stderr, "Console vigie : %s://%s/ (arrêt : Ctrl-C ou SIGTERM)\n", scheme, ln.Addr())
	errc := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			errc <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("console : %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("arrêt de la console : %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("console : %w", err)
	}
	a.log.Info("console stopped")
	return nil
}
