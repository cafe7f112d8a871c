// Command vigie is the batch ETL and reporting pipeline of the Missions
// Locales: ingestion of i-milo extractions, controls, reports, archiving,
// transfers and their schedules.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
