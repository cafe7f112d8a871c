package archive

import (
	"fmt"
	"strings"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Markers of sql/archive/anonymise.sql that identity fills in.
const (
	markIdentity      = "-- @identity"
	markFreeText      = "-- @free_text"
	markDossierTables = "/* @dossier_tables */"
)

// Dropped lists, for each extract table of a dossier, the columns an
// archiving sets to NULL: the identity of dossiers and the free text of the
// rows linked to a dossier. It is read from the extract format's declaration
// (ingest.Tables), the one list from which ingest also drops these columns
// for archived dossiers and masks identity values in its messages.
func Dropped() map[string][]string {
	out := map[string][]string{}
	for _, t := range ingest.Tables {
		if t.Name != "dossiers" && t.Dossier == "" {
			continue
		}
		for _, c := range t.Columns {
			if t.ArchivedDrops(c) {
				out[t.Name] = append(out[t.Name], c.Name)
			}
		}
	}
	return out
}

// anonymiseSQL writes the lines of anonymise.sql marked @ from Dropped.
func anonymiseSQL(text string) (string, error) {
	for _, m := range []string{markIdentity, markFreeText, markDossierTables} {
		if !strings.Contains(text, m) {
			return "", fmt.Errorf("archive/anonymise.sql lacks the marker %q", m)
		}
	}
	dropped := Dropped()
	quote := func(name string) (string, error) { return warehouse.Ident(name) }
	var identity strings.Builder
	for _, c := range dropped["dossiers"] {
		q, err := quote(c)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&identity, "    %s = NULL,\n", q)
	}
	var free strings.Builder
	tables := []string{warehouse.Literal("dossiers")}
	for _, t := range ingest.Tables {
		if t.Dossier == "" {
			continue
		}
		tables = append(tables, warehouse.Literal(t.Name))
		cols := dropped[t.Name]
		if len(cols) == 0 {
			continue
		}
		tq, err := quote(t.Name)
		if err != nil {
			return "", err
		}
		dq, err := quote(t.Dossier)
		if err != nil {
			return "", err
		}
		var set, some []string
		for _, c := range cols {
			q, err := quote(c)
			if err != nil {
				return "", err
			}
			set = append(set, q+" = NULL")
			some = append(some, q+" IS NOT NULL")
		}
		fmt.Fprintf(&free, "UPDATE %s SET %s\nWHERE (%s)\n  AND %s IN (SELECT id_dossier FROM archive_selection);\n\n",
			tq, strings.Join(set, ", "), strings.Join(some, " OR "), dq)
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(strings.TrimSpace(l), markIdentity):
			lines[i] = strings.TrimSuffix(identity.String(), "\n")
		case strings.HasPrefix(strings.TrimSpace(l), markFreeText):
			lines[i] = strings.TrimSuffix(free.String(), "\n")
		}
	}
	return strings.Replace(strings.Join(lines, "\n"), markDossierTables, strings.Join(tables, ", "), 1), nil
}
