package lake

import (
	"fmt"
	"strings"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// How a column goes into the lake.
type role int

const (
	keep     role = iota // as it is
	hash                 // through the keyed hash
	hashList             // a list of ids, each through the keyed hash
)

// column is one column of a dataset.
type column struct {
	name string
	role role
	// ref is the table whose key a hashed column references: its hash is
	// read from that table's map (each id hashed once per export, not once
	// per row that mentions it).
	ref string
}

// dataset is one table of the lake: its columns and how each row finds its
// structure (joins along the references, when the table has no
// code_structure of its own).
type dataset struct {
	table     string
	columns   []column
	joins     []string // "LEFT JOIN … ON …", in order
	structure string   // the expression of the row's structure
}

// extraColumns are the columns the warehouse adds to an extract table that
// the lake keeps (none holds an identity: the birth year, the archiving).
var extraColumns = map[string][]string{
	"dossiers": {"annee_naissance", "archive", "date_archivage", "motif_archivage"},
}

// valueColumns hold ids or values a transfer moves (rules.md TRF): hashed
// too, so that an id never leaves in clear.
var valueColumns = map[string]map[string]role{
	"transferts":   {"source": hash, "destination": hash, "selection": hashList},
	"utilisateurs": {"identifiant": hash}, // a login is made of the person's name
}

// findings is the findings history, without its French detail (a sentence
// that may quote a value).
var findings = dataset{table: "findings", structure: "t.code_structure", columns: []column{
	{name: "run_id"}, {name: "rule"}, {name: "gravite"}, {name: "objet"}, {name: "id_objet", role: hash}, {name: "id_lie", role: hash},
	{name: "id_dossier", role: hash, ref: "dossiers"}, {name: "suivi"}, {name: "premiere_detection"}, {name: "nb_runs"},
}}

// isID tells whether a column of t holds an id: any id_… column (the
// table's key, or an account of another system no table lists, such as
// j2_actions' id_intervenant), or a reference to another table's key when
// that key is an id_… (a structure or a site code is no person's id and
// stays readable).
func isID(t *ingest.Table, c ingest.Column) bool {
	if strings.HasPrefix(c.Name, "id_") {
		return true
	}
	if c.Ref == "" {
		return false
	}
	rt, ok := ingest.TableByName(c.Ref)
	return ok && strings.HasPrefix(rt.Key, "id_")
}

// datasets returns the lake's datasets: every extract table, then the
// findings. The columns come from the extract tables' specifications, the
// project's one list of what is an identity and what is free text: those
// never leave.
func datasets() ([]dataset, error) {
	var out []dataset
	for _, t := range ingest.Tables {
		d := dataset{table: t.Name}
		for _, c := range t.Columns {
			switch {
			case c.Identity || c.FreeText:
				continue
			case c.Name == "code_structure":
				continue // the partition
			case isID(t, c):
				d.columns = append(d.columns, column{name: c.Name, role: hash, ref: c.Ref})
			default:
				d.columns = append(d.columns, column{name: c.Name, role: valueColumns[t.Name][c.Name]})
			}
		}
		for _, name := range extraColumns[t.Name] {
			d.columns = append(d.columns, column{name: name, role: keep})
		}
		var err error
		if d.joins, d.structure, err = structureOf(t, "t", 0); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return append(out, findings), nil
}

// structureOf finds the structure of a row of t (aliased alias): its own
// code_structure, or that of the first table it references that has one,
// following the references.
func structureOf(t *ingest.Table, alias string, depth int) ([]string, string, error) {
	if _, ok := t.Column("code_structure"); ok {
		return nil, alias + "." + warehouse.MustIdent("code_structure"), nil
	}
	if depth > 4 {
		return nil, "", fmt.Errorf("lake: no structure reachable from table %s", t.Name)
	}
	for _, c := range t.Columns {
		if c.Ref == "" {
			continue
		}
		rt, ok := ingest.TableByName(c.Ref)
		if !ok {
			continue
		}
		next := fmt.Sprintf("s%d", depth+1)
		joins, expr, err := structureOf(rt, next, depth+1)
		if err != nil {
			continue
		}
		j := fmt.Sprintf("LEFT JOIN %s AS %s ON %s.%s = %s.%s", warehouse.MustIdent(rt.Name), next,
			next, warehouse.MustIdent(rt.Key), alias, warehouse.MustIdent(c.Name))
		return append([]string{j}, joins...), expr, nil
	}
	return nil, "", fmt.Errorf("lake: no structure reachable from table %s", t.Name)
}

// mapName is the temporary table that maps the ids of table to their hash.
func mapName(table string) string { return warehouse.MustIdent("lake_map_" + table) }

// maps returns the tables whose ids other tables reference, each once.
func maps(ds []dataset) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range ds {
		for _, c := range d.columns {
			if c.ref != "" && !seen[c.ref] {
				seen[c.ref] = true
				out = append(out, c.ref)
			}
		}
	}
	return out
}

// selectSQL is the SELECT that gives the dataset's rows.
func (d dataset) selectSQL() string {
	cols := make([]string, 0, len(d.columns)+1)
	joins := append([]string(nil), d.joins...)
	for i, c := range d.columns {
		q := "t." + warehouse.MustIdent(c.name)
		switch {
		case c.role == hash && c.ref != "":
			// A reference that is no id of its table (a dangling one) is hashed here.
			m := fmt.Sprintf("m%d", i)
			joins = append(joins, fmt.Sprintf("LEFT JOIN %s AS %s ON %s.id = %s", mapName(c.ref), m, m, q))
			q = "coalesce(" + m + ".h, vigie_hmac(" + q + "))"
		case c.role == hash:
			q = "vigie_hmac(" + q + ")"
		case c.role == hashList:
			q = "list_transform(" + q + ", x -> vigie_hmac(x))"
		}
		cols = append(cols, q+" AS "+warehouse.MustIdent(c.name))
	}
	cols = append(cols, d.structure+" AS code_structure")
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + warehouse.MustIdent(d.table) + " AS t " + strings.Join(joins, " ")
}
