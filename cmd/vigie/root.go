package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/steps"
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
	lockWait      time.Duration
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

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "vigie",
		Short:         "Chargement, contrôles et rapports des Missions Locales",
		Long:          "vigie charge les extractions i-milo dans un entrepôt DuckDB, lance les contrôles des tableaux de bord,\nécrit les rapports PDF et Excel, et lance les lots d'archivage et de transferts.",
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
			return checkNowFlags(cmd)
		},
	}
	root.PersistentFlags().StringVar(&a.warehousePath, "warehouse", "vigie.duckdb", "fichier de l'entrepôt (ou $"+envWarehouse+")")
	root.PersistentFlags().DurationVar(&a.lockWait, "lock-wait", warehouse.DefaultLockWait, "durée pendant laquelle une commande qui écrit attend qu'un autre processus (une longue requête) libère l'entrepôt")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "écrit les messages de débogage sur la sortie d'erreur")
	root.SetFlagErrorFunc(flagError)
	frenchHelp(root)
	for _, b := range commandBuilders {
		root.AddCommand(b(a))
	}
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		for _, g := range append([]*cobra.Command{c}, c.Commands()...) {
			if g.RunE == nil && g.Run == nil && g.HasSubCommands() {
				groupCommand(g)
			}
		}
	}
	return root
}

// addFormatFlag adds --format to a command that prints a result set.
func addFormatFlag(cmd *cobra.Command, a *app) {
	cmd.Flags().StringVar(&a.format, "format", "table", "format de sortie : table, csv ou json")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewTextHandler(stderr, nil))}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	began := false
	markBegin(root, &began)
	err := root.ExecuteContext(ctx)
	var ce *childExit
	if errors.As(err, &ce) {
		return ce.code // the query process said it all
	}
	code := exitCode(err, began)
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Stopped by Ctrl-C or SIGTERM: DuckDB's and Go's words for it
		// (« context canceled », « INTERRUPT Error ») stay in the run record.
		fmt.Fprintln(stderr, "vigie : interrompu (Ctrl-C ou SIGTERM) : ce qui n'était pas terminé n'est pas enregistré (voir vigie runs)")
	case err != nil:
		fmt.Fprintf(stderr, "vigie : %v\n", err)
		var ue *usageError
		if code == exitUsage && !errors.As(err, &ue) {
			fmt.Fprintln(stderr, "voir « vigie --help »")
		}
	}
	return code
}

// env is what a step run from the command line runs with.
func (a *app) env(w *warehouse.Warehouse) steps.Env { return steps.Env{W: w, Log: a.log} }

// openWarehouse opens the warehouse for writing, migrating it.
func (a *app) openWarehouse(ctx context.Context) (*warehouse.Warehouse, error) {
	return warehouse.Open(ctx, a.warehousePath, sqlfiles.FS(), warehouse.LockWait(a.lockWait))
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
