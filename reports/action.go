package reports

import (
	"sort"
	"strings"
)

// The director's action page: the findings to handle first, what changed
// since the reference run of the period before, and where the findings are (by counsellor, by
// site).

// ActionClass is one step of the ranking of the findings to handle first.
// A finding belongs to the first class that names its rule, or else to the
// first class without rules whose gravité is its own.
type ActionClass struct {
	Why     string   // French, printed beside the finding: why it comes first
	Rules   []string // the rules of the class
	Gravite string   // for a class without rules: the gravité it takes
}

// ActionRanking ranks the findings to handle first by their consequence,
// most serious first; within a class the oldest finding comes first. It is
// the one place that decides the order of the action page and of the
// email's headline (rules.md gives each rule's consequence):
//   - what the ASP or a payment will reject: an overlapping PACEA and CEJ
//     (the ASP rejects the file), an expired RGS certificate (aid requests
//     cannot be signed), an allocation that cannot be paid;
//   - what blocks a transfer or the naming of a director: a deactivated
//     account still referent, or still holding « direction »;
//   - a signature certificate about to expire;
//   - then the other findings, errors before alerts before infos.
var ActionRanking = []ActionClass{
	{Why: "Rejet ASP ou paiement", Rules: []string{"PCJ-01", "PCJ-02", "RGS-01", "PAC-06", "PAC-07"}},
	{Why: "Bloque un transfert", Rules: []string{"USR-04", "USR-05"}},
	{Why: "Certificat bientôt expiré", Rules: []string{"RGS-02", "RGS-03"}},
	{Why: "Erreur", Gravite: "erreur"},
	{Why: "Alerte", Gravite: "alerte"},
	{Why: "Information", Gravite: "info"},
}

// actionTop is the number of findings on the action page.
const actionTop = 10

// actionClass returns the index in ActionRanking of f's class.
func actionClass(f Finding) int {
	for i, c := range ActionRanking {
		for _, r := range c.Rules {
			if r == f.Rule {
				return i
			}
		}
	}
	for i, c := range ActionRanking {
		if len(c.Rules) == 0 && c.Gravite == f.Gravite {
			return i
		}
	}
	return len(ActionRanking)
}

// RankActions returns the findings in the order to handle them: by class of
// ActionRanking, then oldest first, then by rule and object.
func RankActions(fs []Finding) []Finding {
	out := append([]Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ca, cb := actionClass(a), actionClass(b); ca != cb {
			return ca < cb
		}
		if !a.PremiereDetection.Equal(b.PremiereDetection) {
			return a.PremiereDetection.Before(b.PremiereDetection)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.IDObjet+"\x00"+a.IDLie < b.IDObjet+"\x00"+b.IDLie
	})
	return out
}

func actionWhy(f Finding) string {
	if c := actionClass(f); c < len(ActionRanking) {
		return ActionRanking[c].Why
	}
	return ""
}

// Change is what changed since the previous control, from the findings'
// follow-up: the new ones and the resolved ones.
type Change struct {
	Open, New, Resolved int64
}

// Delta is the change of the number of open findings.
func (c Change) Delta() int64 { return c.New - c.Resolved }

// changes counts open, new and resolved findings by key (a family, a
// gravité); the key "" counts them all.
func changes(open, resolved []Finding, key func(Finding) string) map[string]Change {
	m := map[string]Change{}
	add := func(k string, o, n, r int64) {
		c := m[k]
		c.Open += o
		c.New += n
		c.Resolved += r
		m[k] = c
	}
	for _, f := range open {
		var n int64
		if f.Suivi == "nouveau" {
			n = 1
		}
		add("", 1, n, 0)
		add(key(f), 1, n, 0)
	}
	for _, f := range resolved {
		add("", 0, 0, 1)
		add(key(f), 0, 0, 1)
	}
	return m
}

// deltaText is « ▲ 5 », « ▼ 3 » or « = » for no change.
func deltaText(d int64) string {
	switch {
	case d > 0:
		return "▲\u00a0" + frInt(d)
	case d < 0:
		return "▼\u00a0" + frInt(-d)
	default:
		return "="
	}
}

