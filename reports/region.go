package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"
)

// RegionDir is DIR/region/<as-of>, the folder of the regional reports.
func RegionDir(out string, asOf time.Time) string {
	return filepath.Join(out, "region", asOf.Format(time.DateOnly))
}

// WriteRegion writes the regional PDF summary and workbook into
// DIR/region/<as-of>/. They hold counts per structure, no identity.
func WriteRegion(out string, r *RegionReport) ([]string, error) {
	dir := RegionDir(out, r.AsOf)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("report folder: %w", err)
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

// RegionPDF renders the regional summary across structures.
func RegionPDF(r *RegionReport) *PDF {
	p := NewPDF(PageInfo{Title: "Synthèse régionale — contrôles i-milo", Structure: "Région — toutes les Missions Locales",
		Period: "Situation au " + frDate(r.AsOf), GeneratedAt: r.GeneratedAt}, Landscape)
	rdv, siene, byGrav, nouveaux, resolus, asp := regionTotals(r)
	p.Heading("Synthèse")
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
	p.Subheading("Structures à suivre en priorité : les plus d'erreurs ouvertes")
	p.Table(priorityTable(r.Structures, 8))

	p.AddPage(Landscape)
	p.Heading("Par structure")
	t := Table{Columns: []Column{{Header: "Structure", Weight: 40}, {Header: "Contrôle du", Weight: 9, Align: "C"},
		{Header: "Constats", Weight: 8, Align: "R"}, {Header: "Erreurs", Weight: 8, Align: "R"}, {Header: "Alertes", Weight: 8, Align: "R"},
		{Header: "Infos", Weight: 7, Align: "R"}, {Header: "Nouveaux", Weight: 8, Align: "R"}, {Header: "Résolus", Weight: 8, Align: "R"},
		{Header: "Taux d'absence", Weight: 9, Align: "R"}, {Header: "Taux SIENE", Weight: 10, Align: "R"}, {Header: "Liste ASP", Weight: 7, Align: "R"}},
		Empty: "Aucune structure."}
	for _, s := range r.Structures {
		ctl := frDate(s.ControlAsOf)
		if ctl == "" {
			ctl = "aucun"
		}
		t.Rows = append(t.Rows, []string{structureLabel(s.CodeStructure, s.NomStructure), ctl,
			frInt(s.ByGravite["erreur"] + s.ByGravite["alerte"] + s.ByGravite["info"]), frInt(s.ByGravite["erreur"]),
			frInt(s.ByGravite["alerte"]), frInt(s.ByGravite["info"]), frInt(s.Nouveaux), frInt(s.Resolus),
			frPercent(s.RDV.TauxAbsence, s.RDV.HasTaux), frPercent(s.SIENE.Taux, s.SIENE.HasTaux), frInt(s.ASPCount)})
	}
	if len(r.Structures) > 1 {
		t.Rows = append(t.Rows, []string{"Ensemble de la région", "", frInt(byGrav["erreur"] + byGrav["alerte"] + byGrav["info"]),
			frInt(byGrav["erreur"]), frInt(byGrav["alerte"]), frInt(byGrav["info"]), frInt(nouveaux), frInt(resolus),
			frPercent(rdv.TauxAbsence, rdv.HasTaux), frPercent(siene.Taux, siene.HasTaux), frInt(asp)})
	}
	p.Table(t)

	p.AddPage(Landscape)
	p.Heading("Constats par structure et famille")
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
	p.RankedBarChart("Taux de rattachement à SIENE par structure", att, false, 0)
	p.RankedBarChart("Taux d'absence aux rendez-vous par structure", abs, true, 0)
	return p
}

// priorityTable lists the n structures with the most open errors (then
// the most findings), those with none left out.
func priorityTable(ss []StructureSummary, n int) Table {
	t := Table{Columns: []Column{{Header: "Structure", Weight: 40}, {Header: "Erreurs", Weight: 10, Align: "R"},
		{Header: "Constats", Weight: 10, Align: "R"}, {Header: "Nouveaux", Weight: 10, Align: "R"}, {Header: "Taux d'absence", Weight: 10, Align: "R"},
		{Header: "Taux SIENE", Weight: 10, Align: "R"}},
		Empty: "Aucune erreur ouverte dans la région."}
	total := func(s StructureSummary) int64 {
		return s.ByGravite["erreur"] + s.ByGravite["alerte"] + s.ByGravite["info"]
	}
	top := make([]StructureSummary, 0, len(ss))
	for _, s := range ss {
		if s.ByGravite["erreur"] > 0 {
			top = append(top, s)
		}
	}
	sort.SliceStable(top, func(i, j int) bool {
		if a, b := top[i].ByGravite["erreur"], top[j].ByGravite["erreur"]; a != b {
			return a > b
		}
		return total(top[i]) > total(top[j])
	})
	for i, s := range top {
		if i == n {
			break
		}
		t.Rows = append(t.Rows, []string{structureLabel(s.CodeStructure, s.NomStructure), frInt(s.ByGravite["erreur"]), frInt(total(s)),
			frInt(s.Nouveaux), frPercent(s.RDV.TauxAbsence, s.RDV.HasTaux), frPercent(s.SIENE.Taux, s.SIENE.HasTaux)})
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
		{Header: "Contrôle du", Kind: Date}, {Header: "Constats", Kind: Int}, {Header: "Erreurs", Kind: Int}, {Header: "Alertes", Kind: Int},
		{Header: "Infos", Kind: Int}, {Header: "Nouveaux", Kind: Int}, {Header: "Persistants", Kind: Int}, {Header: "Résolus", Kind: Int},
		{Header: "Liste ASP", Kind: Int}},
		Charts: []XChart{{Title: "Constats par structure et gravité", Type: excelize.BarStacked, Categories: 0, Values: []int{4, 5, 6}}}}
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
	for _, s := range r.Structures {
		var ctl any
		if !s.ControlAsOf.IsZero() {
			ctl = s.ControlAsOf
		}
		st.Rows = append(st.Rows, []any{s.CodeStructure, s.NomStructure, ctl, s.ByGravite["erreur"] + s.ByGravite["alerte"] + s.ByGravite["info"],
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
	return wb, nil
}
