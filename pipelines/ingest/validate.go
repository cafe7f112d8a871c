package ingest

import (
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// The staging query of a table is generated from its spec: every identifier
// comes from the spec (the allow-list) through warehouse.Ident, every value
// rule from the macros of sql/ingest/macros.sql. Its result, stg_<table>,
// has one parsed column per table column and err: NULL for a row to load,
// else struct(col, val, reason) with the first reason found. The query only
// projects its source, so that, written with the insertion order kept, the
// rowid of a row of stg_<table> is its position among the rows read: the
// quarantine finds a row's line and raw text from it (staged.quarantineRaw).

func stgTable(t *Table) string  { return warehouse.MustIdent("stg_" + t.Name) }
func keysTable(t string) string { return warehouse.MustIdent("keys_" + t) }

// preExpr is the value that the parse of a column of a list or code kind
// uses more than once, from its trimmed text n: the normalised code, or the
// list. It is "" for the other kinds.
func preExpr(c Column, n string) string {
	switch c.Kind {
	case Code:
		// A code already in its normal form is its own code.
		return "CASE WHEN " + codeIn(c, n) + " THEN " + n + " ELSE vigie_code_t(" + n + ") END"
	case CodeList:
		return "vigie_code_list_t(" + n + ")"
	case TextList:
		return "vigie_list_t(" + n + ")"
	default:
		return ""
	}
}

// parseExpr is the parsed value of column c from its trimmed text n
// (vigie_null of the raw text) and, for a list or code kind, pre (the value
// of preExpr, a column or the expression itself).
func parseExpr(c Column, n, pre string) string {
	switch c.Kind {
	case Date:
		return "vigie_date_t(" + n + ")"
	case DateTime:
		return "vigie_datetime_t(" + n + ")"
	case DateOrTime:
		return "vigie_date_or_time_t(" + n + ")"
	case Decimal:
		return "vigie_decimal_t(" + n + ")"
	case Bool:
		if c.Default != "" {
			return "CASE WHEN " + n + " IS NULL THEN " + c.Default + " ELSE vigie_bool_t(" + n + ") END"
		}
		return "vigie_bool_t(" + n + ")"
	case Code:
		return "CASE WHEN " + codeIn(c, pre) + " THEN " + pre + " END"
	case CodeList:
		return "CASE WHEN len(" + pre + ") > 0 AND len(list_filter(" + pre + ", x -> NOT " + codeIn(c, "x") + ")) = 0 THEN " + pre + " END"
	case TextList:
		return "CASE WHEN len(" + pre + ") > 0 THEN " + pre + " END"
	case Month:
		return "vigie_month_t(" + n + ")"
	case Identifier:
		return "vigie_identifier_t(" + n + ")"
	case SpacedDigits:
		return "vigie_spaced_digits_t(" + n + ")"
	default:
		return n
	}
}

// codeIn is the SQL test that v is one of c's codes. It is a function call,
// not v IN (…): DuckDB plans a long IN list as a join, which does not keep
// the order of the rows, and stg_<table> must be written in file order.
func codeIn(c Column, v string) string {
	return "list_contains([" + codeList(c.Codes) + "], " + v + ")"
}

// codeList renders the allowed codes as SQL literals. Codes are constants
// of the spec (lower-case ASCII).
func codeList(codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = warehouse.Literal(c)
	}
	return strings.Join(q, ", ")
}

// invalidReason is the French reason given for a value that does not parse.
func invalidReason(c Column) string {
	switch c.Kind {
	case Date:
		return "date invalide (attendu jj/mm/aaaa ou aaaa-mm-jj)"
	case DateTime:
		return "date-heure invalide (attendu jj/mm/aaaa hh:mm[:ss] ou aaaa-mm-jj hh:mm[:ss])"
	case DateOrTime:
		return "date invalide (attendu une date ou une date-heure)"
	case Decimal:
		return "nombre décimal invalide (attendu 1234,56 ou 1234.56 : deux décimales au plus, sans séparateur de milliers)"
	case Bool:
		return "booléen invalide (attendu oui/non, o/n, vrai/faux, true/false ou 1/0)"
	case Code:
		return "code inconnu (attendu : " + strings.Join(c.Codes, ", ") + ")"
	case CodeList:
		return "liste de codes invalide (codes séparés par |, parmi : " + strings.Join(c.Codes, ", ") + ")"
	case TextList:
		return "liste vide (valeurs séparées par |)"
	case Month:
		return "mois invalide (attendu aaaa-mm)"
	case Identifier:
		return "code invalide (lettres, chiffres, - et _ seulement, 32 caractères au plus)"
	default:
		return "valeur invalide"
	}
}

func errStruct(col, val, reason string) string {
	return "struct_pack(col := " + warehouse.Literal(col) + ", val := " + val + "::VARCHAR, reason := " + warehouse.Literal(reason) + ")"
}

// dupsTable is the temporary table of the keys a file holds more than once.
func dupsTable(t *Table) string { return warehouse.MustIdent("dups_" + t.Name) }

// dupsSQL builds dups_<table>: the keys found more than once in the file,
// from the parsed keys of stg_<table> (k, or k0, k1, … for a composite key).
func dupsSQL(t *Table) string {
	var sel, notNull []string
	for i, c := range t.KeyColumns() {
		k := warehouse.MustIdent("p_" + c)
		sel = append(sel, k+" AS "+dupsCol(t, i))
		notNull = append(notNull, k+" IS NOT NULL")
	}
	return `CREATE OR REPLACE TEMP TABLE ` + dupsTable(t) + ` AS
SELECT ` + strings.Join(sel, ", ") + ` FROM ` + stgTable(t) + ` WHERE ` + strings.Join(notNull, " AND ") + ` GROUP BY ALL HAVING count(*) > 1`
}

