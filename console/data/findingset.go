package data

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// FindingSet is every finding of the region at one as-of date: the findings
// of the latest control run of each structure and those it resolved, with
// each dossier's site and referent counsellor. It is read once per published
// snapshot and date (a snapshot never changes); every findings page, count
// and export of any scope and filter is then computed from it in memory, in
// milliseconds, where a query per page cost tens of milliseconds of DuckDB
// for each new filter. Its rows are reachable only through methods that take
// the caller's Scope.
type FindingSet struct {
	rows        []setRow          // by structure
	byStructure map[string][2]int // structure → its rows' bounds in rows
	runs        map[string]time.Time
	// The values filters and counts compare, each numbered once, so that a
	// row is matched and counted by comparing and indexing small integers.
	rules, familles, suivis, structures, lieux, conseillers dict
}

// setRow is a finding with its values' numbers in the set's dictionaries.
type setRow struct {
	Finding
	rule, famille, gravite, suivi, structure, lieu, conseiller int32
}

// dict numbers distinct strings in the order they are met.
type dict struct {
	ids    map[string]int32
	values []string
}

func (d *dict) id(s string) int32 {
	if d.ids == nil {
		d.ids = map[string]int32{}
	}
	if i, ok := d.ids[s]; ok {
		return i
	}
	d.ids[s] = int32(len(d.values))
	d.values = append(d.values, s)
	return int32(len(d.values) - 1)
}

// Filter values as numbers: anyValue matches every row, noValue no row (a value the
// set does not hold).
const (
	anyValue int32 = -1
	noValue  int32 = -2
)

func (d *dict) lookup(s string) int32 {
	if s == "" {
		return anyValue
	}
	if i, ok := d.ids[s]; ok {
		return i
	}
	return noValue
}