func (p *PDF) actionSection(r *StructureReport) {
	p.Heading(titleAction)
	if r.ControlRunID == 0 {
		p.Paragraph("Aucun contrôle n'est enregistré pour cette structure à cette date : lancez « vigie controls --as-of " +
			r.AsOf.Format("2006-01-02") + " » puis régénérez ce rapport.")
	} else {
		p.Paragraph("Contrôle du " + frDate(r.ControlAsOf) + ". Les évolutions (▲ hausse, ▼ baisse) sont les nouveaux constats moins " +
			"les constats résolus. " + comparedSentence(r.ComparedAsOf))
	}
	all := changes(r.Findings, r.Resolved, func(f Finding) string { return f.Gravite })
	p.Figures([]Figure{
		{Label: "Constats ouverts", Value: frInt(all[""].Open), Change: deltaText(all[""].Delta())},
		{Label: "dont erreurs", Value: frInt(all["erreur"].Open), Change: deltaText(all["erreur"].Delta())},
		{Label: "Nouveaux " + sinceLabel(r.ComparedAsOf), Value: frInt(all[""].New)},
		{Label: "Résolus " + sinceLabel(r.ComparedAsOf), Value: frInt(all[""].Resolved)},
	})
	p.Table(familyChangeTable(r.Findings, r.Resolved))
	p.Subheading("Les " + frInt(int64(actionTop)) + " constats à traiter d'abord")
	top := RankActions(r.Findings)
	if len(top) > actionTop {
		top = top[:actionTop]
	}
	t := Table{Columns: []Column{{Header: "N°", Weight: 3, Align: "R"}, {Header: "Pourquoi d'abord", Weight: 11}, {Header: "Règle", Weight: 6},
		{Header: "Constat", Weight: 46}, {Header: "Dossier ou objet", Weight: 11}, {Header: "Conseiller", Weight: 12}, {Header: "Depuis le", Weight: 8, Align: "C"}},
		FontSize: 7, Empty: "Aucun constat ouvert : rien à traiter cette semaine."}
	for i, f := range top {
		obj := f.IDDossier
		if obj == "" {
			obj = f.Objet + " " + f.IDObjet
		}
		cons := ""
		if f.IDConseiller != "" || f.Conseiller != "" {
			cons = conseillerLabel(f.IDConseiller, f.Conseiller)
		}
		t.Rows = append(t.Rows, []string{frInt(int64(i + 1)), actionWhy(f), f.Rule, ruleLabel(f.Rule) + " : " + f.Detail, obj, cons,
			frDate(f.PremiereDetection)})
	}
	p.Table(t)
	p.Note("Ordre : " + rankingLegend() + " ; à rang égal, le plus ancien d'abord.")
}

// whereSection shows where the findings are: by counsellor, by site.
func (p *PDF) whereSection(r *StructureReport) {
	p.Heading(titleWhere)
	p.Subheading("Par conseiller référent et par famille")
	p.Table(familyMatrix("Conseiller référent", r.Findings, counsellorKey, noCounsellor))
	p.Subheading("Par lieu d'accueil et par famille")
	p.Table(familyMatrix("Lieu d'accueil", r.Findings, lieuKey, noLieu))
}

func rankingLegend() string {
	var parts []string
	for _, c := range ActionRanking {
		parts = append(parts, strings.ToLower(c.Why[:1])+c.Why[1:])
	}
	return strings.Join(parts, ", puis ")
}

// familyChangeTable shows, per family, the open findings and their change.
func familyChangeTable(open, resolved []Finding) Table {
	ch := changes(open, resolved, Finding.Family)
	t := Table{Columns: []Column{{Header: "Famille", Weight: 12}}, FontSize: 7}
	ouverts, evol := []string{"Constats ouverts"}, []string{"Évolution"}
	for _, fam := range Families {
		t.Columns = append(t.Columns, Column{Header: fam + " " + FamilyLabel[fam], Weight: 10, Align: "C"})
		ouverts = append(ouverts, frInt(ch[fam].Open))
		evol = append(evol, deltaText(ch[fam].Delta()))
	}
	t.Rows = [][]string{ouverts, evol}
	return t
}

// familyMatrix counts findings by a key (a counsellor, a site) and family,
// the keys with the most findings first; empty names the findings without
// a key, last.
func familyMatrix(first string, fs []Finding, key func(Finding) string, empty string) Table {
	t := Table{Columns: []Column{{Header: first, Weight: 30}}, Empty: "Aucun constat."}
	for _, fam := range Families {
		t.Columns = append(t.Columns, Column{Header: fam, Weight: 7, Align: "R"})
	}
	t.Columns = append(t.Columns, Column{Header: "Total", Weight: 8, Align: "R"})
	keys, counts := matrixCounts(fs, key)
	for _, k := range keys {
		label := k
		if k == "" {
			label = empty
		}
		t.Rows = append(t.Rows, countRow(label, counts[k]))
	}
	if len(t.Rows) > longTable {
		t.FontSize = 7
	}
	return t
}

// countRow is a table row: a label, then counts.
func countRow(label string, counts []int64) []string {
	row := make([]string, 0, len(counts)+1)
	row = append(row, label)
	for _, n := range counts {
		row = append(row, frInt(n))
	}
	return row
}

// matrixCounts counts findings by a key and family (the last count is the
// total), the keys with the most findings first and "" last.
func matrixCounts(fs []Finding, key func(Finding) string) ([]string, map[string][]int64) {
	counts := map[string][]int64{}
	var keys []string
	for _, f := range fs {
		k := key(f)
		if counts[k] == nil {
			counts[k] = make([]int64, len(Families)+1)
			keys = append(keys, k)
		}
		if i := familyRank(f.Rule); i < len(Families) {
			counts[k][i]++
		}
		counts[k][len(Families)]++
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if (a == "") != (b == "") {
			return b == ""
		}
		if ca, cb := counts[a][len(Families)], counts[b][len(Families)]; ca != cb {
			return ca > cb
		}
		return a < b
	})
	return keys, counts
}

// The keys of the two matrices of the action pages.
func counsellorKey(f Finding) string {
	if f.IDConseiller == "" && f.Conseiller == "" {
		return ""
	}
	return conseillerLabel(f.IDConseiller, f.Conseiller)
}

func lieuKey(f Finding) string { return f.Lieu }

const (
	noCounsellor = "(sans conseiller référent)"
	noLieu       = "(sans lieu : partenaires, comptes, certificat)"
)
