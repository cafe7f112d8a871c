package reports

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/atomic"
)

// RegionDir is DIR/region/<as-of>, the folder of the regional reports.
func RegionDir(out string, asOf time.Time) string {
	return filepath.Join(out, "region", asOf.Format(time.DateOnly))
}

// WriteRegion writes the regional PDF summary and workbook into
// DIR/region/<as-of>/. They hold counts per structure, no identity.
func WriteRegion(out string, r *RegionReport) ([]string, error) {
	dir := RegionDir(out, r.AsOf)
	if err := atomic.MkdirAll(dir, 0o700, "dossier des rapports"); err != nil {
		return nil, err
	}
	d := r.AsOf.Format(time.DateOnly)
	paths := []string{filepath.Join(dir, "synthese-regionale-"+d+".pdf"), filepath.Join(dir, "classeur-regional-"+d+".xlsx")}
	if err := RegionPDF(r).WriteFile(paths[0]); err != nil {
		return nil, err
	}
	wb, err := RegionWorkbook(r)
	if err != nil {
		return nil, err
	}
	if err := wb.WriteFile(paths[1]); err != nil {
		return nil, err
	}
	return paths, nil
}

// regionTotals adds up the structures' counts.
func regionTotals(r *RegionReport) (rdv RDVIndicator, siene SIENEIndicator, byGrav map[string]int64, nouveaux, resolus, asp int64) {
	byGrav = map[string]int64{}
	for _, s := range r.Structures {
		rdv.Prevu += s.RDV.Prevu
		rdv.Present += s.RDV.Present
		rdv.Absent += s.RDV.Absent
		rdv.Annule += s.RDV.Annule
		rdv.Reporte += s.RDV.Reporte
		rdv.NonPrecise += s.RDV.NonPrecise
		rdv.Total += s.RDV.Total
		siene.Partenaires += s.SIENE.Partenaires
		siene.Rattaches += s.SIENE.Rattaches
		for g, n := range s.ByGravite {
			byGrav[g] += n
		}
		nouveaux += s.Nouveaux
		resolus += s.Resolus
		asp += s.ASPCount
	}
	if d := rdv.Present + rdv.Absent; d > 0 {
		rdv.TauxAbsence, rdv.HasTaux = float64(rdv.Absent)/float64(d), true
	}
	if siene.Partenaires > 0 {
		siene.Taux, siene.HasTaux = float64(siene.Rattaches)/float64(siene.Partenaires), true
	}
	return
}

func familyCount(s StructureSummary, fam string) int64 {
	var n int64
	for rule, c := range s.ByRule {
		if f := (Finding{Rule: rule}).Family(); f == fam {
			n += c
		}
	}
	return n
}

// The section titles of the regional summary, in its order.
var regionTitles = []string{"Synthèse", "Par structure", "Constats par structure et famille", "Taux par structure", titleGlossary}

// contentsFrom is the number of pages from which a document gets a contents
// list.
const contentsFrom = 5

// RegionPDF renders the regional summary across structures; over 4 pages
// (a large region), it is rendered again with a contents list on page 2.
func RegionPDF(r *RegionReport) *PDF {
	p := regionPDF(r, false)
	if p.f.PageCount() >= contentsFrom {
		p = regionPDF(r, true)
	}
	return p
}

