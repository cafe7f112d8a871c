package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// MessagePrefix starts the name of a message file: the text of the email
// that carries a report's files, written beside them. Delivery sends it as
// the email's body rather than as an attachment.
const MessagePrefix = "courriel-"

func messageName(code string, asOf time.Time) string {
	return MessagePrefix + code + "-" + asOf.Format(time.DateOnly) + ".txt"
}

// DirectorMessage is the body of the director's email, in plain French: the
// headline figures of the action page and the deadlines. It holds counts and
// rule labels only, never a young person's identity.
func DirectorMessage(r *StructureReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour,\n\nVoici le tableau de bord de %s au %s", structureLabel(r.CodeStructure, r.NomStructure), frDate(r.AsOf))
	if r.ControlRunID == 0 {
		b.WriteString(".\n\nAucun contrôle n'est enregistré pour votre structure à cette date : le tableau de bord ne contient pas de constats.\n")
	} else {
		fmt.Fprintf(&b, " (contrôle du %s).\n\n", frDate(r.ControlAsOf))
		all := changes(r.Findings, r.Resolved, func(f Finding) string { return f.Gravite })
		b.WriteString("En bref :\n")
		fmt.Fprintf(&b, "- %s, %s %s (%s, %s) ;\n", countNoun(int(all[""].Open), "constat ouvert", "constats ouverts"),
			changeWords(all[""].Delta()), sinceWords(r.ComparedAsOf), countNoun(int(all[""].New), "nouveau", "nouveaux"), countNoun(int(all[""].Resolved), "résolu", "résolus"))
		fmt.Fprintf(&b, "- dont %s, %s.\n", countNoun(int(all["erreur"].Open), "erreur", "erreurs"), changeWords(all["erreur"].Delta()))
		classes := map[int]int{}
		for _, f := range r.Findings {
			classes[actionClass(f)]++
		}
		var first []string
		for i, c := range ActionRanking {
			if len(c.Rules) > 0 && classes[i] > 0 {
				first = append(first, fmt.Sprintf("%s : %s", c.Why, frInt(int64(classes[i]))))
			}
		}
		if len(first) > 0 {
			b.WriteString("\nÀ traiter d'abord (la première page du tableau de bord en donne la liste) :\n")
			for _, l := range first {
				b.WriteString("- " + l + "\n")
			}
		} else {
			b.WriteString("\nLa première page du tableau de bord liste les constats à traiter d'abord.\n")
		}
	}
	ds := deadlines(r)
	if len(ds) == 0 {
		b.WriteString("\nÉchéances : aucune.\n")
		return b.String()
	}
	b.WriteString("\nÉchéances :\n")
	for _, d := range ds {
		b.WriteString("- " + d + "\n")
	}
	return b.String()
}

// changeWords says a change of a count in words: « en hausse de 5 ».
func changeWords(d int64) string {
	switch {
	case d > 0:
		return "en hausse de " + frInt(d)
	case d < 0:
		return "en baisse de " + frInt(-d)
	default:
		return "sans changement"
	}
}

// deadlines lists, in French, what must be done by a date: the ASP list to
// sign, the PACEA / CEJ overlaps the ASP would reject, the signature
// certificate to renew.
func deadlines(r *StructureReport) []string {
	var out []string
	if !r.Monthly { // the monthly report does not ask for the Monday's list again
		week := "liste ASP de la semaine du " + frLongDate(r.ASP.WeekFrom) + " au " + frLongDate(r.ASP.WeekTo)
		what := "néant"
		if n := len(r.ASP.Rows); n > 0 {
			what = countNoun(n, "jeune", "jeunes")
		}
		out = append(out, week+" : "+what+", à signer et à transmettre cette semaine à la direction régionale de l'ASP (fichier "+
			aspPDFName(r.CodeStructure, r.AsOf)+").")
	}
	if pcj := len(byFamily(r.Findings, "PCJ")); pcj > 0 {
		out = append(out, countNoun(pcj, "chevauchement", "chevauchements")+" PACEA / CEJ à corriger avant l'envoi à l'ASP, qui rejetterait le dossier.")
	}
	seen := map[string]bool{}
	var rgs []string
	for _, f := range byFamily(r.Findings, "RGS") {
		if !seen[f.Detail] {
			seen[f.Detail] = true
			rgs = append(rgs, f.Detail)
		}
	}
	sort.Strings(rgs)
	out = append(out, rgs...)
	return out
}
