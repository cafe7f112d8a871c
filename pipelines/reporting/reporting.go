package reporting

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

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
}

// Validate checks the options before any work.
func (o Options) Validate() error {
	if o.AsOf.IsZero() {
		return errors.New("report: no as-of date")
	}
	if o.Out == "" {
		return errors.New("report: no output folder")
	}
	if o.Structure != "" {
		if err := reports.ValidStructureCode(o.Structure); err != nil {
			return err
		}
	}
	return nil
}

// Result says what a report run wrote.
type Result struct {
	Structures int      // structures reported on
	Files      []string // every file written
	RegionDir  string   // the regional folder, "" when one structure was asked
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
		return nil, warehouse.Refused(fmt.Errorf("structure %s is not in the warehouse: check the code (vigie query \"SELECT code_structure, nom FROM structures\")", opts.Structure))
	}
	res := &Result{}
	region := &reports.RegionReport{AsOf: opts.AsOf, GeneratedAt: opts.GeneratedAt}
	for _, s := range list {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := reports.ValidStructureCode(s.code); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		r, err := loadStructure(ctx, w, opts.AsOf, s)
		if err != nil {
			return nil, err
		}
		r.GeneratedAt = opts.GeneratedAt
		files, err := reports.WriteStructure(opts.Out, r)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		res.Structures++
		region.Structures = append(region.Structures, reports.Summarize(r))
		region.Trend = append(region.Trend, r.Trend...)
		if opts.Progress != nil {
			dir, _ := reports.StructureDir(opts.Out, s.code, opts.AsOf)
			fmt.Fprintf(opts.Progress, "%s: %d constats, %d jeunes sur la liste ASP → %s\n", s.code, len(r.Findings), len(r.ASP.Rows), dir)
		}
	}
	if opts.Structure == "" {
		files, err := reports.WriteRegion(opts.Out, region)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		res.RegionDir = reports.RegionDir(opts.Out, opts.AsOf)
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "région: %d structures → %s\n", len(list), res.RegionDir)
		}
	}
	return res, nil
}