func regionPDF(r *RegionReport, contents bool) *PDF {
	p := NewPDF(PageInfo{Title: "Synthèse régionale — contrôles i-milo", Structure: "Région — toutes les Missions Locales",
		Period: "Situation au " + frDate(r.AsOf), GeneratedAt: r.GeneratedAt}, Landscape)
	rdv, siene, byGrav, nouveaux, resolus, asp := regionTotals(r)
	p.Heading(regionTitles[0])
	p.Paragraph(comparedSentence(regionCompared(r)))
	p.Figures([]Figure{
		{Label: "Structures", Value: frInt(int64(len(r.Structures)))},
		{Label: "Constats ouverts", Value: frInt(byGrav["erreur"] + byGrav["alerte"] + byGrav["info"])},
		{Label: "dont erreurs", Value: frInt(byGrav["erreur"])},
		{Label: "Nouveaux " + sinceLabel(regionCompared(r)), Value: frInt(nouveaux)},
		{Label: "Résolus " + sinceLabel(regionCompared(r)), Value: frInt(resolus)},
		{Label: "Taux d'absence aux rendez-vous", Value: frPercent(rdv.TauxAbsence, rdv.HasTaux)},
		{Label: "Partenaires rattachés à SIENE", Value: frPercent(siene.Taux, siene.HasTaux)},
		{Label: "Jeunes sur les listes ASP de la semaine", Value: frInt(asp)},
	})
	p.trendChart("Constats de la région par famille, contrôle après contrôle", r.Trend)
	p.Subheading("Structures à suivre en priorité : les plus de constats ouverts pour 100 dossiers suivis")
	p.Table(priorityTable(r.Structures, 8))
	if contents {
		p.AddPage(Landscape)
		p.Contents(regionTitles)
	}

	p.AddPage(Landscape)
	p.Heading(regionTitles[1])
	p.Note("Classement par constats ouverts pour 100 dossiers suivis (non archivés), pour comparer des structures de tailles différentes.")
	t := Table{Columns: []Column{{Header: "Structure", Weight: 32}, {Header: "Contrôle du", Weight: 9, Align: "C"},
		{Header: "Dossiers suivis", Weight: 8, Align: "R"}, {Header: "Constats pour 100 dossiers", Weight: 9, Align: "R"},
		{Header: "Constats", Weight: 8, Align: "R"}, {Header: "Erreurs", Weight: 7, Align: "R"}, {Header: "Alertes", Weight: 7, Align: "R"},
		{Header: "Infos", Weight: 7, Align: "R"}, {Header: "Nouveaux", Weight: 10, Align: "R"}, {Header: "Résolus", Weight: 9, Align: "R"},
		{Header: "Taux d'absence", Weight: 9, Align: "R"}, {Header: "Taux SIENE", Weight: 9, Align: "R"}, {Header: "Liste ASP", Weight: 7, Align: "R"}},
		Empty: "Aucune structure."}
	var dossiers int64
	for _, s := range RankStructures(r.Structures) {
		ctl := frDate(s.ControlAsOf)
		if ctl == "" {
			ctl = "aucun"
		}
		dossiers += s.Dossiers
		rate, ok := s.Per100()
		t.Rows = append(t.Rows, []string{structureLabel(s.CodeStructure, s.NomStructure), ctl, frInt(s.Dossiers), per100Text(rate, ok),
			frInt(s.Open()), frInt(s.ByGravite["erreur"]),
			frInt(s.ByGravite["alerte"]), frInt(s.ByGravite["info"]), frInt(s.Nouveaux), frInt(s.Resolus),
			frPercent(s.RDV.TauxAbsence, s.RDV.HasTaux), frPercent(s.SIENE.Taux, s.SIENE.HasTaux), frInt(s.ASPCount)})
	}
	if len(r.Structures) > 1 {
		open := byGrav["erreur"] + byGrav["alerte"] + byGrav["info"]
		rate, ok := StructureSummary{Dossiers: dossiers, ByGravite: byGrav}.Per100()
		t.Rows = append(t.Rows, []string{"Ensemble de la région", "", frInt(dossiers), per100Text(rate, ok), frInt(open),
			frInt(byGrav["erreur"]), frInt(byGrav["alerte"]), frInt(byGrav["info"]), frInt(nouveaux), frInt(resolus),
			frPercent(rdv.TauxAbsence, rdv.HasTaux), frPercent(siene.Taux, siene.HasTaux), frInt(asp)})
	}
	p.Table(t)

	p.AddPage(Landscape)
	p.Heading(regionTitles[2])
	ft := Table{Columns: []Column{{Header: "Structure", Weight: 40}}, Empty: "Aucune structure."}
	for _, fam := range Families {
		ft.Columns = append(ft.Columns, Column{Header: fam, Weight: 7, Align: "R"})
	}
	for _, s := range r.Structures {
		row := []string{structureLabel(s.CodeStructure, s.NomStructure)}
		for _, fam := range Families {
			row = append(row, frInt(familyCount(s, fam)))
		}
		ft.Rows = append(ft.Rows, row)
	}
	p.Table(ft)
	p.Note("Familles : " + familyLegend())

	p.AddPage(Landscape)
	var abs, att []Bar
	for _, s := range r.Structures {
		if s.RDV.HasTaux {
			abs = append(abs, Bar{Label: structureLabel(s.CodeStructure, s.NomStructure), Value: s.RDV.TauxAbsence,
				Text: rateText(s.RDV.TauxAbsence, s.RDV.Absent, s.RDV.Present+s.RDV.Absent)})
		}
		if s.SIENE.HasTaux {
			att = append(att, Bar{Label: structureLabel(s.CodeStructure, s.NomStructure), Value: s.SIENE.Taux,
				Text: rateText(s.SIENE.Taux, s.SIENE.Rattaches, s.SIENE.Partenaires)})
		}
	}
	p.Heading(regionTitles[3])
	p.RankedBarChart("Taux de rattachement à SIENE par structure", att, false, 0)
	p.RankedBarChart("Taux d'absence aux rendez-vous par structure", abs, true, 0)
	p.AddPage(Landscape)
	p.Glossary()
	return p
}

