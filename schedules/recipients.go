package schedules

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// KnownStructures returns the structure codes the warehouse holds.
func KnownStructures(ctx context.Context, w *warehouse.Warehouse) ([]string, error) {
	text, err := sqlfiles.Read(w.SQL, "schedules/structures.sql")
	if err != nil {
		return nil, err
	}
	rows, err := w.DB.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("read structures: %w", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("read structures: %w", err)
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}

// CheckStructures checks the directors, and the structures whose
// counsellors get their lists, against the structures the warehouse knows
// (none yet: nothing to check). A director of an unknown structure is
// an error (a typo would leave a director without their files); the
// structures without a director are returned, for a warning: their files go
// to nobody.
func (c *Config) CheckStructures(known []string) (orphans []string, err error) {
	if len(known) == 0 {
		return nil, nil
	}
	set := map[string]bool{}
	for _, k := range known {
		set[k] = true
	}
	directed := map[string]bool{}
	var bad []string
	for i, d := range c.Recipients.Directors {
		directed[d.Structure] = true
		if !set[d.Structure] {
			bad = append(bad, fmt.Sprintf("recipients.directors[%d].structure = %q : structure inconnue de l'entrepôt (faute de frappe ?)", i, d.Structure))
		}
	}
	for i, code := range c.Counsellors.Structures {
		if code != "*" && !set[code] { // "*": every structure
			bad = append(bad, fmt.Sprintf("counsellors.structures[%d] = %q : structure inconnue de l'entrepôt (faute de frappe ?) ; ses conseillers ne recevraient jamais leur liste", i, code))
		}
	}
	for _, k := range known {
		if !directed[k] {
			orphans = append(orphans, k)
		}
	}
	sort.Strings(orphans)
	if len(bad) > 0 {
		return orphans, fmt.Errorf("%s\nstructures connues : %s", strings.Join(bad, "\n"), strings.Join(known, ", "))
	}
	return orphans, nil
}
