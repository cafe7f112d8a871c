package main

import (
	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newQueryCmd) }

func newQueryCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query SQL",
		Short: "Run a read-only SQL query on the warehouse",
		Long: `Run one read-only SQL statement on the warehouse and print its result.

The tables carry the names and columns of the extract format (see
contract/extract-format.md), plus runs, run_files, quarantine, and the tables
of the controls and batches. Any statement that writes, attaches another
database or touches a file is refused.`,
		Example: `  vigie query "SELECT code_structure, count(*) FROM dossiers GROUP BY ALL"
  vigie query --format csv "SELECT * FROM quarantine WHERE run_id = 3"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := requireFile(a.warehousePath); err != nil {
				return err
			}
			crashFile := a.getenv(envQueryEngine)
			if crashFile == "" {
				// The query runs in a child process: a crash of the engine
				// there leaves this one to say so.
				return a.superviseQuery(ctx, []string{"--warehouse", a.warehousePath, "--lock-wait", a.lockWait.String(), "query", "--format", a.format, args[0]})
			}
			if err := crashOutput(crashFile); err != nil {
				return err
			}
			w, err := warehouse.OpenQuery(ctx, a.warehousePath, sqlfiles.FS())
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := warehouse.Query(ctx, w.DB, args[0])
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
	addFormatFlag(cmd, a)
	return cmd
}
