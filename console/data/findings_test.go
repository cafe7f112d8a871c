package data

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// demoRegion is a small demo region controlled on two Mondays.
func demoRegion(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	ext := filepath.Join(t.TempDir(), "extraction")
	if _, err := demo.Generate(ctx, ext, demo.Options{Scale: 0.01, Seed: 3, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, warehouse.Paris)}); err != nil {
		t.Fatal(err)
	}
	w := warehousetest.Open(t)
	err := w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) error {
		_, err := ingest.Run(ctx, w, ext, ingest.Options{RunID: id})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-11-16", "2026-11-23"} {
		day, _ := time.Parse(time.DateOnly, d)
		err := w.Record(ctx, warehouse.RunInfo{Command: "controls"}, func(id int64) error {
			_, err := controls.Run(ctx, w, controls.Options{AsOf: day, SkipList: true, RunID: id})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// sqlCounts runs a query of (key, n) rows.
func sqlCounts(t *testing.T, w *warehouse.Warehouse, q string, args ...any) map[string]int {
	t.Helper()
	rows, err := w.DB.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// TestFindingSetAgreesWithTheWarehouse: what the console's pages and charts
// show of the in-memory set is what the warehouse holds for the latest run,
// for the region and for each structure; every filter keeps only what it
// names; every sort pages through all the findings once, in order.
func TestFindingSetAgreesWithTheWarehouse(t *testing.T) {
	t.Parallel()
	w := demoRegion(t)
	set, err := LoadFindings(context.Background(), w, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	latest := `(SELECT max(run_id) FROM control_runs)`
	open := sqlCounts(t, w, `SELECT code_structure, count(*) FROM findings WHERE run_id = `+latest+` GROUP BY ALL`)
	resolved := sqlCounts(t, w, `SELECT code_structure, count(*) FROM findings_resolved WHERE run_id = `+latest+` GROUP BY ALL`)
	byRule := sqlCounts(t, w, `SELECT rule, count(*) FROM findings WHERE run_id = `+latest+` GROUP BY ALL`)
	if len(open) < 5 || len(resolved) == 0 {
		t.Fatalf("the demo region gives findings in %d structures, resolved in %d", len(open), len(resolved))
	}
	region := RegionScope()
	total := 0
	for code, n := range open {
		total += n
		p, err := set.Page(StructureScope(code), Filter{})
		if err != nil || p.Total != n || !p.AsOf.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %+v %v, want %d findings as of 2026-11-23", code, p, err, n)
		}
		if p, err := set.Page(StructureScope(code), Filter{Suivi: "resolu"}); err != nil || p.Total != resolved[code] {
			t.Errorf("%s resolved: %v %v, want %d", code, p.Total, err, resolved[code])
		}
		if p, err := set.Page(region, Filter{Structure: code}); err != nil || p.Total != n {
			t.Errorf("region, structure %s: %v %v, want %d", code, p.Total, err, n)
		}
	}
	c, err := set.Count(region, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for axis, keys := range c {
		sum := 0
		for _, n := range keys {
			sum += n
		}
		if sum != total {
			t.Errorf("counts along %s add up to %d, want %d", axis, sum, total)
		}
	}
	for rule, n := range byRule {
		if c["rule"][rule] != n {
			t.Errorf("%s: %d counted, %d in the warehouse", rule, c["rule"][rule], n)
		}
	}
	// A structure account asking for another structure is refused.
	var codes []string
	for code := range open {
		codes = append(codes, code)
	}
	if _, err := set.Page(StructureScope(codes[0]), Filter{Structure: codes[1]}); !errors.Is(err, ErrForbidden) {
		t.Errorf("another structure asked for: %v", err)
	}
	// Filters keep what they name.
	all, _ := set.Page(region, Filter{Limit: MaxLimit})
	lieu, cons := "", ""
	for _, f := range all.Items {
		if f.CodeLieu != "" && f.IDConseiller != "" {
			lieu, cons = f.CodeLieu, f.IDConseiller
			break
		}
	}
	for _, f := range []Filter{{Famille: "RDV"}, {Rule: "DOS-01"}, {Gravite: "erreur"}, {Suivi: "nouveau"}, {Suivi: "persistant"},
		{Lieu: lieu}, {Conseiller: cons}, {Structure: codes[0], Gravite: "alerte"},
		{From: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}, {To: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)}} {
		f.Limit = MaxLimit
		p, err := set.Page(region, f)
		if err != nil || p.Total == 0 {
			t.Errorf("%+v: %v, %v (the demo region has some)", f, p, err)
			continue
		}
		for _, it := range p.Items {
			day := it.PremiereDetection
			if (f.Famille != "" && !strings.HasPrefix(it.Rule, f.Famille+"-")) || (f.Rule != "" && it.Rule != f.Rule) ||
				(f.Gravite != "" && it.Gravite != f.Gravite) || (f.Suivi != "" && it.Suivi != f.Suivi) || it.Suivi == "resolu" ||
				(f.Lieu != "" && it.CodeLieu != f.Lieu) || (f.Conseiller != "" && it.IDConseiller != f.Conseiller) ||
				(f.Structure != "" && it.CodeStructure != f.Structure) ||
				(!f.From.IsZero() && day.Before(f.From)) || (!f.To.IsZero() && day.After(f.To)) {
				t.Errorf("%+v shows %+v", f, it)
				break
			}
		}
	}
	// Every sort, both ways, pages through every finding once, in order.
	for _, key := range SortKeys {
		for _, desc := range []bool{false, true} {
			seen := map[Finding]bool{}
			var prev *Finding
			for offset := 0; ; offset += 97 {
				p, err := set.Page(region, Filter{Sort: key, Desc: desc, Limit: 97, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				for i := range p.Items {
					it := p.Items[i]
					if seen[it] {
						t.Fatalf("sort %s desc=%v: %+v on two pages", key, desc, it)
					}
					seen[it] = true
					if prev != nil && outOfOrder(key, desc, prev, &it) {
						t.Fatalf("sort %s desc=%v: %+v before %+v", key, desc, *prev, it)
					}
					prev = &it
				}
				if len(p.Items) < 97 {
					break
				}
			}
			if len(seen) != total {
				t.Errorf("sort %s desc=%v: %d findings paged through, want %d", key, desc, len(seen), total)
			}
		}
	}
}

// outOfOrder tells whether b may not follow a under the sort key: empty
// values last whatever the direction.
func outOfOrder(key string, desc bool, a, b *Finding) bool {
	var x, y string
	switch key {
	case "gravite":
		i, j := slices.Index(Gravites, a.Gravite), slices.Index(Gravites, b.Gravite)
		return (!desc && i > j) || (desc && i < j)
	case "detection":
		return (!desc && a.PremiereDetection.After(b.PremiereDetection)) || (desc && a.PremiereDetection.Before(b.PremiereDetection))
	case "rule":
		x, y = a.Rule, b.Rule
	case "structure":
		x, y = a.CodeStructure, b.CodeStructure
	case "objet":
		x, y = a.IDObjet, b.IDObjet
	case "dossier":
		x, y = a.IDDossier, b.IDDossier
	case "suivi":
		x, y = a.Suivi, b.Suivi
	case "lieu":
		x, y = a.CodeLieu, b.CodeLieu
	case "conseiller":
		x, y = a.IDConseiller, b.IDConseiller
	}
	switch {
	case x == "" || y == "":
		return x == "" && y != ""
	case desc:
		return x < y
	}
	return x > y
}
