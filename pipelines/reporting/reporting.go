package reporting

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/structure"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
)

// Options of a report run.
type Options struct {
	AsOf        time.Time // the day the reports are for
	Structure   string    // one structure; "" for every structure and the region
	Out         string    // the output folder: Out/<code>/<as-of>/, Out/region/<as-of>/
	GeneratedAt time.Time // printed in every file; the zero time means now
	Progress    io.Writer // one line per folder written; nil for none
	Workers     int       // structures rendered at once; 0 means GOMAXPROCS
	RegionOnly  bool      // write the regional files only (structures are still read for their counts)
	// Counsellors, when set, also writes each counsellor's Monday list of
	// the findings on their dossiers, for the structures it names.
	Counsellors *CounsellorOptions
	// Period is the reference the « nouveaux / résolus » compare with:
	// controls.Weekly (default: the weekly control of the week before) or
	// controls.Monthly (the month before's).
	Period string
}

// CounsellorOptions says which structures' counsellors receive their list.
type CounsellorOptions struct {
	// Structures opted in; AllStructures for every structure.
	Structures []string
	// NothingToReport sends a « rien à signaler » message to a counsellor
	// with no open finding (else they receive nothing).
	NothingToReport bool
}

// AllStructures, in CounsellorOptions.Structures, opts every structure in.
const AllStructures = "*"

func (c *CounsellorOptions) covers(code string) bool {
	if c == nil {
		return false
	}
	for _, s := range c.Structures {
		if s == code || s == AllStructures {
			return true
		}
	}
	return false
}

// Validate checks the options before any work.
func (o Options) Validate() error {
	if o.AsOf.IsZero() {
		return errors.New("report: no as-of date")
	}
	if o.Out == "" {
		return errors.New("report: no output folder")
	}
	if o.Period != "" && o.Period != controls.Weekly && o.Period != controls.Monthly {
		return fmt.Errorf("report: unknown period %q", o.Period)
	}
	if o.RegionOnly && o.Structure != "" {
		return errors.New("report: a regional report covers every structure; do not name one")
	}
	if o.Structure != "" {
		if err := reports.ValidStructureCode(o.Structure); err != nil {
			return err
		}
	}
	return nil
}

// outcome is what writing one structure's reports left for the region.
type outcome struct {
	code  string
	files []string
	// counsellors' files, by id_utilisateur
	counsellors map[string][]string
	summary     reports.StructureSummary
	trend       []reports.TrendPoint
}

// writeStructures loads the structures one by one and renders them on
// Workers goroutines; at most Workers+1 structures are in memory at once.
// The first error stops the run.
func writeStructures(parent context.Context, w *warehouse.Warehouse, opts Options, list []structureRow) ([]outcome, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	type job struct {
		i int
		r *reports.StructureReport
	}
	out := make([]outcome, len(list))
	jobs := make(chan job)
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					continue
				}
				var files []string
				if !opts.RegionOnly {
					var err error
					if files, err = reports.WriteStructure(opts.Out, j.r); err != nil {
						fail(err)
						continue
					}
				}
				var mine map[string][]string
				if opts.Counsellors.covers(j.r.CodeStructure) && !opts.RegionOnly {
					var err error
					if mine, err = writeCounsellors(ctx, w, opts, j.r); err != nil {
						fail(err)
						continue
					}
				}
				out[j.i] = outcome{code: j.r.CodeStructure, files: files, counsellors: mine, summary: reports.Summarize(j.r), trend: j.r.Trend}
				if opts.Progress != nil && !opts.RegionOnly {
					mu.Lock()
					fmt.Fprintf(opts.Progress, "%s: %s, %s sur la liste ASP → %s\n", j.r.CodeStructure, plural(len(j.r.Findings), "constat"),
						plural(len(j.r.ASP.Rows), "jeune"), filepath.Dir(files[0]))
					mu.Unlock()
				}
			}
		}()
	}
	for i, s := range list {
		if ctx.Err() != nil {
			break
		}
		if err := reports.ValidStructureCode(s.code); err != nil {
			fail(fmt.Errorf("report: %w", err))
			break
		}
		r, err := loadStructure(ctx, w, opts.AsOf, opts.Period, s)
		if err != nil {
			fail(err)
			break
		}
		r.GeneratedAt = opts.GeneratedAt
		select {
		case jobs <- job{i, r}:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// Result says what a report run wrote.
type Result struct {
	Structures int      // structures reported on
	Files      []string // every file written
	// ByStructure lists each structure's files (for its director);
	// Region the regional files (for the analysts).
	ByStructure map[string][]string
	// ByCounsellor lists each counsellor's files, by id_utilisateur.
	ByCounsellor map[string][]string
	Region       []string
	RegionDir    string // the regional folder, "" when one structure was asked
}

// Run writes, for each structure, its dashboard PDF, workbook and ASP list,
// and then (unless one structure was asked) the regional summary.
func Run(ctx context.Context, w *warehouse.Warehouse, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.GeneratedAt.IsZero() {
		opts.GeneratedAt = time.Now()
	}
	list, err := listStructures(ctx, w, opts.AsOf, opts.Structure)
	if err != nil {
		return nil, err
	}
	if opts.Structure != "" && len(list) == 0 {
		return nil, warehouse.Refused(structure.Unknown(opts.Structure))
	}
	if err := controlledOn(list, opts.AsOf); err != nil {
		return nil, err
	}
	outcomes, err := writeStructures(ctx, w, opts, list)
	if err != nil {
		return nil, err
	}
	res := &Result{ByStructure: map[string][]string{}, ByCounsellor: map[string][]string{}}
	region := &reports.RegionReport{AsOf: opts.AsOf, GeneratedAt: opts.GeneratedAt}
	for _, o := range outcomes {
		res.Files = append(res.Files, o.files...)
		if len(o.files) > 0 {
			res.ByStructure[o.code] = o.files
		}
		for id, files := range o.counsellors {
			res.Files = append(res.Files, files...)
			res.ByCounsellor[id] = files
		}
		res.Structures++
		region.Structures = append(region.Structures, o.summary)
		region.Trend = append(region.Trend, o.trend...)
	}
	if opts.Structure == "" {
		files, err := reports.WriteRegion(opts.Out, region)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		res.Region = files
		res.RegionDir = reports.RegionDir(opts.Out, opts.AsOf)
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "région: %d structures → %s\n", len(list), res.RegionDir)
		}
	}
	return res, nil
}

