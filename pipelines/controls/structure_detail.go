package controls

import "regexp"

// TER-01's detail names the other structures whose coverage holds the
// commune (rules.md). What a structure-scoped reader sees must not name
// another structure (console.md: no name or id of another structure, on any
// page, export or SQL answer), nor must a structure's own files. So a
// structure's pages, SQL copy and reports show the detail with the other
// structures replaced by a sentence that sends the director to the ARML,
// which arbitrates coverage (`vigie territoire plan` is a regional command);
// the findings table and the regional outputs keep the detail as rules.md
// writes it.
const (
	// OthersPattern matches TER-01's detail up to the list of the other
	// structures (sql/controls/ter.sql); RE2, as Go's regexp and DuckDB's
	// regexp_replace both read it.
	OthersPattern = `^(La commune [0-9AB]+ est aussi dans la zone de couverture) de .+? : `
	// OthersText replaces the list after the pattern's first group.
	OthersText = ` d'au moins une autre Mission Locale de la région, que l'ARML vous indiquera : `
	// OthersUnknown replaces a TER-01 detail the pattern does not match, so
	// that a change of wording fails closed.
	OthersUnknown = `Cette commune est aussi dans la zone de couverture d'au moins une autre Mission Locale de la région, que l'ARML vous indiquera : une commune relève d'une seule Mission Locale, mettez les zones à jour.`
)

var othersRe = regexp.MustCompile(OthersPattern)

// StructureDetail is a finding's detail as a structure-scoped reader sees
// it: TER-01's without the other structures, every other rule's unchanged.
func StructureDetail(rule, detail string) string {
	if rule != "TER-01" {
		return detail
	}
	if !othersRe.MatchString(detail) {
		return OthersUnknown
	}
	return othersRe.ReplaceAllString(detail, "${1}"+OthersText)
}