// per100Text prints a rate of findings per 100 dossiers with one decimal.
func per100Text(rate float64, ok bool) string {
	if !ok {
		return "—"
	}
	tenths := int64(math.Round(rate * 10))
	return frInt(tenths/10) + "," + strconv.FormatInt(tenths%10, 10)
}

// priorityTable lists the n structures with the most open findings per 100
// dossiers followed (RankStructures), those with no open finding left out.
func priorityTable(ss []StructureSummary, n int) Table {
	t := Table{Columns: []Column{{Header: "Structure", Weight: 40}, {Header: "Constats pour 100 dossiers", Weight: 10, Align: "R"},
		{Header: "Dossiers suivis", Weight: 10, Align: "R"}, {Header: "Constats", Weight: 10, Align: "R"}, {Header: "Erreurs", Weight: 10, Align: "R"},
		{Header: "Nouveaux", Weight: 10, Align: "R"}, {Header: "Taux d'absence", Weight: 10, Align: "R"}},
		Empty: "Aucun constat ouvert dans la région."}
	for _, s := range RankStructures(ss) {
		if len(t.Rows) == n {
			break
		}
		if s.Open() == 0 {
			continue
		}
		rate, ok := s.Per100()
		t.Rows = append(t.Rows, []string{structureLabel(s.CodeStructure, s.NomStructure), per100Text(rate, ok), frInt(s.Dossiers), frInt(s.Open()),
			frInt(s.ByGravite["erreur"]), frInt(s.Nouveaux), frPercent(s.RDV.TauxAbsence, s.RDV.HasTaux)})
	}
	return t
}

func familyLegend() string {
	s := ""
	for i, fam := range Families {
		if i > 0 {
			s += " ; "
		}
		s += fam + " " + FamilyLabel[fam]
	}
	return s
}

