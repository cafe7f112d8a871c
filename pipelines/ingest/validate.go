package ingest

import (
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// The staging query of a table is generated from its spec: every identifier
// comes from the spec (the allow-list) through warehouse.Ident, every value
// rule from the macros of sql/ingest/macros.sql. Its result, stg_<table>,
// has __pos, one parsed column per table column and err: NULL for a row to
// load, else struct(col, val, reason) with the first reason found.

func stgTable(t *Table) string  { return warehouse.MustIdent("stg_" + t.Name) }
func keysTable(t string) string { return warehouse.MustIdent("keys_" + t) }

// parseExpr is the parsed value of column c from its raw text r.
func parseExpr(c Column, r string) string {
	switch c.Kind {
	case Date:
		return "vigie_date(" + r + ")"
	case DateTime:
		return "vigie_datetime(" + r + ")"
	case DateOrTime:
		return "vigie_date_or_time(" + r + ")"
	case Decimal:
		return "vigie_decimal(" + r + ")"
	case Bool:
		if c.Default != "" {
			return "CASE WHEN vigie_null(" + r + ") IS NULL THEN " + c.Default + " ELSE vigie_bool(" + r + ") END"
		}
		return "vigie_bool(" + r + ")"
	case Code:
		return "CASE WHEN vigie_code(" + r + ") IN (" + codeList(c.Codes) + ") THEN vigie_code(" + r + ") END"
	case CodeList:
		return "CASE WHEN len(vigie_code_list(" + r + ")) > 0 AND len(list_filter(vigie_code_list(" + r + "), x -> x NOT IN (" +
			codeList(c.Codes) + "))) = 0 THEN vigie_code_list(" + r + ") END"
	case TextList:
		return "CASE WHEN len(vigie_list(" + r + ")) > 0 THEN vigie_list(" + r + ") END"
	case Month:
		return "vigie_month(" + r + ")"
	case Identifier:
		return "vigie_identifier(" + r + ")"
	case SpacedDigits:
		return "vigie_spaced_digits(" + r + ")"
	default:
		return "vigie_null(" + r + ")"
	}
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
		return "nombre décimal invalide (attendu 1234,56 ou 1234.56, sans séparateur de milliers)"
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
		return "code invalide (lettres, chiffres, - et _ seulement)"
	default:
		return "valeur invalide"
	}
}

func errStruct(col, val, reason string) string {
	return "struct_pack(col := " + warehouse.Literal(col) + ", val := " + val + "::VARCHAR, reason := " + warehouse.Literal(reason) + ")"
}

// stagingSQL builds the query creating stg_<table> from raw_<table>.
func dupsTable(t *Table) string { return warehouse.MustIdent("dups_" + t.Name) }

// dupsSQL builds dups_<table>: the keys found more than once in the file. It
// reads the key column alone, so the check itself is one pass over the rows.
func dupsSQL(t *Table) string {
	key, _ := t.Column(t.Key)
	k := parseExpr(key, warehouse.MustIdent(key.Name))
	return `CREATE OR REPLACE TEMP TABLE ` + dupsTable(t) + ` AS
SELECT ` + k + ` AS k FROM ` + rawTable(t) + ` WHERE ` + k + ` IS NOT NULL GROUP BY ALL HAVING count(*) > 1`
}

// refsStaged tells, per referenced table, whether keys_<table> exists (it
// always does once a table is staged or the warehouse has it).
func stagingSQL(t *Table) string {
	// Each value is parsed once (raw_parsed), then checked against its raw
	// text (parsed): a non-empty cell whose parse is NULL does not parse.
	var parsed, kept, rowErr strings.Builder
	rowErr.WriteString("CASE")
	for _, c := range t.Columns {
		r := warehouse.MustIdent(c.Name)
		p := warehouse.MustIdent("p_" + c.Name)
		parsed.WriteString(",\n\t\t" + parseExpr(c, r) + " AS " + p)
		kept.WriteString(", " + p)
		if c.Required {
			rowErr.WriteString("\n\t\tWHEN vigie_null(" + r + ") IS NULL THEN " +
				errStruct(c.Name, "NULL", "valeur obligatoire manquante"))
		}
		if c.Kind != Text {
			rowErr.WriteString("\n\t\tWHEN " + p + " IS NULL AND vigie_null(" + r + ") IS NOT NULL THEN " +
				errStruct(c.Name, r, invalidReason(c)))
		}
	}
	rowErr.WriteString("\n\tEND")

	key := warehouse.MustIdent("p_" + t.Key)
	var joins, refErr strings.Builder
	refErr.WriteString("CASE WHEN d.k IS NOT NULL THEN " + errStruct(t.Key, "parsed."+key, "clé en double dans le fichier : toutes les lignes portant cette clé sont écartées"))
	for i, c := range t.Columns {
		if c.Ref == "" {
			continue
		}
		alias := "k" + itoa(i)
		p := "parsed." + warehouse.MustIdent("p_"+c.Name)
		joins.WriteString("\n\tLEFT JOIN " + keysTable(c.Ref) + " " + alias + " ON " + p + " = " + alias + ".k")
		refErr.WriteString("\n\t\tWHEN " + p + " IS NOT NULL AND " + alias + ".k IS NULL THEN " +
			errStruct(c.Name, p, "référence inconnue : aucune ligne de "+c.Ref+" n'a cette clé"))
	}
	refErr.WriteString("\n\tEND")

	return `CREATE OR REPLACE TEMP TABLE ` + stgTable(t) + ` AS
WITH dups AS (
	SELECT k FROM ` + dupsTable(t) + `
), raw_parsed AS (
	SELECT *` + parsed.String() + `
	FROM ` + rawTable(t) + `
), parsed AS (
	SELECT __pos` + kept.String() + `,
	` + rowErr.String() + ` AS err0
	FROM raw_parsed
)
SELECT parsed.* EXCLUDE (err0), coalesce(parsed.err0, ` + refErr.String() + `) AS err
FROM parsed
	LEFT JOIN dups d ON parsed.` + key + ` = d.k` + joins.String()
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
