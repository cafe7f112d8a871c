package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/french"
)

// ResultColumns types the columns of a query's result from their DuckDB
// type names: dates are dates, counts and amounts numbers, the rest text.
func ResultColumns(names, types []string) []XColumn {
	cols := make([]XColumn, len(names))
	for i, c := range names {
		cols[i] = XColumn{Header: c, Kind: KindOfType(types[i])}
	}
	return cols
}

// KindOfType types a workbook column from its DuckDB type name.
func KindOfType(typ string) Kind {
	switch typ {
	case "DATE":
		return Date
	case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE":
		return DateTime
	case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER":
		return Int
	case "DOUBLE", "FLOAT":
		return Float
	}
	if strings.HasPrefix(typ, "DECIMAL") { // DECIMAL(10,2)
		return Float
	}
	return Text
}

// AnalysisResult is the result of a saved analysis as a subscription sends
// it: what it is, over which scope, when it was computed, and its rows.
type AnalysisResult struct {
	Titre, Description string
	Scope              string // « structure ML-A », « toute la région »
	At                 time.Time
	Loaded             time.Time // when its data was loaded (zero: never)
	Columns, Types     []string
	Rows               [][]any
	Truncated          bool // the rows stop at the console's limit
	Bars               bool // shown as bars: a chart of the first two columns
}

// WriteAnalysis writes an analysis's result as a workbook (mode 0600): a
// title block saying what and over which scope, the rows typed from their
// DuckDB types, and the bar chart when the analysis shows bars.
func WriteAnalysis(path string, r AnalysisResult) error {
	wb, err := NewWorkbook()
	if err != nil {
		return err
	}
	title := []string{r.Titre,
		fmt.Sprintf("Périmètre : %s — calculé le %s — %s", r.Scope, frDateTime(r.At), countNoun(len(r.Rows), "ligne", "lignes")),
		"Données : " + loadedWords(r.Loaded)}
	if r.Truncated {
		title = append(title, fmt.Sprintf("Résultat limité aux %s premières lignes : restreignez la requête pour tout recevoir.", frInt(int64(len(r.Rows)))))
	}
	if r.Description != "" {
		title = append(title, r.Description)
	}
	sheet := Sheet{Name: "Analyse", Columns: ResultColumns(r.Columns, r.Types), Rows: r.Rows, Title: title}
	if r.Bars && len(r.Columns) >= 2 && len(r.Rows) > 0 && sheet.Columns[1].Kind != Text {
		sheet.Charts = []XChart{{Title: r.Titre, Type: excelize.Bar, Categories: 0, Values: []int{1}}}
	}
	if err := wb.AddSheet(sheet); err != nil {
		return err
	}
	if err := wb.Finish(r.Titre, r.At); err != nil {
		return err
	}
	return wb.WriteFile(path)
}

// SubscriptionLine is one analysis of a subscriber's email: sent with its
// row count, or not, and why.
type SubscriptionLine struct {
	Titre     string
	Frequence string // « chaque lundi »
	File      string // the attached file's name; "" when not sent
	Rows      int
	Truncated bool
	Why       string // why it was not sent (French)
}

// SubscriptionMessage is the body of a subscriber's email: one line per
// analysis it subscribed to and that was due, computed at computed over
// scope (region: the whole region) from the data loaded at loaded. Titles
// and counts only: the rows are in the attached workbooks.
func SubscriptionMessage(computed, loaded time.Time, scope string, region bool, lines []SubscriptionLine) string {
	var b strings.Builder
	sent := 0
	for _, l := range lines {
		if l.File != "" {
			sent++
		}
	}
	b.WriteString("Bonjour,\n\n")
	if sent == 0 {
		b.WriteString(french.Plural(int64(len(lines)),
			"L'analyse à laquelle vous êtes abonné·e dans la console vigie ne vous est pas envoyée aujourd'hui :\n\n",
			"Aucune des analyses auxquelles vous êtes abonné·e dans la console vigie ne vous est envoyée aujourd'hui :\n\n"))
	} else {
		fmt.Fprintf(&b, "%s dans la console vigie.\nPérimètre : %s ; %s le %s %s.\n\n",
			french.Plural(int64(len(lines)), "Voici l'analyse à laquelle vous êtes abonné·e", "Voici les analyses auxquelles vous êtes abonné·e"),
			scope, french.Plural(int64(len(lines)), "calculée", "calculées"), frDateTime(computed), dataWords(loaded))
	}
	for _, l := range lines {
		// A title saved before titles were one line only may hold line
		// breaks: in a plain-text email they would forge paragraphs.
		l.Titre = strings.Join(strings.Fields(l.Titre), " ")
		switch {
		case l.File == "":
			fmt.Fprintf(&b, "- « %s » (%s) : non envoyée, %s.\n", l.Titre, l.Frequence, l.Why)
		case l.Truncated:
			fmt.Fprintf(&b, "- « %s » (%s) : %s, limitée aux premières lignes (%s).\n", l.Titre, l.Frequence, countNoun(l.Rows, "ligne", "lignes"), l.File)
		default:
			fmt.Fprintf(&b, "- « %s » (%s) : %s (%s).\n", l.Titre, l.Frequence, countNoun(l.Rows, "ligne", "lignes"), l.File)
		}
	}
	b.WriteString("\n")
	if sent > 0 {
		them := french.Plural(int64(sent), "le", "les")
		advice := "ne " + them + " transférez pas hors de votre structure"
		if region {
			advice = "ne " + them + " transmettez qu'aux personnes habilitées à les lire"
		}
		fmt.Fprintf(&b, "%s des données personnelles : %s.\n", french.Plural(int64(sent), "Ce fichier contient", "Ces fichiers contiennent"), advice)
	}
	b.WriteString("Pour changer la fréquence ou vous désabonner : la page « Abonnements » de la console.\n")
	return b.String()
}

// loadedWords says how fresh the data is: « extraction chargée le
// 23/11/2026 à 06:02 ».
func loadedWords(t time.Time) string {
	if t.IsZero() {
		return "aucune extraction chargée"
	}
	return "extraction chargée le " + frDateTime(t)
}

// dataWords ends the email's first sentence with the data's freshness.
func dataWords(t time.Time) string {
	if t.IsZero() {
		return "alors qu'aucune extraction n'a encore été chargée"
	}
	return "sur l'extraction chargée le " + frDateTime(t)
}
