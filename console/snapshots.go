package console

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ErrNoSnapshot: no snapshot has been published yet.
var ErrNoSnapshot = errors.New("aucune donnée publiée pour la console : lancez « vigie serve » sur l'entrepôt, ou attendez la fin du traitement en cours")

// snapshots holds the snapshot the console reads and swaps it for a newer
// one when the batches publish one. A request acquires the current snapshot
// and releases it when done: a swap never closes a snapshot under a request;
// the superseded one is closed and deleted after its last request.
type snapshots struct {
	dir   string
	sqlFS fs.FS
	log   *slog.Logger

	mu  sync.Mutex
	cur *snapshot
	// prepare, when set, runs on a new snapshot before it is swapped in:
	// until it ends, visitors keep reading the previous snapshot, so none
	// waits for what it computes (the region's findings).
	prepare func(context.Context, *snapshot) error
	// warm, when set, runs in the background on each new snapshot (holding
	// it) to compute what most visitors open first.
	warm func(*snapshot)
}

// snapshot is one opened snapshot file, with the in-memory copies of single
// structures built from it for the SQL page of avance accounts.
type snapshot struct {
	path    string
	w       *warehouse.Warehouse
	refs    int
	retired bool
	gone    atomic.Bool // retired, readable without the holder's lock

	copyMu sync.Mutex
	copies map[string]*structureCopy

	cache memo // pages, counts, charts
	sets  memo // data.FindingSet per as-of date: few, each the size of the region's findings
}

type structureCopy struct {
	once sync.Once
	w    *warehouse.Warehouse
	err  error
}

// acquire returns the current snapshot; release it when done.
func (s *snapshots) acquire() (*snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil, ErrNoSnapshot
	}
	s.cur.refs++
	return s.cur, nil
}

func (s *snapshots) release(sn *snapshot) {
	s.mu.Lock()
	sn.refs--
	done := sn.retired && sn.refs == 0
	s.mu.Unlock()
	if done {
		s.drop(sn)
	}
}

// drop closes a superseded snapshot and deletes its file: it holds identities.
func (s *snapshots) drop(sn *snapshot) {
	sn.copyMu.Lock()
	for _, c := range sn.copies {
		if c.w != nil {
			_ = c.w.Close()
		}
	}
	sn.copyMu.Unlock()
	if err := sn.w.Close(); err != nil {
		s.log.Warn("fermeture de l'instantané", "path", sn.path, "err", err)
	}
	if err := os.Remove(sn.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("suppression de l'instantané", "path", sn.path, "err", err)
	}
}

// refresh opens the newest published snapshot when it is not the current
// one, swaps it in, and removes the older files nobody reads.
func (s *snapshots) refresh(ctx context.Context) error {
	latest, err := warehouse.LatestSnapshot(s.dir)
	if err != nil {
		return fmt.Errorf("snapshots: %w", err)
	}
	s.mu.Lock()
	same := latest == "" || (s.cur != nil && s.cur.path == latest)
	s.mu.Unlock()
	if same {
		return nil
	}
	w, err := warehouse.OpenReadOnly(ctx, latest, s.sqlFS)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", latest, err)
	}
	next := &snapshot{path: latest, w: w, copies: map[string]*structureCopy{}}
	if s.prepare != nil {
		if err := s.prepare(ctx, next); err != nil {
			// Swapped in all the same: what failed is computed again on demand.
			s.log.Warn("préparation de l'instantané", "path", latest, "err", err)
		}
	}
	s.mu.Lock()
	old := s.cur
	s.cur = next
	dropNow := false
	if old != nil {
		old.retired = true
		old.gone.Store(true)
		dropNow = old.refs == 0
	}
	if s.warm != nil {
		next.refs++
		go func() {
			defer s.release(next)
			s.warm(next)
		}()
	}
	s.mu.Unlock()
	if dropNow {
		s.drop(old)
	}
	s.log.Info("nouvel instantané en service", "path", latest)
	// Older files: superseded before this console saw them, or left by a
	// previous console.
	list, err := warehouse.Snapshots(s.dir)
	if err != nil {
		return fmt.Errorf("snapshots: %w", err)
	}
	for _, p := range list {
		if p >= latest || (old != nil && p == old.path) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("suppression de l'instantané", "path", p, "err", err)
		}
	}
	return nil
}

// poll refreshes every interval until ctx ends.
func (s *snapshots) poll(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("recherche d'un nouvel instantané", "err", err)
			}
		}
	}
}

// close closes the current snapshot (at shutdown); the file stays for the
// next start.
func (s *snapshots) close() {
	s.mu.Lock()
	cur := s.cur
	s.cur = nil
	s.mu.Unlock()
	if cur != nil {
		cur.copyMu.Lock()
		for _, c := range cur.copies {
			if c.w != nil {
				_ = c.w.Close()
			}
		}
		cur.copyMu.Unlock()
		_ = cur.w.Close()
	}
}

// superseded tells whether a newer snapshot replaced this one.
func (sn *snapshot) superseded() bool {
	return sn.gone.Load()
}

// Region is the analysts' sandboxed query instance over the snapshot
// (warehouse.OpenQuery), for the regional SQL, opened once per snapshot and
// kept with the structure copies under the empty code.
func (sn *snapshot) Region(ctx context.Context) (*warehouse.Warehouse, error) {
	return sn.queryInstance(ctx, "")
}

// StructureCopy returns the in-memory copy of one structure's data, built
// once per snapshot.
func (sn *snapshot) StructureCopy(ctx context.Context, code string) (*warehouse.Warehouse, error) {
	if code == "" {
		return nil, &data.BadParamError{Param: "structure", Value: code}
	}
	return sn.queryInstance(ctx, code)
}

