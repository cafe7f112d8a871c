package main

import (
	"github.com/spf13/cobra"
)

func init() { register(newRunsCmd) }

func newRunsCmd(a *app) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "Show the history of the commands that changed the warehouse",
		Long: `Show every recorded run, newest first: id, command, arguments, start, end,
status (running, done, refused, failed, cancelled, timed_out), the per-file
counts of an ingestion and the error, if any.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			if limit <= 0 {
				return usagef("", "--limit must be positive, got %d", limit)
			}
			ctx := cmd.Context()
			w, err := a.openWarehouseReadOnly(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := w.DB.QueryContext(ctx, `
SELECT r.id, r.command, r.arguments, r.job, r.scheduled_for, r.started_at, r.ended_at, r.status,
       (SELECT string_agg(f.table_name || ' ' || f.rows_read || '/' || f.rows_loaded || '/' || f.rows_quarantined, ', ' ORDER BY f.table_name)
          FROM run_files f WHERE f.run_id = r.id) AS files_read_loaded_quarantined,
       r.error
FROM runs r ORDER BY r.id DESC LIMIT ?`, limit)
			if err != nil {
				return err
			}
			t, err := readTable(rows)
			if err != nil {
				return err
			}
			return t.write(a.stdout, a.format)
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "how many runs to show")
	addFormatFlag(cmd, a)
	return cmd
}
