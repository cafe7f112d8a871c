package reports

import "sort"

// Glossary prints the glossary page: what the words and figures of the
// dashboards mean, each indicator's formula, and the rules.
func (p *PDF) Glossary() {
	p.Heading(titleGlossary)
	t := Table{Columns: []Column{{Header: "Terme", Weight: 18}, {Header: "Définition", Weight: 82}}, FontSize: 8}
	for _, g := range glossary {
		t.Rows = append(t.Rows, []string{g[0], g[1]})
	}
	p.Table(t)
	p.Subheading("Les règles de contrôle")
	// Two rules side by side: the list fits on one page.
	var all []string
	for _, fam := range Families {
		all = append(all, sortedRules(fam)...)
	}
	half := (len(all) + 1) / 2
	rules := Table{Columns: []Column{{Header: "Règle", Weight: 7}, {Header: "Ce qu'elle signale", Weight: 43}, {Header: "Règle", Weight: 7},
		{Header: "Ce qu'elle signale", Weight: 43}}, FontSize: 7}
	for i := 0; i < half; i++ {
		row := []string{all[i], RuleLabel[all[i]], "", ""}
		if j := i + half; j < len(all) {
			row[2], row[3] = all[j], RuleLabel[all[j]]
		}
		rules.Rows = append(rules.Rows, row)
	}
	p.Table(rules)
	p.Note("Familles : " + familyLegend() + ".")
}

// glossary is the list of terms, in reading order.
var glossary = [][2]string{
	{"Constat", "Une anomalie trouvée par un contrôle sur un dossier, un dispositif, un rendez-vous, un partenaire, un compte ou le certificat de la structure. Il reste ouvert tant que la donnée n'est pas corrigée dans i-milo."},
	{"Gravité", "erreur : la donnée est fausse ou sera rejetée (ASP, paiement, transfert) et doit être corrigée ; alerte : la donnée est incomplète ou douteuse et doit être vérifiée ; info : un point à surveiller, sans correction obligatoire."},
	{"Nouveau", "Constat trouvé par ce contrôle et absent du contrôle de référence précédent."},
	{"Persistant", "Constat déjà présent au contrôle de référence précédent et toujours ouvert."},
	{"Résolu", "Constat présent au contrôle de référence précédent et absent de celui-ci : la donnée a été corrigée (ou l'objet n'est plus concerné)."},
	{"Évolution (▲ ▼)", "Nouveaux constats moins constats résolus depuis le contrôle de référence précédent : ▲ la hausse, ▼ la baisse, = aucun changement."},
	{"Depuis le", "Date du premier contrôle qui a trouvé le constat ; « contrôles consécutifs » dans le classeur : le nombre de contrôles qui l'ont trouvé de suite."},
	{"Ordre de traitement", "Les constats à traiter d'abord : " + rankingLegend() + " ; à rang égal, le plus ancien d'abord."},
	{"Taux d'absence", "Rendez-vous « Absent » / (rendez-vous « Présent » + « Absent ») sur la période ; les rendez-vous planifiés, annulés, reportés ou non précisés n'en font pas partie."},
	{"Taux de rattachement SIENE", "Partenaires actifs rattachés à SIENE / partenaires actifs, par structure et par conseiller référent du partenaire."},
	{"Constats pour 100 dossiers", "Synthèse régionale : constats ouverts / dossiers suivis (non archivés) de la structure × 100, pour comparer des structures de tailles différentes."},
	{"Liste ASP", "Les jeunes dont le PACEA a été clos pour « réorientation vers un autre dispositif » avec une sortie datée ou saisie dans la semaine précédente ; la direction la signe et la transmet à la direction régionale de l'ASP."},
}

// sortedRules lists the rules of a family in code order.
func sortedRules(fam string) []string {
	var out []string
	for rule := range RuleLabel {
		if (Finding{Rule: rule}).Family() == fam {
			out = append(out, rule)
		}
	}
	sort.Strings(out)
	return out
}
