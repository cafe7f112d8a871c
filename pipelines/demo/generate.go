// Package demo generates a deterministic synthetic region: 43 Missions
// Locales with their sites, counsellors, young people, programmes, events,
// appointments, trainings, partners, allowances, certificates and transfer
// requests, written as an extraction in the exact format of
// extract-format.md, with a realistic small share of every anomaly that
// rules.md describes and a handful of bad rows for the quarantine.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"
)

// Options of a generation.
type Options struct {
	// Scale sets the size: 1 is about 150,000 dossiers (a whole region's
	// year); the demo uses 0.02.
	Scale float64
	// Seed, Scale and AsOf fix the output: the same three give
	// byte-identical files.
	Seed int64
	// AsOf is the day the data is "as of" (its calendar date, read as a day
	// in Europe/Paris); every date is placed relative to it.
	AsOf time.Time
	// AnomalyFactor multiplies the share of every anomaly drawn row by row
	// (each probability capped at 1): 2 gives a region with twice the
	// demo's anomalies. 0 means 1, the demo's share, which gives the same
	// files as before the option existed. The anomalies of the region's
	// fixed part (region.go) and the quarantine's bad rows do not change.
	AnomalyFactor float64
}

// TableStat is one written file.
type TableStat struct {
	Table, File string
	Rows        int
}

// Stats sums a generation up.
type Stats struct {
	Tables               []TableStat
	Structures, Dossiers int
}

// DefaultScale is the scale of `vigie demo`.
const DefaultScale = 0.02

// MaxScale bounds the scale (scale 10 is 1.5 million dossiers).
const MaxScale = 10

// MaxAnomalyFactor bounds Options.AnomalyFactor: beyond it most shares
// would be capped at 1 and the region would be nothing but anomalies.
const MaxAnomalyFactor = 10

// Sizes at scale 1.
const (
	dossiersAtScale1  = 150_000
	usersAtScale1     = 1_500
	lieuxAtScale1     = 200
	partnersAtScale1  = 20_000
	offersAtScale1    = 500
	transfersAtScale1 = 500
)

// Validate checks the options.
func (o Options) Validate() error {
	if math.IsNaN(o.Scale) || o.Scale <= 0 || o.Scale > MaxScale {
		return fmt.Errorf("demo: scale %v out of range: give a number above 0 and at most %d", o.Scale, MaxScale)
	}
	if math.IsNaN(o.AnomalyFactor) || o.AnomalyFactor < 0 || o.AnomalyFactor > MaxAnomalyFactor {
		return fmt.Errorf("demo: anomaly factor %v out of range: give a number above 0 and at most %d (or 0 for the demo's share)", o.AnomalyFactor, MaxAnomalyFactor)
	}
	if o.AsOf.IsZero() {
		return errors.New("demo: the as-of date is missing")
	}
	return nil
}

// Generate writes one file per table of extract-format.md into dir (created
// if needed), with mode 0600: the files hold identities. Each file is
// written to a temporary name and renamed when complete.
func Generate(ctx context.Context, dir string, opts Options) (*Stats, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	g := newGen(opts)
	g.dir = dir
	if err := g.open(dir); err != nil {
		return nil, err
	}
	err := g.generate(ctx)
	if err != nil {
		g.out.abort()
		return nil, err
	}
	if err := g.out.commit(); err != nil {
		return nil, err
	}
	return &Stats{Structures: len(g.structs), Dossiers: g.nDossiers, Tables: g.out.stats()}, nil
}

// gen holds the state of one generation. Generation is sequential, so the
// output depends only on the options.
type gen struct {
	opts  Options
	dir   string
	r     *rand.Rand
	asOf  day
	out   *outputs
	quota [numAnomalies]quota
	// factor multiplies every anomaly's probability (Options.AnomalyFactor).
	factor float64

	structs   []*structure
	nDossiers int
	seq       struct{ disp, evt, rdv, sit, alloc, res, cerfa, j2ent, j2par, j2act, j2part int }
}

func newGen(opts Options) *gen {
	y, m, d := opts.AsOf.Date()
	factor := opts.AnomalyFactor
	if factor == 0 {
		factor = 1
	}
	return &gen{
		opts:   opts,
		factor: factor,
		r:      rand.New(rand.NewPCG(uint64(opts.Seed), 0x76696769655f6d6c)), // "vigie_ml"
		asOf:   mkday(y, int(m), d),
	}
}

func (g *gen) generate(ctx context.Context) error {
	if err := g.region(); err != nil {
		return err
	}
	if err := g.dossiers(ctx); err != nil {
		return err
	}
	g.transfers()
	g.coverage()
	g.j2()
	g.badRows()
	return g.out.err()
}

// scaled returns n × scale, rounded, at least min.
func (g *gen) scaled(n float64, min int) int {
	v := int(math.Round(n * g.opts.Scale))
	if v < min {
		return min
	}
	return v
}

// pick returns a random element of list.
func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// chance returns true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a random integer in [lo, hi].
func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// dayBetween returns a random day in [lo, hi].
func (g *gen) dayBetween(lo, hi day) day { return day(g.between(int(lo), int(hi))) }

// officeMinute returns a minute of the working day (08:30–18:00), on a
// quarter hour.
func (g *gen) officeMinute() int { return 8*60 + 30 + 15*g.r.IntN(39) }

// An anomaly is one way a row breaks a rule of rules.md, drawn row by row.
// The anomalies of the region's fixed part are placed by structure instead
// (region.go: two directors, generic accounts, a counsellor who left still
// referent, a deactivated director, expiring certificates).
type anomaly int

const (
	aRDV01 anomaly = iota
	aRDV02
	aRDV03
	aFOR01
	aFOR02
	aFOR03
	aFOR04
	aFOR05
	aFOR06
	aFOR07
	aFOR08
	aFOR09
	aPCJ01
	aPCJ02
	aSIE01
	aSIE02
	aSIE03
	aSIE04
	aPAC01
	aPAC02
	aPAC03
	aPAC04
	aPAC05
	aPAC06
	aPAC07
	aUSR02
	aUSR06
	aDOS01
	aDOS02
	aDOS03
	aDOS04
	aDOS04Temp
	aDOS05
	aASP
	aDOS06
	aIDJ01
	aRAF01
	aRAFRequest
	aTER01
	aACR01
	aACR02
	aACR03
	aACR04
	aACR05
	aACR06
	numAnomalies
)

// quota counts the objects that could carry an anomaly and those that do.
type quota struct{ seen, hits int }

// forceAfter: an anomaly not drawn among its first forceAfter candidates is
// forced on the next one, so that even a small region shows every rule.
const forceAfter = 8

// hit decides whether the current candidate object carries anomaly a, with
// probability p times the anomaly factor (and surely when none of the first
// candidates did).
func (g *gen) hit(a anomaly, p float64) bool {
	q := &g.quota[a]
	q.seen++
	if g.r.Float64() < p*g.factor || (q.hits == 0 && q.seen >= forceAfter) {
		q.hits++
		return true
	}
	return false
}
