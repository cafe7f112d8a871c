package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
)

func init() { register(newDaemonCmd) }

func newDaemonCmd(a *app) *cobra.Command {
	var f scheduleFlags
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Run the scheduler: every job at its scheduled instants, exactly once",
		Long: `Run the scheduler until SIGTERM (or Ctrl-C): each job of the schedules runs
at its instants (Europe/Paris), each (job, instant) exactly once, its files
delivered to the configured recipients (outbox folders, email). Extraction
folders dropped into the inbox are ingested once their _READY file appears.

A lock file next to the warehouse (WAREHOUSE.daemon.lock) keeps a second
daemon from starting. Runs missed while the daemon was down are caught up
once (catch_up: once) or recorded as missed (catch_up: skip); both show in
'vigie runs'. On SIGTERM the step under way may finish (stop_grace), then the
run is recorded as cancelled and re-run once at the next start.

The configuration (folders, recipients, SMTP, catch-up, deadlines, retries;
a commented example is testdata/schedules/vigie.yaml) is checked at start-up,
and a director whose structure the warehouse does not know is refused. Reports
are held back, and the analysts told, when the latest extraction is older than
freshness_max_age or was refused. Who received which file, when and with which
SHA-256 is in the delivery_ledger table ('vigie query').

The warehouse is opened only while the daemon works, so 'vigie query' and
'vigie runs' can read it in between. See docs/vigie.service for a systemd unit.`,
		Example: `  VIGIE_SMTP_PASSWORD=... vigie daemon --warehouse /var/lib/vigie/vigie.duckdb --config /etc/vigie/vigie.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			a.log.Info("daemon started", "warehouse", a.warehousePath, "jobs", len(defs.Jobs), "catch_up", cfg.CatchUp)
			open := func(ctx context.Context) (*warehouse.Warehouse, error) { return a.openWarehouse(ctx) }
			if err := s.Run(cmd.Context(), open); err != nil {
				return fmt.Errorf("daemon: %w", err)
			}
			return nil
		},
	}
	f.add(cmd)
	return cmd
}
