package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The console stays up while the batches write: pages fetched in a loop by
// several clients while an ingestion, the controls and a transfers run write
// the warehouse, none failing or waiting more than 2 s; the new data shows
// after the batch ends and publishes its snapshot; superseded snapshots are
// deleted.
func TestPagesStayUpWhileBatchesWrite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	paths := []string{"/", "/constats?famille=RDV", "/api/v1/findings?limit=100", "/asp", "/region/executions"}
	clients := []*client{f.login(t, "ana"), f.login(t, "std-a"), f.login(t, "ana"), f.login(t, "av-a")}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	var slowest time.Duration
	requests := 0
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[(i+n)%len(paths)]
				if (i == 1 || i == 3) && p == "/region/executions" {
					p = "/constats"
				}
				start := time.Now()
				req, _ := http.NewRequest(http.MethodGet, c.base+p, nil)
				res, err := c.hc.Do(req)
				d := time.Since(start)
				mu.Lock()
				requests++
				if d > slowest {
					slowest = d
				}
				if err != nil {
					failures = append(failures, p+": "+err.Error())
				} else {
					if res.StatusCode != http.StatusOK {
						failures = append(failures, p+": "+res.Status)
					}
					res.Body.Close()
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	for _, asOf := range []string{"2026-11-30", "2026-12-07"} {
		w, err := warehouse.Open(ctx, f.wh, sqlfiles.FS())
		if err != nil {
			t.Fatal(err)
		}
		if err := runIngest(ctx, w); err != nil {
			t.Fatal(err)
		}
		day, _ := time.Parse(time.DateOnly, asOf)
		if err := runControls(ctx, w, day); err != nil {
			t.Fatal(err)
		}
		err = w.Record(ctx, warehouse.RunInfo{Command: "transfers run"}, func(id int64) error {
			_, err := transfers.Run(ctx, w, transfers.Options{At: day.Add(4 * time.Hour), RunID: id})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil { // publishes the snapshot
			t.Fatal(err)
		}
		// The new run shows within a few polls.
		deadline := time.Now().Add(10 * time.Second)
		for {
			var page struct {
				AsOf string `json:"as_of"`
			}
			_ = json.Unmarshal([]byte(clients[0].get("/api/v1/findings?as_of=2026-12-31&limit=1").body), &page)
			if page.AsOf == asOf {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the run of %s never showed (as_of %q)", asOf, page.AsOf)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d failed requests of %d, e.g. %v", len(failures), requests, failures[:min(5, len(failures))])
	}
	if slowest > 2*time.Second {
		t.Errorf("slowest request %s", slowest)
	}
	t.Logf("%d requests while two batches wrote, slowest %s", requests, slowest)
	// Only the current snapshot is left once nobody reads the older ones.
	deadline := time.Now().Add(5 * time.Second)
	for {
		list, err := warehouse.Snapshots(warehouse.SnapshotsDir(f.wh))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("superseded snapshots left: %v", list)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCachedComputesOnceForConcurrentRequests: 20 clients asking for the same
// page not yet computed cost one computation, and the client that started it
// going away does not fail the others.
func TestCachedComputesOnceForConcurrentRequests(t *testing.T) {
	t.Parallel()
	sn := &snapshot{}
	var calls atomic.Int32
	release := make(chan struct{})
	first, cancelFirst := context.WithCancel(context.Background())
	compute := func(ctx context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, ctx.Err()
	}
	var wg sync.WaitGroup
	results := make([]error, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				ctx = first
			}
			v, err := cached(ctx, sn, "home|A", compute)
			if err == nil && v != 42 {
				err = fmt.Errorf("value %d", v)
			}
			results[i] = err
		}()
		if i == 0 {
			for calls.Load() == 0 {
				runtime.Gosched()
			}
		}
	}
	cancelFirst()
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d computations for 20 identical requests, want 1", n)
	}
	for i, err := range results {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
}