// dupsCol is the column of dups_<table> holding the i-th key column.
func dupsCol(t *Table, i int) string {
	if len(t.CompositeKey) == 0 {
		return "k"
	}
	return "k" + itoa(i)
}

// dupsJoin is the join of dups_<table> (alias d) to the rows of alias s, and
// the duplicate key's column and value as the quarantine names them.
func dupsJoin(t *Table, s string) (on, col, val string) {
	var conds, vals []string
	for i, c := range t.KeyColumns() {
		p := s + "." + warehouse.MustIdent("p_"+c)
		conds = append(conds, p+" = d."+dupsCol(t, i))
		vals = append(vals, p)
	}
	if len(vals) == 1 {
		return conds[0], t.Key, vals[0]
	}
	return strings.Join(conds, " AND "), strings.Join(t.KeyColumns(), ","), "concat_ws(',', " + strings.Join(vals, ", ") + ")"
}

// errType is the type of the err column of stg_<table>.
const errType = "STRUCT(col VARCHAR, val VARCHAR, reason VARCHAR)"

// stagingSQL builds the query creating stg_<table> from src: a table, or a
// subquery, holding one text column per table column, named as it, in the
// order of the file. It checks each row's values; keys and references are
// checked after (checkSQL).
func stagingSQL(t *Table, src string) string {
	// Each cell is trimmed once (trimmed: n_<column>), the code or list a
	// parse uses twice is computed once (pre: c_<column>), each value is
	// parsed once (parsed: p_<column>), then checked: a non-empty cell
	// whose parse is NULL does not parse. The reasons quote the raw text.
	var trimmed, pre, parsed, kept, rowErr strings.Builder
	whens := 0
	for i, c := range t.Columns {
		r := warehouse.MustIdent(c.Name)
		n := warehouse.MustIdent("n_" + c.Name)
		p := warehouse.MustIdent("p_" + c.Name)
		if i > 0 {
			trimmed.WriteString(",")
			kept.WriteString(", ")
		}
		trimmed.WriteString("\n\t\t" + r + ", vigie_null(" + r + ") AS " + n)
		pc := ""
		if e := preExpr(c, n); e != "" {
			pc = warehouse.MustIdent("c_" + c.Name)
			pre.WriteString(",\n\t\t" + e + " AS " + pc)
		}
		parsed.WriteString(",\n\t\t" + parseExpr(c, n, pc) + " AS " + p)
		kept.WriteString(p)
		if c.Required {
			whens++
			rowErr.WriteString("\n\t\tWHEN " + n + " IS NULL THEN " +
				errStruct(c.Name, "NULL", "valeur obligatoire manquante"))
		}
		if c.Kind != Text {
			whens++
			rowErr.WriteString("\n\t\tWHEN " + p + " IS NULL AND " + n + " IS NOT NULL THEN " +
				errStruct(c.Name, r, invalidReason(c)))
		}
	}
	errExpr := "NULL::" + errType
	if whens > 0 {
		errExpr = "CASE" + rowErr.String() + "\n\tEND"
	}
	return `CREATE OR REPLACE TEMP TABLE ` + stgTable(t) + ` AS
WITH trimmed AS (
	SELECT` + trimmed.String() + `
	FROM ` + src + `
), pre AS (
	SELECT *` + pre.String() + `
	FROM trimmed
), parsed AS (
	SELECT *` + parsed.String() + `
	FROM pre
)
SELECT ` + kept.String() + `,
	` + errExpr + ` AS err
FROM parsed`
}

// checkSQL builds the statements that mark, among the rows of stg_<table>
// whose values parse, those whose key the file holds more than once (when
// dups: dups_<table> holds a key), then those whose references point to no
// row, column after column: a row keeps the first reason found. Only the
// marked rows are written; none moves, so their rowid stays their position.
func checkSQL(t *Table, dups bool) []string {
	stg := stgTable(t)
	var out []string
	if dups {
		on, col, val := dupsJoin(t, "s")
		out = append(out, `UPDATE `+stg+` AS s SET err = `+errStruct(col, val, "clé en double dans le fichier : toutes les lignes portant cette clé sont écartées")+`
FROM `+dupsTable(t)+` d WHERE s.err IS NULL AND `+on)
	}
	for _, c := range t.Columns {
		if c.Ref == "" {
			continue
		}
		p := "s." + warehouse.MustIdent("p_"+c.Name)
		out = append(out, `UPDATE `+stg+` AS s SET err = `+errStruct(c.Name, p, "référence inconnue : aucune ligne de la table "+c.Ref+" n'a cette clé")+`
WHERE s.err IS NULL AND `+p+` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `+keysTable(c.Ref)+` k WHERE k.k = `+p+`)`)
	}
	return out
}

// keysSQL builds keys_<table>: the keys a reference may point to after this
// extraction, those of the warehouse and those about to be loaded.
func keysSQL(t *Table, staged bool) string {
	k := warehouse.MustIdent(t.Key)
	q := `CREATE OR REPLACE TEMP TABLE ` + keysTable(t.Name) + ` AS SELECT ` + k + ` AS k FROM ` + warehouse.MustIdent(t.Name)
	if staged {
		q += ` UNION SELECT ` + warehouse.MustIdent("p_"+t.Key) + ` FROM ` + stgTable(t) + ` WHERE err IS NULL`
	}
	return q
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
