package transfers

import (
	"context"
	"fmt"
	"slices"
)

// A run searches each column its requests change once, before the first
// request: every row in scope that holds the source of one of its requests
// is a candidate, and the run follows the candidates' values as requests
// change them. A row only comes to hold a later request's source through an
// earlier request of the same run, so each request then finds its rows among
// the candidates and changes them by row id, in its own transaction, without
// searching the table again (DuckDB scans a whole table for each search).

// candidate is a row a run may change; column files it under its structure
// and current value.
type candidate struct {
	rowID int64
	key   string
}

// column is what a run knows of one target column: its candidates, by
// structure and current value.
type column struct {
	byValue map[[2]string][]*candidate
}

// candidates holds the columns of a run, by table and column name.
type candidates map[[2]string]*column

// loadCandidates reads, for every column the due requests change, the rows
// holding one of their sources in their structure. Requests refused by their
// kind or reference alone are left out; the others are checked later, each
// in its transaction.
func loadCandidates(ctx context.Context, q queryer, st statements, reqs []Request) (candidates, error) {
	type pairs struct {
		t                   target
		structures, sources []string
	}
	wanted := map[[2]string]*pairs{}
	var order [][2]string
	for _, r := range reqs {
		t, why := targetOf(r)
		if !r.Due || why != "" {
			continue
		}
		k := [2]string{t.table, t.column}
		p, ok := wanted[k]
		if !ok {
			p = &pairs{t: t}
			wanted[k] = p
			order = append(order, k)
		}
		p.structures = append(p.structures, r.Structure)
		p.sources = append(p.sources, r.Source)
	}
	file := map[scope]string{scopeDossiers: "candidates_dossiers", scopeStructure: "candidates_structure", scopeViaDossier: "candidates_via_dossier"}
	out := candidates{}
	for _, k := range order {
		p := wanted[k]
		text, err := splice(st[file[p.t.scope]], p.t)
		if err != nil {
			return nil, err
		}
		rows, err := q.QueryContext(ctx, text, p.structures, p.sources)
		if err != nil {
			return nil, fmt.Errorf("rows %s.%s may change: %w", k[0], k[1], err)
		}
		c := &column{byValue: map[[2]string][]*candidate{}}
		for rows.Next() {
			var x candidate
			var structure, value string
			if err := rows.Scan(&x.rowID, &x.key, &structure, &value); err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("rows %s.%s may change: %w", k[0], k[1], err)
			}
			at := [2]string{structure, value}
			c.byValue[at] = append(c.byValue[at], &x)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("rows %s.%s may change: %w", k[0], k[1], err)
		}
		out[k] = c
	}
	return out, nil
}

// rowsOf returns the candidates a request changes: those of its structure
// holding its source, restricted to its selection when it has one.
func (c candidates) rowsOf(r Request, t target) []*candidate {
	col := c[[2]string{t.table, t.column}]
	if col == nil {
		return nil
	}
	all := col.byValue[[2]string{r.Structure, r.Source}]
	if len(r.Selection) == 0 {
		return slices.Clone(all)
	}
	selected := map[string]bool{}
	for _, k := range r.Selection {
		selected[k] = true
	}
	var out []*candidate
	for _, x := range all {
		if selected[x.key] {
			out = append(out, x)
		}
	}
	return out
}

// moved records that rows, found by rowsOf for r, now hold its destination.
func (c candidates) moved(r Request, t target, rows []*candidate) {
	col := c[[2]string{t.table, t.column}]
	from, to := [2]string{r.Structure, r.Source}, [2]string{r.Structure, r.Destination}
	gone := map[*candidate]bool{}
	for _, x := range rows {
		gone[x] = true
	}
	col.byValue[from] = slices.DeleteFunc(col.byValue[from], func(x *candidate) bool { return gone[x] })
	col.byValue[to] = append(col.byValue[to], rows...)
}