// RegionWorkbook builds the regional workbook.
func RegionWorkbook(r *RegionReport) (*Workbook, error) {
	wb, err := NewWorkbook()
	if err != nil {
		return nil, err
	}
	st := Sheet{Name: "Structures", Columns: []XColumn{{Header: "Structure", Kind: Text, Width: 12}, {Header: "Nom", Kind: Text, Width: 34},
		{Header: "Contrôle du", Kind: Date}, {Header: "Dossiers suivis", Kind: Int}, {Header: "Constats pour 100 dossiers", Kind: Float},
		{Header: "Constats", Kind: Int}, {Header: "Erreurs", Kind: Int}, {Header: "Alertes", Kind: Int},
		{Header: "Infos", Kind: Int}, {Header: "Nouveaux", Kind: Int}, {Header: "Persistants", Kind: Int}, {Header: "Résolus", Kind: Int},
		{Header: "Liste ASP", Kind: Int}},
		Charts: []XChart{{Title: "Constats pour 100 dossiers suivis", Type: excelize.Bar, Categories: 0, Values: []int{4}}}}
	rdvTot, sieneTot, byGrav, nouveaux, resolus, aspTot := regionTotals(r)
	st.Title = []string{"Synthèse régionale — " + frInt(int64(len(r.Structures))) + " structures",
		"Situation au " + frDate(r.AsOf),
		fmt.Sprintf("Constats ouverts : %s, dont erreurs : %s ; nouveaux : %s ; résolus : %s ; jeunes sur les listes ASP : %s",
			frInt(byGrav["erreur"]+byGrav["alerte"]+byGrav["info"]), frInt(byGrav["erreur"]), frInt(nouveaux), frInt(resolus), frInt(aspTot)),
		"Taux d'absence aux rendez-vous : " + frPercent(rdvTot.TauxAbsence, rdvTot.HasTaux) + " ; partenaires rattachés à SIENE : " +
			frPercent(sieneTot.Taux, sieneTot.HasTaux),
		"Structures classées par constats ouverts pour 100 dossiers suivis (non archivés)."}
	fam := Sheet{Name: "Familles", Columns: []XColumn{{Header: "Structure", Kind: Text, Width: 12}, {Header: "Nom", Kind: Text, Width: 34}}}
	for _, f := range Families {
		fam.Columns = append(fam.Columns, XColumn{Header: f + " " + FamilyLabel[f], Kind: Int, Width: 12})
	}
	rules := Sheet{Name: "Constats par règle", Columns: []XColumn{{Header: "Structure", Kind: Text, Width: 12}, {Header: "Règle", Kind: Text, Width: 9},
		{Header: "Libellé", Kind: Text, Width: 45}, {Header: "Constats", Kind: Int}}}
	rdv := Sheet{Name: "Rendez-vous", Columns: append([]XColumn{{Header: "Structure", Kind: Text, Width: 12}, {Header: "Nom", Kind: Text, Width: 34}}, rdvColumns[2:]...)}
	rdv.Charts = []XChart{{Title: "Taux d'absence par structure", Type: excelize.Bar, Categories: 0, Values: []int{len(rdv.Columns) - 1}, Percent: true}}
	siene := Sheet{Name: "SIENE", Columns: append([]XColumn{{Header: "Structure", Kind: Text, Width: 12}, {Header: "Nom", Kind: Text, Width: 34}}, sieneColumns[2:]...),
		Charts: []XChart{{Title: "Taux de rattachement à SIENE par structure", Type: excelize.Bar, Categories: 0, Values: []int{4}, Percent: true}}}
	for _, s := range RankStructures(r.Structures) {
		var ctl, rate any
		if !s.ControlAsOf.IsZero() {
			ctl = s.ControlAsOf
		}
		if v, ok := s.Per100(); ok {
			rate = math.Round(v*10) / 10
		}
		st.Rows = append(st.Rows, []any{s.CodeStructure, s.NomStructure, ctl, s.Dossiers, rate, s.Open(),
			s.ByGravite["erreur"], s.ByGravite["alerte"], s.ByGravite["info"], s.Nouveaux, s.Persistants, s.Resolus, s.ASPCount})
		row := []any{s.CodeStructure, s.NomStructure}
		for _, f := range Families {
			row = append(row, familyCount(s, f))
		}
		fam.Rows = append(fam.Rows, row)
		keys := make([]string, 0, len(s.ByRule))
		for k := range s.ByRule {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rules.Rows = append(rules.Rows, []any{s.CodeStructure, k, ruleLabel(k), s.ByRule[k]})
		}
		rdv.Rows = append(rdv.Rows, append([]any{s.CodeStructure, s.NomStructure}, rdvRow("", "", s.RDV)[2:]...))
		siene.Rows = append(siene.Rows, append([]any{s.CodeStructure, s.NomStructure}, sieneRow("", "", s.SIENE)[2:]...))
	}
	for _, s := range []Sheet{st, fam, rules, rdv, siene, trendSheet(r.Trend)} {
		if err := wb.AddSheet(s); err != nil {
			return nil, err
		}
	}
	if err := wb.Finish("Synthèse régionale au "+frDate(r.AsOf), r.GeneratedAt); err != nil {
		return nil, err
	}
	return wb, nil
}