// LoadFindings reads the region's findings as of asOf (zero: today, the
// latest runs).
func LoadFindings(ctx context.Context, w *warehouse.Warehouse, asOf time.Time) (*FindingSet, error) {
	if asOf.IsZero() {
		asOf = time.Now().In(warehouse.Paris)
	}
	args := []any{nil, asOf.Format(time.DateOnly), nil}
	fs := &FindingSet{runs: map[string]time.Time{}}
	q, err := readQuery(w, "latest_runs.sql", "findings_runs.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	for rows.Next() {
		var code string
		var t time.Time
		if err := rows.Scan(&code, &t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("findings: %w", err)
		}
		fs.runs[code] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	if q, err = readQuery(w, "latest_runs.sql", "findings_set.sql"); err != nil {
		return nil, err
	}
	if rows, err = w.DB.QueryContext(ctx, q, args...); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r setRow
		var dossier, lieu, cons sql.NullString
		if err := rows.Scan(&r.Rule, &r.Gravite, &r.CodeStructure, &r.Objet, &r.IDObjet, &dossier, &r.Detail,
			&r.Suivi, &r.PremiereDetection, &r.NbRuns, &lieu, &cons); err != nil {
			return nil, fmt.Errorf("findings: %w", err)
		}
		r.IDDossier, r.CodeLieu, r.IDConseiller = dossier.String, lieu.String, cons.String
		fam, _, _ := strings.Cut(r.Rule, "-")
		r.rule, r.famille, r.suivi = fs.rules.id(r.Rule), fs.familles.id(fam), fs.suivis.id(r.Suivi)
		r.structure, r.lieu, r.conseiller = fs.structures.id(r.CodeStructure), fs.lieux.id(r.CodeLieu), fs.conseillers.id(r.IDConseiller)
		r.gravite = int32(slices.Index(Gravites, r.Gravite))
		if r.gravite < 0 {
			r.gravite = int32(len(Gravites))
		}
		fs.rows = append(fs.rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	slices.SortStableFunc(fs.rows, func(a, b setRow) int { return strings.Compare(a.CodeStructure, b.CodeStructure) })
	fs.byStructure = map[string][2]int{}
	for i := 0; i < len(fs.rows); {
		j := i
		for j < len(fs.rows) && fs.rows[j].CodeStructure == fs.rows[i].CodeStructure {
			j++
		}
		fs.byStructure[fs.rows[i].CodeStructure] = [2]int{i, j}
		i = j
	}
	return fs, nil
}

// matcher is a filter in the set's numbers.
type matcher struct {
	rule, famille, gravite, suivi, lieu, conseiller int32
	resolu                                          bool // suivi « resolu »: the resolved findings, else the open ones
	dossier                                         string
	from, to                                        time.Time
}

func (fs *FindingSet) matcher(f *Filter) matcher {
	m := matcher{rule: fs.rules.lookup(f.Rule), famille: fs.familles.lookup(f.Famille), suivi: fs.suivis.lookup(f.Suivi),
		lieu: fs.lieux.lookup(f.Lieu), conseiller: fs.conseillers.lookup(f.Conseiller), gravite: anyValue,
		resolu: f.Suivi == "resolu", dossier: f.Dossier}
	if f.Gravite != "" {
		m.gravite = int32(slices.Index(Gravites, f.Gravite))
	}
	if !f.From.IsZero() {
		m.from = dateOnly(f.From)
	}
	if !f.To.IsZero() {
		m.to = dateOnly(f.To)
	}
	return m
}

func eq(want, got int32) bool { return want == anyValue || want == got }

// match tells whether a row passes the filter. Without a suivi filter a page
// shows the open findings (nouveau, persistant); « resolu » shows the
// resolved ones.
func (m *matcher) match(r *setRow) bool {
	return (r.Suivi == "resolu") == m.resolu && eq(m.suivi, r.suivi) && eq(m.famille, r.famille) &&
		eq(m.rule, r.rule) && eq(m.gravite, r.gravite) && eq(m.lieu, r.lieu) && eq(m.conseiller, r.conseiller) &&
		(m.dossier == "" || r.IDDossier == m.dossier) &&
		(m.from.IsZero() || !r.PremiereDetection.Before(m.from)) && (m.to.IsZero() || !r.PremiereDetection.After(m.to))
}

// dateOnly is the calendar day of t as DuckDB returns a DATE (midnight UTC).
func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// selected returns the rows of the scope that pass the filter, and the
// scope's structure ("" for the region).
func (fs *FindingSet) selected(s Scope, f *Filter) ([]*setRow, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	scope, err := s.check(f.Structure)
	if err != nil {
		return nil, "", err
	}
	code, _ := scope.(string)
	from, to := 0, len(fs.rows)
	if c := cmp.Or(code, f.Structure); c != "" {
		b := fs.byStructure[c]
		from, to = b[0], b[1]
	}
	m := fs.matcher(f)
	var out []*setRow
	for i := from; i < to; i++ {
		if m.match(&fs.rows[i]) {
			out = append(out, &fs.rows[i])
		}
	}
	return out, code, nil
}

// sortKey is the text a sort key compares ("" sorts last, as NULL).
func sortKey(r *setRow, key string) string {
	switch key {
	case "rule":
		return r.Rule
	case "structure":
		return r.CodeStructure
	case "objet":
		return r.IDObjet
	case "dossier":
		return r.IDDossier
	case "suivi":
		return r.Suivi
	case "lieu":
		return r.CodeLieu
	case "conseiller":
		return r.IDConseiller
	}
	return ""
}

// compare orders two rows by the filter's sort key, then by gravité, rule,
// structure, object, dossier and detail, so that paging is stable.
func (f *Filter) compare(a, b *setRow) int {
	c := 0
	switch f.Sort {
	case "gravite":
		c = cmp.Compare(a.gravite, b.gravite)
	case "detection":
		c = a.PremiereDetection.Compare(b.PremiereDetection)
	default:
		ka, kb := sortKey(a, f.Sort), sortKey(b, f.Sort)
		switch {
		case ka == kb:
		case ka == "":
			return 1 // empty values last, whatever the order
		case kb == "":
			return -1
		default:
			c = strings.Compare(ka, kb)
		}
	}
	if f.Desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	if c := cmp.Compare(a.gravite, b.gravite); c != 0 {
		return c
	}
	for _, p := range [][2]string{{a.Rule, b.Rule}, {a.CodeStructure, b.CodeStructure}, {a.IDObjet, b.IDObjet},
		{a.IDDossier, b.IDDossier}, {a.Detail, b.Detail}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}

// asOf is the as-of date of the latest run among the structures of the
// scope (code, "" for the region) and of the structure filter.
func (fs *FindingSet) asOf(code, structure string) time.Time {
	var t time.Time
	for c, d := range fs.runs {
		if (code == "" || c == code) && (structure == "" || c == structure) && d.After(t) {
			t = d
		}
	}
	return t
}

// Page returns one page of the findings of the scope that pass the filter.
func (fs *FindingSet) Page(s Scope, f Filter) (*Page, error) {
	rows, code, err := fs.selected(s, &f)
	if err != nil {
		return nil, err
	}
	p := &Page{Total: len(rows), AsOf: fs.asOf(code, f.Structure), Items: []Finding{}}
	if len(rows) == 0 && p.AsOf.IsZero() {
		p.AsOf = fs.asOf(code, "")
	}
	slices.SortFunc(rows, f.compare)
	for _, r := range rows[min(f.Offset, len(rows)):min(f.Offset+f.Limit, len(rows))] {
		p.Items = append(p.Items, scopedFinding(code, r.Finding))
	}
	return p, nil
}

// Counts are the filtered findings counted along each axis: axis → key → n.
type Counts map[string]map[string]int

// Count counts the findings of the scope that pass the filter along each
// axis a dashboard charts: rule, gravité, suivi, structure, lieu and
// conseiller (those two "" for a finding without dossier).
func (fs *FindingSet) Count(s Scope, f Filter) (Counts, error) {
	rows, _, err := fs.selected(s, &f)
	if err != nil {
		return nil, err
	}
	axes := []struct {
		name string
		d    *dict
		key  func(*setRow) int32
	}{
		{"rule", &fs.rules, func(r *setRow) int32 { return r.rule }},
		{"suivi", &fs.suivis, func(r *setRow) int32 { return r.suivi }},
		{"structure", &fs.structures, func(r *setRow) int32 { return r.structure }},
		{"lieu", &fs.lieux, func(r *setRow) int32 { return r.lieu }},
		{"conseiller", &fs.conseillers, func(r *setRow) int32 { return r.conseiller }},
	}
	c := Counts{"gravite": {}}
	gravites := make([]int, len(Gravites)+1)
	for _, r := range rows {
		gravites[r.gravite]++
	}
	for i, n := range gravites[:len(Gravites)] {
		if n > 0 {
			c["gravite"][Gravites[i]] = n
		}
	}
	for _, a := range axes {
		n := make([]int, len(a.d.values))
		for _, r := range rows {
			n[a.key(r)]++
		}
		c[a.name] = map[string]int{}
		for i, v := range n {
			if v > 0 {
				c[a.name][a.d.values[i]] = v
			}
		}
	}
	return c, nil
}

// scopedFinding is a finding as the scope (code, "" for the region) may read
// it: a structure never reads another structure's code in a detail.
func scopedFinding(code string, f Finding) Finding {
	if code != "" {
		f.Detail = controls.StructureDetail(f.Rule, f.Detail)
	}
	return f
}
