package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// version is set by the Makefile with -ldflags -X.
var version = "dev"

// Exit statuses of cli.md.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	envWarehouse = "VIGIE_WAREHOUSE"
)

// app is what every command shares: the global flags, the streams and the logger.
type app struct {
	warehousePath string
	format        string
	verbose       bool
	stdin         io.Reader
	stdout        io.Writer
	stderr        io.Writer
	getenv        func(string) string
	log           *slog.Logger
}

// commandBuilders lists the sub-commands; each command file adds its own.
var commandBuilders []func(a *app) *cobra.Command

func register(b func(a *app) *cobra.Command) { commandBuilders = append(commandBuilders, b) }

// usageError is a wrong use of the command line: exit status 2, with a hint.
type usageError struct {
	message string
	hint    string
}

func (e *usageError) Error() string {
	if e.hint == "" {
		return e.message
	}
	return e.message + "\n" + e.hint
}

func usagef(hint, format string, args ...any) error {
	return &usageError{message: fmt.Sprintf(format, args...), hint: hint}
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "vigie",
		Short:         "Batch ETL and reporting pipeline of the Missions Locales",
		Long:          "vigie loads i-milo extractions into a DuckDB warehouse, runs the control dashboards,\nwrites the PDF and Excel reports, and runs the archiving and transfer batches.",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("warehouse") {
				if env := a.getenv(envWarehouse); env != "" {
					a.warehousePath = env
				}
			}
			level := slog.LevelInfo
			if a.verbose {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			return nil
		},
	}
	root.PersistentFlags().StringVar(&a.warehousePath, "warehouse", "vigie.duckdb", "warehouse file (or $"+envWarehouse+")")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log debug messages to standard error")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{message: err.Error(), hint: "see '" + cmd.CommandPath() + " --help'"}
	})
	for _, b := range commandBuilders {
		root.AddCommand(b(a))
	}
	return root
}

// addFormatFlag adds --format to a command that prints a result set.
func addFormatFlag(cmd *cobra.Command, a *app) {
	cmd.Flags().StringVar(&a.format, "format", "table", "output format: table, csv or json")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewTextHandler(stderr, nil))}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "vigie: %v\n", err)
		if !errors.As(err, &ue) {
			fmt.Fprintln(stderr, "see 'vigie --help'")
		}
		return exitUsage
	}
	fmt.Fprintf(stderr, "vigie: %v\n", err)
	return exitFailed
}

// isCobraUsage recognises cobra's own argument errors (unknown command,
// wrong number of arguments), which it does not type.
func isCobraUsage(err error) bool {
	m := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(m, p) {
			return true
		}
	}
	return false
}

// openWarehouse opens the warehouse for writing, migrating it.
func (a *app) openWarehouse(ctx context.Context) (*warehouse.Warehouse, error) {
	return warehouse.Open(ctx, a.warehousePath, sqlfiles.FS())
}

// openWaiting opens an existing warehouse for writing, waiting at most wait
// for another process that holds it (a batch that only reads it whole:
// backup, export).
func (a *app) openWaiting(ctx context.Context, wait time.Duration) (*warehouse.Warehouse, error) {
	if err := requireFile(a.warehousePath); err != nil {
		return nil, err
	}
	return warehouse.OpenWaiting(ctx, a.warehousePath, sqlfiles.FS(), wait)
}

// openWarehouseReadOnly opens an existing warehouse for reading.
func (a *app) openWarehouseReadOnly(ctx context.Context) (*warehouse.Warehouse, error) {
	if err := requireFile(a.warehousePath); err != nil {
		return nil, err
	}
	return warehouse.OpenReadOnly(ctx, a.warehousePath, sqlfiles.FS())
}
