package warehousetest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// StoppedRun plays the child process of a SIGTERM test: it opens the
// warehouse at path in a context SIGTERM cancels, sets *hook so that the
// first time the step named at begins it prints "<word> <at>" and waits for
// the signal, runs fn under a run record of command as every caller does
// (steps.Run), and prints "STATUS " and how the run ended. It returns the
// process's exit code.
func StoppedRun(path, command string, hook *func(string), word, at string,
	fn func(ctx context.Context, w *warehouse.Warehouse, runID int64) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var once sync.Once
	*hook = func(step string) {
		if step == at {
			once.Do(func() {
				fmt.Println(word, step)
				<-ctx.Done() // the parent's SIGTERM arrives during this step
			})
		}
	}
	err = w.Record(ctx, warehouse.RunInfo{Command: command}, func(id int64) error { return fn(ctx, w, id) })
	if cerr := w.Close(); cerr != nil {
		fmt.Fprintln(os.Stderr, cerr)
		return 1
	}
	fmt.Println("STATUS", warehouse.Classify(err))
	return 0
}
