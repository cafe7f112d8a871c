package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/console"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newDaemonCmd) }

func newDaemonCmd(a *app) *cobra.Command {
	var f scheduleFlags
	// --serve: the console in the same process (vigie serve's options).
	so := &serveOptions{poll: 5 * time.Second}
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Lance le planificateur : chaque tâche à ses instants prévus, une seule fois",
		Long: `Lance le planificateur jusqu'à SIGTERM (ou Ctrl-C) : chaque tâche des
planifications s'exécute à ses instants (heure de Paris), chaque (tâche,
instant) une seule fois, ses fichiers livrés aux destinataires configurés
(boîtes d'envoi, courriel). Les dossiers d'extraction déposés dans le dossier
d'arrivée sont chargés dès que leur fichier _READY apparaît.

Un fichier verrou à côté de l'entrepôt (ENTREPOT.daemon.lock) empêche un second
démon de démarrer. Les exécutions manquées pendant l'arrêt du démon sont
rattrapées une fois (catch_up: once) ou notées manquées (catch_up: skip) ; les
deux se voient dans « vigie runs ». Sur SIGTERM, l'étape en cours peut finir
(stop_grace), puis l'exécution est notée annulée et relancée une fois au
démarrage suivant.

La configuration (dossiers, destinataires, SMTP, rattrapage, délais,
nouvelles tentatives ; exemple commenté : testdata/schedules/vigie.yaml) est
vérifiée au démarrage, comme les étapes des planifications (une étape non
déclarée est refusée avant la première exécution) ; une direction dont
l'entrepôt ne connaît pas la structure est refusée. Les rapports sont retenus,
et les analystes prévenus, quand la dernière extraction est plus ancienne que
freshness_max_age ou a été refusée. Qui a reçu quel fichier, quand et avec quel
SHA-256 est dans la table delivery_ledger (« vigie query »).

L'entrepôt n'est ouvert que pendant le travail du démon : « vigie query » et
« vigie runs » peuvent le lire entre-temps. Voir docs/vigie.service pour une
unité systemd.

Avec --serve HOTE:PORT, le démon sert aussi la console (comme « vigie serve »,
dans le même processus) : elle lit la copie publiée après chaque tâche qui a
changé l'entrepôt. Si la console ne peut pas démarrer (adresse prise), le
démon s'arrête avec elle.`,
		Example: `  VIGIE_SMTP_PASSWORD=... vigie daemon --warehouse /var/lib/vigie/vigie.duckdb --config /etc/vigie/vigie.yaml
  vigie daemon --config /etc/vigie/vigie.yaml --serve 127.0.0.1:8080 --reports /var/lib/vigie/rapports --secure-cookies`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if so.addr != "" {
				if err := so.validate(); err != nil {
					return err
				}
			}
			defs, cfg, err := f.load(a, true)
			if err != nil {
				return err
			}
			if cfg.LockWait > 0 && !cmd.Flags().Changed("lock-wait") {
				a.lockWait = time.Duration(cfg.LockWait)
			}
			s, err := newScheduler(a, defs, cfg, schedules.SystemClock{})
			if err != nil {
				return err
			}
			lock, err := schedules.AcquireLock(schedules.LockPath(a.warehousePath))
			if err != nil {
				return err
			}
			defer lock.Release()
			// The start-up check is short: a SIGTERM during it stops the
			// daemon right after, cleanly.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), time.Minute)
			defer cancel()
			w, err := a.openWarehouse(cctx)
			if err != nil {
				return err
			}
			err = checkRecipients(cctx, a, cfg, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			ctx, stop := context.WithCancel(cmd.Context())
			defer stop()
			var consoleDone chan error
			if so.addr != "" {
				// The first snapshot is published before any job opens the
				// warehouse in this process.
				so.lockWait, so.schedules = a.lockWait, f.schedules
				if err := console.EnsureSnapshot(ctx, a.warehousePath, sqlfiles.FS(), so.lockWait,
					func(msg string) { fmt.Fprintln(a.stderr, msg) }); err != nil {
					return err
				}
				consoleDone = make(chan error, 1)
				go func() {
					err := a.serve(ctx, so)
					stop() // a console that cannot serve stops the daemon with it
					consoleDone <- err
				}()
			}
			a.log.Info("démon démarré", "warehouse", a.warehousePath, "jobs", len(defs.Jobs), "catch_up", cfg.CatchUp, "console", so.addr)
			open := func(ctx context.Context) (*warehouse.Warehouse, error) { return a.openWarehouse(ctx) }
			err = s.Run(ctx, open)
			stop()
			if consoleDone != nil {
				if cerr := <-consoleDone; cerr != nil && err == nil {
					return cerr
				}
			}
			if err != nil {
				return fmt.Errorf("daemon: %w", err)
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&so.addr, "serve", "", "sert aussi la console à cette adresse HOTE:PORT (voir vigie serve)")
	cmd.Flags().StringVar(&so.reports, "reports", "", "avec --serve : dossier des rapports produits, proposés au téléchargement")
	cmd.Flags().BoolVar(&so.secureCookies, "secure-cookies", false, "avec --serve : cookies Secure, derrière un proxy inverse TLS")
	cmd.Flags().BoolVar(&so.trustProxy, "trust-proxy", false, "avec --serve : adresse de l'appelant prise dans X-Real-IP quand la requête vient du proxy local")
	return cmd
}
