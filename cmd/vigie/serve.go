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
		Short: "Lance la console : le portail décisionnel de la région dans le navigateur",
		Long: `Lance la console (contract/console.md) : tableaux de bord des contrôles par
structure et pour la région, constats avec filtres et détail, liste ASP et son
PDF, exports, exécutions et livraisons, SQL en lecture seule, avec les comptes
de « vigie users ».

La console lit une copie publiée en lecture seule de l'entrepôt (un instantané
dans ENTREPOT.console/snapshots), jamais le fichier vivant : les lots continuent
d'écrire, et chaque lot qui modifie l'entrepôt publie un nouvel instantané en
finissant, que la console prend en compte dans le délai --poll. Au démarrage,
s'il n'y a pas encore d'instantané, elle en publie un (en attendant au plus
--lock-wait qu'un lot libère l'entrepôt).

Sans --tls-cert/--tls-key, servez sur l'interface locale (loopback) derrière un
proxy inverse TLS (docs/console-nginx.conf ; alors avec --secure-cookies).
SIGTERM l'arrête proprement. Voir docs/vigie-console.service pour une unité
systemd.`,
		Example: `  vigie serve --warehouse /var/lib/vigie/vigie.duckdb --reports /var/lib/vigie/rapports
  vigie serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return a.serve(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "adresse d'écoute, HOTE:PORT")
	cmd.Flags().StringVar(&o.tlsCert, "tls-cert", "", "fichier du certificat (PEM) pour HTTPS")
	cmd.Flags().StringVar(&o.tlsKey, "tls-key", "", "fichier de la clé privée (PEM) pour HTTPS")
	cmd.Flags().StringVar(&o.reports, "reports", "", "dossier des rapports produits (vigie report --out), proposés au téléchargement")
	cmd.Flags().StringVar(&o.schedules, "schedules", "", "planifications (YAML) dont les prochaines exécutions sont affichées (par défaut : celles livrées avec vigie)")
	cmd.Flags().DurationVar(&o.poll, "poll", 5*time.Second, "intervalle entre deux recherches d'un instantané plus récent")
	cmd.Flags().DurationVar(&o.lockWait, "lock-wait", 2*time.Minute, "attente maximale au démarrage quand un lot tient l'entrepôt")
	cmd.Flags().BoolVar(&o.secureCookies, "secure-cookies", false, "marque les cookies Secure derrière un proxy inverse TLS (automatique avec --tls-cert)")
	cmd.Flags().BoolVar(&o.trustProxy, "trust-proxy", false, "prend l'adresse de l'appelant, pour le journal d'audit, dans X-Real-IP quand la requête vient de l'interface locale (un proxy inverse)")
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
	a.log.Info("console arrêtée")
	return nil
}