// WriteASPLists writes only the signed ASP list of each structure (or of
// one), into Out/<code>/<as-of>/, for the Monday send to the ASP.
func WriteASPLists(ctx context.Context, w *warehouse.Warehouse, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.GeneratedAt.IsZero() {
		opts.GeneratedAt = time.Now()
	}
	list, err := listStructures(ctx, w, opts.AsOf, opts.Structure)
	if err != nil {
		return nil, err
	}
	if opts.Structure != "" && len(list) == 0 {
		return nil, warehouse.Refused(structure.Unknown(opts.Structure))
	}
	rows, err := controls.WeeklyASP(ctx, w, opts.AsOf, opts.Structure)
	if err != nil {
		return nil, err
	}
	byStructure := map[string][]reports.ASPRow{}
	for _, r := range rows {
		byStructure[r.CodeStructure] = append(byStructure[r.CodeStructure], reports.ASPRow(r))
	}
	mon, sun := controls.WeekBefore(opts.AsOf)
	res := &Result{ByStructure: map[string][]string{}}
	for _, s := range list {
		dir, err := reports.StructureDir(opts.Out, s.code, opts.AsOf)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if err := atomic.MkdirAll(dir, 0o700, "dossier des rapports"); err != nil {
			return nil, err
		}
		path := filepath.Join(dir, reports.ASPFileName(s.code, opts.AsOf))
		err = reports.WriteASPList(path, reports.ASPList{CodeStructure: s.code, NomStructure: s.nom, WeekFrom: mon, WeekTo: sun,
			Rows: byStructure[s.code], GeneratedAt: opts.GeneratedAt})
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, path)
		res.ByStructure[s.code] = []string{path}
		res.Structures++
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "%s: %s → %s\n", s.code, plural(len(byStructure[s.code]), "jeune"), path)
		}
	}
	return res, nil
}

// writeCounsellors writes the list of each actif counsellor of r's
// structure: the findings whose dossier (or partner) they are referent of.
func writeCounsellors(ctx context.Context, w *warehouse.Warehouse, opts Options, r *reports.StructureReport) (map[string][]string, error) {
	cs, err := loadCounsellors(ctx, w, r.CodeStructure)
	if err != nil {
		return nil, fmt.Errorf("structure %s: %w", r.CodeStructure, err)
	}
	byCounsellor := map[string][]reports.Finding{}
	for _, f := range r.Findings {
		if f.IDConseiller != "" {
			byCounsellor[f.IDConseiller] = append(byCounsellor[f.IDConseiller], f)
		}
	}
	if r.ControlRunID == 0 {
		return nil, nil // no control, nothing to tell
	}
	lists := make([]*reports.CounsellorList, 0, len(cs))
	for _, c := range cs {
		lists = append(lists, &reports.CounsellorList{CodeStructure: r.CodeStructure, NomStructure: r.NomStructure, IDConseiller: c.id,
			Conseiller: c.name, AsOf: r.AsOf, ControlAsOf: r.ControlAsOf, GeneratedAt: r.GeneratedAt, Findings: byCounsellor[c.id]})
	}
	return reports.WriteCounsellors(opts.Out, lists, opts.Counsellors.NothingToReport)
}

func plural(n int, word string) string {
	return fmt.Sprintf("%d %s", n, french.Plural(int64(n), word, word+"s"))
}