// queryInstance opens, once per snapshot, the instance the SQL of a scope
// runs on: the region's ("") or one structure's copy.
func (sn *snapshot) queryInstance(ctx context.Context, code string) (*warehouse.Warehouse, error) {
	sn.copyMu.Lock()
	c, ok := sn.copies[code]
	if !ok {
		c = &structureCopy{}
		sn.copies[code] = c
	}
	sn.copyMu.Unlock()
	c.once.Do(func() {
		if code == "" {
			c.w, c.err = warehouse.OpenQuery(context.WithoutCancel(ctx), sn.path, sn.w.SQL)
			return
		}
		c.w, c.err = data.OpenStructureCopy(context.WithoutCancel(ctx), sn.path, sn.w.SQL, code)
	})
	return c.w, c.err
}

// A snapshot never changes, so what was read from it can be kept: the same
// dashboard opened again (by another director of the structure, or after a
// filter is cleared) is answered from memory. The key holds the scope, so a
// scope never reads another's entry; a memo keeps at most a bounded number of entries (then
// starts again empty), and they go with the snapshot.
type memo struct {
	mu sync.Mutex
	m  map[string]*cacheEntry
}

// Bounds of the memos: pages are small; a finding set holds the region's
// findings (tens of megabytes at scale 1), so only a few dates are kept.
const (
	maxCached = 2000
	maxSets   = 4
)

type cacheEntry struct {
	once sync.Once
	v    any
	err  error
}

// cached returns the value of key in the snapshot's page memo.
func cached[T any](ctx context.Context, sn *snapshot, key string, compute func(context.Context) (T, error)) (T, error) {
	return remember(ctx, &sn.cache, maxCached, key, compute)
}

// remember returns the value of key, computing it once: concurrent requests
// for a key not yet computed wait for the one computation (20 clients opening
// the same dashboard after a run cost one query, not 20). The computation runs
// detached from the request that started it, bounded by data.QueryTimeout, so
// that this client going away does not fail the others waiting on it.
func remember[T any](ctx context.Context, m *memo, limit int, key string, compute func(context.Context) (T, error)) (T, error) {
	m.mu.Lock()
	if m.m == nil || len(m.m) >= limit {
		m.m = map[string]*cacheEntry{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &cacheEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), data.QueryTimeout)
		defer cancel()
		e.v, e.err = compute(ctx)
	})
	if e.err != nil {
		m.mu.Lock()
		if m.m[key] == e {
			delete(m.m, key) // errors (a cancelled request) are not kept
		}
		m.mu.Unlock()
		var zero T
		return zero, e.err
	}
	return e.v.(T), nil
}

func cacheKey(kind string, scope data.Scope, args ...any) string {
	return fmt.Sprintf("%s|%#v|%#v", kind, scope, args)
}

// findingSet is the region's findings at the filter's as-of date, read once
// per snapshot and date (data.FindingSet): pages, counts and exports of
// every scope are computed from it.
func (sn *snapshot) findingSet(ctx context.Context, asOf time.Time) (*data.FindingSet, error) {
	day := ""
	if !asOf.IsZero() {
		day = asOf.Format(time.DateOnly)
	}
	return remember(ctx, &sn.sets, maxSets, day, func(ctx context.Context) (*data.FindingSet, error) {
		return data.LoadFindings(ctx, sn.w, asOf)
	})
}

// findings reads a page of findings of the scope, kept when the page is
// small (a page sorts all the findings that pass its filter).
func (sn *snapshot) findings(ctx context.Context, scope data.Scope, f data.Filter) (*data.Page, error) {
	read := func(ctx context.Context) (*data.Page, error) {
		set, err := sn.findingSet(ctx, f.AsOf)
		if err != nil {
			return nil, err
		}
		return set.Page(scope, f)
	}
	if f.Limit > 1000 {
		return read(ctx)
	}
	return cached(ctx, sn, cacheKey("findings", scope, f), read)
}

func (sn *snapshot) counts(ctx context.Context, scope data.Scope, f data.Filter) (data.Counts, error) {
	return cached(ctx, sn, cacheKey("counts", scope, f), func(ctx context.Context) (data.Counts, error) {
		set, err := sn.findingSet(ctx, f.AsOf)
		if err != nil {
			return nil, err
		}
		return set.Count(scope, f)
	})
}

func (sn *snapshot) trend(ctx context.Context, scope data.Scope) ([]data.TrendPoint, error) {
	return cached(ctx, sn, cacheKey("trend", scope), func(ctx context.Context) ([]data.TrendPoint, error) { return data.Trend(ctx, sn.w, scope, time.Time{}) })
}

func (sn *snapshot) structures(ctx context.Context, scope data.Scope) ([]data.Structure, error) {
	return cached(ctx, sn, cacheKey("structures", scope), func(ctx context.Context) ([]data.Structure, error) { return data.Structures(ctx, sn.w, scope) })
}

func (sn *snapshot) choices(ctx context.Context, scope data.Scope) ([]data.Choice, error) {
	return cached(ctx, sn, cacheKey("choices", scope), func(ctx context.Context) ([]data.Choice, error) { return data.Choices(ctx, sn.w, scope) })
}

func (sn *snapshot) indicators(ctx context.Context, scope data.Scope, asOf time.Time, structure string) ([]data.Indicator, error) {
	return cached(ctx, sn, cacheKey("indicators", scope, asOf, structure), func(ctx context.Context) ([]data.Indicator, error) {
		return data.Indicators(ctx, sn.w, scope, asOf, structure)
	})
}
