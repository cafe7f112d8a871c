package reports

import (
	"fmt"
	"strconv"
	"time"

	"github.com/arml-na/vigie/pipelines/french"
)

// ASPRow is one young person of the weekly ASP list (rules.md, PCJ): a PACEA
// closed for « réorientation vers un autre dispositif » in the week.
type ASPRow struct {
	CodeStructure    string
	IDDossier        string
	NomUsage         string
	Prenom           string
	DateNaissance    time.Time
	IDDispositif     string
	DateEntree       time.Time // PACEA entry
	DateSortie       time.Time // PACEA exit (zero when empty)
	DateSaisieSortie time.Time // local date-time the exit was entered (zero when empty)
	NumeroCerfa      string
	DateEntreeCEJ    time.Time // zero when no CEJ
}

// ASPList is the printable list of one structure for one week.
type ASPList struct {
	CodeStructure string
	NomStructure  string
	WeekFrom      time.Time // Monday
	WeekTo        time.Time // Sunday
	Rows          []ASPRow
	GeneratedAt   time.Time
}

func aspTable(rows []ASPRow) Table {
	t := Table{
		Columns: []Column{
			{Header: "N°", Weight: 3.5, Align: "R"},
			{Header: "Id dossier", Weight: 10},
			{Header: "Nom", Weight: 16},
			{Header: "Prénom", Weight: 13},
			{Header: "Date de naissance", Weight: 10, Align: "C"},
			{Header: "Entrée PACEA", Weight: 10, Align: "C"},
			{Header: "Sortie PACEA", Weight: 10, Align: "C"},
			{Header: "Saisie de la sortie", Weight: 10, Align: "C"},
			{Header: "N° CERFA", Weight: 16},
			{Header: "Entrée CEJ", Weight: 10, Align: "C"},
		},
		FontSize: 7.5,
		Empty:    "Aucun jeune sorti du PACEA pour réorientation vers un autre dispositif cette semaine.",
	}
	for i, r := range rows {
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), r.IDDossier, r.NomUsage, r.Prenom, frDate(r.DateNaissance),
			frDate(r.DateEntree), frDate(r.DateSortie), frDate(r.DateSaisieSortie), r.NumeroCerfa, frDate(r.DateEntreeCEJ)})
	}
	return t
}

// WriteASPList writes the ASP list of one structure as an A4 PDF, ready for
// the director to sign and send to the regional ASP office.
func WriteASPList(path string, l ASPList) error {
	if err := ValidStructureCode(l.CodeStructure); err != nil {
		return err
	}
	for _, r := range l.Rows {
		if r.CodeStructure != "" && r.CodeStructure != l.CodeStructure {
			return fmt.Errorf("asp list of %s: row of dossier %s belongs to %s", l.CodeStructure, r.IDDossier, r.CodeStructure)
		}
	}
	p := NewPDF(PageInfo{
		Title:       "Liste ASP — sorties PACEA pour réorientation",
		Structure:   structureLabel(l.CodeStructure, l.NomStructure),
		Period:      WeekLabel(l.WeekFrom, l.WeekTo),
		GeneratedAt: l.GeneratedAt,
		Band:        "Liste de " + countNoun(len(l.Rows), "jeune", "jeunes") + " — page {x}/{nb}",
	}, Landscape) // ten columns: names and CERFA numbers stay on one line
	p.Heading(l.NomStructure)
	p.Paragraph(WeekLabel(l.WeekFrom, l.WeekTo))
	p.Paragraph("Jeunes dont le PACEA a été clos pour « réorientation vers un autre dispositif » avec une sortie datée ou saisie dans la semaine : " +
		frInt(int64(len(l.Rows))) + ".")
	if len(l.Rows) == 0 {
		p.Nil("Néant", "Aucun jeune sorti du PACEA pour réorientation vers un autre dispositif cette semaine.")
	} else {
		t := aspTable(l.Rows)
		t.KeepWithLast = keptSignature // the signature never stands alone on a page
		p.Table(t)
	}
	p.SignatureBlock("Je certifie l'exactitude des informations ci-dessus.",
		"À transmettre signé à la direction régionale de l'ASP.")
	return p.WriteFile(path)
}

// countNoun is « 1 jeune », « 27 jeunes » (French: 0 and 1 take the singular).
func countNoun(n int, one, many string) string {
	return frInt(int64(n)) + "\u00a0" + french.Plural(int64(n), one, many)
}

func structureLabel(code, name string) string {
	if name == "" || name == code {
		return code
	}
	return code + " — " + name
}
