package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/french"
)

// maxPDFRows bounds a findings list in the PDF, errors and oldest first; the
// workbook holds them all.
const maxPDFRows = 100

// longTable is the number of rows past which a table prints smaller.
const longTable = 30

// maxCounsellorBars bounds a chart by counsellor: one page.
const maxCounsellorBars = 40

// File names of a structure's reports, inside DIR/<code>/<as-of>/.
func dashboardPDFName(code string, asOf time.Time) string {
	return "tableau-de-bord-" + code + "-" + asOf.Format(time.DateOnly) + ".pdf"
}
func workbookName(code string, asOf time.Time) string {
	return "classeur-" + code + "-" + asOf.Format(time.DateOnly) + ".xlsx"
}

// NominativeFileNames are the files of a structure's reports that name young
// people (the ASP list, and the workbook's ASP sheet): the console withholds
// them once a dossier of the structure is archived after they were written.
func NominativeFileNames(code string, asOf time.Time) []string {
	return []string{aspPDFName(code, asOf), workbookName(code, asOf)}
}

// IsNominative tells whether name is one of the nominative files of
// structure code (NominativeFileNames), whatever its date.
func IsNominative(code, name string) bool {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if len(base) < len("2006-01-02") {
		return false
	}
	day, err := time.Parse(time.DateOnly, base[len(base)-len("2006-01-02"):])
	return err == nil && slices.Contains(NominativeFileNames(code, day), name)
}

// ASPFileName names the signed ASP list of a structure.
func ASPFileName(code string, asOf time.Time) string { return aspPDFName(code, asOf) }

func aspPDFName(code string, asOf time.Time) string {
	return "liste-asp-" + code + "-" + asOf.Format(time.DateOnly) + ".pdf"
}

// StructureDir is DIR/<code>/<as-of>, the folder of one structure's reports.
func StructureDir(out, code string, asOf time.Time) (string, error) {
	if err := ValidStructureCode(code); err != nil {
		return "", err
	}
	return filepath.Join(out, code, asOf.Format(time.DateOnly)), nil
}

// WriteStructure writes one structure's reports into DIR/<code>/<as-of>/:
// the director's PDF dashboard, the XLSX workbook, the signed ASP list and
// the text of the director's email (DirectorMessage).
// It refuses a report holding a row of another structure.
func WriteStructure(out string, r *StructureReport) ([]string, error) {
	dir, err := StructureDir(out, r.CodeStructure, r.AsOf)
	if err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	if err := atomic.MkdirAll(dir, 0o700, "dossier des rapports"); err != nil {
		return nil, err
	}
	paths := []string{
		filepath.Join(dir, dashboardPDFName(r.CodeStructure, r.AsOf)),
		filepath.Join(dir, workbookName(r.CodeStructure, r.AsOf)),
		filepath.Join(dir, aspPDFName(r.CodeStructure, r.AsOf)),
		filepath.Join(dir, messageName(r.CodeStructure, r.AsOf)),
	}
	if err := StructurePDF(r).WriteFile(paths[0]); err != nil {
		return nil, err
	}
	wb, err := StructureWorkbook(r)
	if err != nil {
		return nil, err
	}
	if err := wb.WriteFile(paths[1]); err != nil {
		return nil, err
	}
	if !r.Monthly {
		asp := r.ASP
		asp.CodeStructure, asp.NomStructure, asp.GeneratedAt = r.CodeStructure, r.NomStructure, r.GeneratedAt
		if err := WriteASPList(paths[2], asp); err != nil {
			return nil, err
		}
	}
	if err := writeAtomic(paths[3], func(w io.Writer) error {
		_, err := io.WriteString(w, DirectorMessage(r))
		return err
	}); err != nil {
		return nil, err
	}
	if r.Monthly {
		return []string{paths[0], paths[1], paths[3]}, nil
	}
	return paths, nil
}

// check refuses rows of another structure: a structure's files hold its own
// rows only.
func (r *StructureReport) check() error {
	for _, f := range append(append([]Finding(nil), r.Findings...), r.Resolved...) {
		if f.CodeStructure != r.CodeStructure {
			return fmt.Errorf("report of %s: finding %s %s belongs to %s", r.CodeStructure, f.Rule, f.IDObjet, f.CodeStructure)
		}
	}
	for _, a := range r.ASP.Rows {
		if a.CodeStructure != r.CodeStructure {
			return fmt.Errorf("report of %s: ASP row of dossier %s belongs to %s", r.CodeStructure, a.IDDossier, a.CodeStructure)
		}
	}
	return nil
}

func (r *StructureReport) period() string {
	return "Situation au " + frDate(r.AsOf)
}

// The section titles of the dashboard, in its order (its contents list).
const (
	titleAction    = "À traiter en priorité"
	titleWhere     = "Où sont les constats"
	titleSummary   = "Synthèse"
	titleRDV       = "Rendez-vous"
	titleFormation = "Formation — contrôle de la charte des entrées en formation"
	titlePCJ       = "PACEA / CEJ — chevauchements et liste ASP"
	titleSIENE     = "SIENE — portefeuille partenaires"
	titleControls  = "Contrôles — tous les constats"
	titleGlossary  = "Glossaire"
)

func familyTitle(fam string) string { return fam + " — " + FamilyLabel[fam] }

func dashboardTitles() []string {
	t := []string{titleAction, titleWhere, titleSummary, titleRDV, titleFormation, titlePCJ, titleSIENE, titleControls}
	for _, fam := range SectionFamilies {
		t = append(t, familyTitle(fam))
	}
	return append(t, titleGlossary)
}

// StructurePDF renders the director's dashboard.
func StructurePDF(r *StructureReport) *PDF {
	p := NewPDF(PageInfo{
		Title:       "Tableau de bord du directeur — contrôles i-milo",
		Structure:   structureLabel(r.CodeStructure, r.NomStructure),
		Period:      r.period(),
		GeneratedAt: r.GeneratedAt,
	}, Landscape)
	p.actionSection(r)
	// The dashboard always runs over 4 pages (one per section): it has a
	// contents list, after the action page.
	p.AddPage(Landscape)
	p.Contents(dashboardTitles())
	p.AddPage(Landscape)
	p.whereSection(r)
	p.AddPage(Landscape)
	p.summarySection(r)
	p.rdvSection(r)
	p.formationSection(r)
	p.pcjSection(r)
	p.sieneSection(r)
	p.controlsSection(r)
	// SectionFamilies: one section each, following one another.
	p.AddPage(Landscape)
	for _, fam := range SectionFamilies {
		p.Heading(familyTitle(fam))
		p.findingsTable(byFamily(r.Findings, fam))
	}
	p.AddPage(Landscape)
	p.Glossary()
	return p
}

func (p *PDF) summarySection(r *StructureReport) {
	p.Heading(titleSummary)
	if r.ControlRunID == 0 {
		p.Paragraph("Aucun contrôle n'est enregistré pour cette structure à cette date : lancez « vigie controls --as-of " +
			r.AsOf.Format(time.DateOnly) + " » puis régénérez ce rapport.")
	} else {
		p.Paragraph(fmt.Sprintf("Constats du contrôle du %s ; indicateurs de rendez-vous du %s au %s. %s",
			frDate(r.ControlAsOf), frDate(r.PeriodFrom), frDate(r.PeriodTo), comparedSentence(r.ComparedAsOf)))
	}
	p.Figures([]Figure{
		{Label: "Taux d'absence aux rendez-vous", Value: frPercent(r.RDVTotal.TauxAbsence, r.RDVTotal.HasTaux)},
		{Label: "Partenaires rattachés à SIENE", Value: frPercent(r.SIENETotal.Taux, r.SIENETotal.HasTaux)},
		{Label: "Jeunes sur la liste ASP de la semaine", Value: frInt(int64(len(r.ASP.Rows)))},
		{Label: "Rendez-vous des 7 prochains jours", Value: frInt(int64(len(r.Upcoming)))},
	})
	p.Subheading("Constats par famille et gravité")
	p.Table(familyGraviteTable(r.Findings))
	p.trendChart("Constats par famille, contrôle après contrôle", r.Trend)
}

func familyGraviteTable(fs []Finding) Table {
	t := Table{Columns: []Column{{Header: "Famille", Weight: 30}, {Header: "Erreurs", Weight: 10, Align: "R"},
		{Header: "Alertes", Weight: 10, Align: "R"}, {Header: "Infos", Weight: 10, Align: "R"}, {Header: "Total", Weight: 10, Align: "R"},
		{Header: "Nouveaux", Weight: 10, Align: "R"}, {Header: "Persistants", Weight: 10, Align: "R"}}}
	for _, fam := range Families {
		var g = map[string]int64{}
		var n, pers int64
		for _, f := range byFamily(fs, fam) {
			g[f.Gravite]++
			if f.Suivi == "nouveau" {
				n++
			} else {
				pers++
			}
		}
		t.Rows = append(t.Rows, []string{fam + " — " + FamilyLabel[fam], frInt(g["erreur"]), frInt(g["alerte"]), frInt(g["info"]),
			frInt(g["erreur"] + g["alerte"] + g["info"]), frInt(n), frInt(pers)})
	}
	return t
}

func (p *PDF) trendChart(title string, trend []TrendPoint) {
	dates, series := trendWeeks(trend)
	if len(dates) == 0 {
		return
	}
	cats := make([]string, len(dates))
	for i, d := range dates {
		cats[i] = d.Format("02/01")
	}
	var ss []Series
	for _, fam := range Families {
		if v, ok := series[fam]; ok {
			ss = append(ss, Series{Name: fam + " " + FamilyLabel[fam], Values: v})
		}
	}
	p.ColumnChart(title, cats, ss)
}

func rdvTable(rows []RDVIndicator, total *RDVIndicator, first string) Table {
	t := Table{Columns: []Column{{Header: first, Weight: 30}, {Header: "Prévus", Weight: 8, Align: "R"},
		{Header: "Présents", Weight: 8, Align: "R"}, {Header: "Absents", Weight: 8, Align: "R"}, {Header: "Annulés", Weight: 8, Align: "R"},
		{Header: "Reportés", Weight: 8, Align: "R"}, {Header: "Non précisés", Weight: 9, Align: "R"}, {Header: "Total", Weight: 8, Align: "R"},
		{Header: "Taux d'absence", Weight: 10, Align: "R"}},
		Empty: "Aucun rendez-vous sur la période."}
	add := func(label string, x RDVIndicator) {
		t.Rows = append(t.Rows, []string{label, frInt(x.Prevu), frInt(x.Present), frInt(x.Absent), frInt(x.Annule),
			frInt(x.Reporte), frInt(x.NonPrecise), frInt(x.Total), frPercent(x.TauxAbsence, x.HasTaux)})
	}
	for _, x := range rows {
		add(conseillerLabel(x.IDUtilisateur, x.Conseiller), x)
	}
	if total != nil && len(rows) > 0 {
		add("Ensemble de la structure", *total)
	}
	if len(rows) > longTable {
		t.FontSize = 7
	}
	return t
}

func (p *PDF) rdvSection(r *StructureReport) {
	p.AddPage(Landscape)
	p.Heading(titleRDV)
	if !r.PeriodFrom.IsZero() {
		p.Paragraph(fmt.Sprintf("Rendez-vous du %s au %s, par conseiller. Taux d'absence = absents / (présents + absents).",
			frDate(r.PeriodFrom), frDate(r.PeriodTo)))
	}
	p.Table(rdvTable(r.RDV, &r.RDVTotal, "Conseiller"))
	var bars []Bar
	for _, x := range r.RDV {
		if x.HasTaux {
			bars = append(bars, Bar{Label: conseillerLabel(x.IDUtilisateur, x.Conseiller), Value: x.TauxAbsence,
				Text: rateText(x.TauxAbsence, x.Absent, x.Present+x.Absent)})
		}
	}
	p.RankedBarChart("Taux d'absence par conseiller", bars, true, maxCounsellorBars)
	p.Subheading("Rendez-vous des 7 prochains jours, par conseiller et par jour")
	p.Table(upcomingMatrix(r.AsOf, r.Upcoming))
	p.Subheading("Rendez-vous des 7 prochains jours")
	t := Table{Columns: []Column{{Header: "Conseiller", Weight: 20}, {Header: "Date et heure", Weight: 12},
		{Header: "Dossier", Weight: 10}, {Header: "Rendez-vous", Weight: 10}, {Header: "Lieu", Weight: 26}, {Header: "Statut", Weight: 10}},
		Empty: "Aucun rendez-vous prévu dans les 7 prochains jours."}
	for i, a := range r.Upcoming {
		if i == maxPDFRows {
			break
		}
		t.Rows = append(t.Rows, []string{conseillerLabel(a.IDUtilisateur, a.Conseiller), frDateHour(a.DateHeure), a.IDDossier, a.IDRdv, a.Lieu,
			statutLabel(a.Statut)})
	}
	p.Table(t)
	if len(r.Upcoming) > maxPDFRows {
		p.Note("… et " + frInt(int64(len(r.Upcoming)-maxPDFRows)) + " autres rendez-vous : la liste complète est dans le classeur Excel (feuille « RDV à venir »).")
	}
	p.Subheading("Constats sur les rendez-vous")
	p.findingsTable(byFamily(r.Findings, "RDV"))
}

// upcomingMatrix counts the coming week's appointments per counsellor and day.
func upcomingMatrix(asOf time.Time, as []Appointment) Table {
	t := Table{Columns: []Column{{Header: "Conseiller", Weight: 30}}, Empty: "Aucun rendez-vous prévu dans les 7 prochains jours."}
	for d := 0; d < 7; d++ {
		day := asOf.AddDate(0, 0, d)
		t.Columns = append(t.Columns, Column{Header: french.Weekday(day.Weekday())[:3] + ". " + day.Format("02/01"), Weight: 9, Align: "R"})
	}
	t.Columns = append(t.Columns, Column{Header: "Total", Weight: 9, Align: "R"})
	var order []string
	counts := map[string][]int64{}
	for _, a := range as {
		who := conseillerLabel(a.IDUtilisateur, a.Conseiller)
		if counts[who] == nil {
			counts[who] = make([]int64, 8)
			order = append(order, who)
		}
		y, m, dd := a.DateHeure.Date()
		d := int(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Sub(asOf).Hours() / 24)
		if d >= 0 && d < 7 {
			counts[who][d]++
		}
		counts[who][7]++
	}
	for _, who := range order {
		t.Rows = append(t.Rows, countRow(who, counts[who]))
	}
	if len(t.Rows) > longTable {
		t.FontSize = 7
	}
	return t
}

func byRuleTable(fs []Finding) Table {
	t := Table{Columns: []Column{{Header: "Règle", Weight: 8}, {Header: "Libellé", Weight: 40}, {Header: "Gravité", Weight: 9},
		{Header: "Nouveaux", Weight: 9, Align: "R"}, {Header: "Persistants", Weight: 9, Align: "R"}, {Header: "Total", Weight: 9, Align: "R"}},
		Empty: "Aucun constat."}
	rules, _ := countBy(fs, func(f Finding) string { return f.Rule + "\x00" + f.Gravite })
	sort.SliceStable(rules, func(i, j int) bool { return familyRank(rules[i]) < familyRank(rules[j]) })
	for _, k := range rules {
		var n, pers int64
		var rule, grav string
		for _, f := range fs {
			if f.Rule+"\x00"+f.Gravite == k {
				rule, grav = f.Rule, f.Gravite
				if f.Suivi == "nouveau" {
					n++
				} else {
					pers++
				}
			}
		}
		t.Rows = append(t.Rows, []string{rule, ruleLabel(rule), grav, frInt(n), frInt(pers), frInt(n + pers)})
	}
	return t
}

func (p *PDF) formationSection(r *StructureReport) {
	fs := byFamily(r.Findings, "FOR")
	p.AddPage(Landscape)
	p.Heading(titleFormation)
	p.Subheading("Anomalies par règle")
	p.Table(byRuleTable(fs))
	// The anomalies by counsellor are the FOR column of the counsellor ×
	// family matrix: not printed a second time.
	where := "plus haut"
	if page, ok := p.printed[titleWhere]; ok {
		where = "page " + strconv.Itoa(page)
	}
	p.Note("Les anomalies par conseiller référent du dossier sont dans la colonne FOR de la matrice « Par conseiller référent et par famille » (" +
		where + ").")
	p.Subheading("Liste des anomalies")
	p.findingsTable(fs)
}

func (p *PDF) pcjSection(r *StructureReport) {
	p.AddPage(Landscape)
	p.Heading(titlePCJ)
	p.Subheading("Chevauchements PACEA / CEJ")
	p.findingsTable(byFamily(r.Findings, "PCJ"))
	p.Subheading("Liste ASP — " + WeekLabel(r.ASP.WeekFrom, r.ASP.WeekTo))
	if r.Monthly {
		p.Note("Pour mémoire : la liste à signer de cette semaine est celle du rapport du lundi.")
	} else {
		p.Note("La liste à signer est dans le fichier « " + aspPDFName(r.CodeStructure, r.AsOf) + " ».")
	}
	p.Table(aspTable(r.ASP.Rows))
}

func sieneTable(rows []SIENEIndicator, total *SIENEIndicator, first string) Table {
	t := Table{Columns: []Column{{Header: first, Weight: 30}, {Header: "Partenaires actifs", Weight: 12, Align: "R"},
		{Header: "Rattachés à SIENE", Weight: 12, Align: "R"}, {Header: "Taux de rattachement", Weight: 12, Align: "R"}},
		Empty: "Aucun partenaire actif."}
	add := func(label string, x SIENEIndicator) {
		t.Rows = append(t.Rows, []string{label, frInt(x.Partenaires), frInt(x.Rattaches), frPercent(x.Taux, x.HasTaux)})
	}
	for _, x := range rows {
		add(conseillerLabel(x.IDUtilisateur, x.Conseiller), x)
	}
	if total != nil && len(rows) > 0 {
		add("Ensemble de la structure", *total)
	}
	if len(rows) > longTable {
		t.FontSize = 7
	}
	return t
}

func (p *PDF) sieneSection(r *StructureReport) {
	p.AddPage(Landscape)
	p.Heading(titleSIENE)
	p.Table(sieneTable(r.SIENE, &r.SIENETotal, "Conseiller référent"))
	var bars []Bar
	for _, x := range r.SIENE {
		if x.HasTaux {
			bars = append(bars, Bar{Label: conseillerLabel(x.IDUtilisateur, x.Conseiller), Value: x.Taux,
				Text: rateText(x.Taux, x.Rattaches, x.Partenaires)})
		}
	}
	p.RankedBarChart("Taux de rattachement à SIENE par conseiller", bars, false, maxCounsellorBars)
	fs := byFamily(r.Findings, "SIE")
	for _, s := range []struct{ rule, title string }{
		{"SIE-01", "Partenaires à rattacher à SIENE"}, {"SIE-02", "SIRET invalides"},
		{"SIE-03", "SIRET manquants"}, {"SIE-04", "SIRET en double"},
	} {
		var sub []Finding
		for _, f := range fs {
			if f.Rule == s.rule {
				sub = append(sub, f)
			}
		}
		p.Subheading(fmt.Sprintf("%s (%s) : %s", s.title, s.rule, frInt(int64(len(sub)))))
		p.findingsTable(sub)
	}
}

func (p *PDF) controlsSection(r *StructureReport) {
	p.AddPage(Landscape)
	p.Heading(titleControls)
	p.Note("Les constats par famille et gravité sont dans la synthèse.")
	p.Subheading("Par règle")
	p.Table(byRuleTable(r.Findings))
	p.Subheading("Les plus anciens constats encore ouverts")
	old := append([]Finding(nil), r.Findings...)
	sort.SliceStable(old, func(i, j int) bool {
		a, b := old[i], old[j]
		if !a.PremiereDetection.Equal(b.PremiereDetection) {
			return a.PremiereDetection.Before(b.PremiereDetection)
		}
		if graviteRank[a.Gravite] != graviteRank[b.Gravite] {
			return graviteRank[a.Gravite] < graviteRank[b.Gravite]
		}
		if familyRank(a.Rule) != familyRank(b.Rule) {
			return familyRank(a.Rule) < familyRank(b.Rule)
		}
		return a.Rule < b.Rule
	})
	if len(old) > 20 {
		old = old[:20]
	}
	p.findingsTable(old)
	if len(r.Resolved) > 0 {
		p.Subheading("Résolus " + sinceLabel(r.ComparedAsOf) + " : " + frInt(int64(len(r.Resolved))))
		p.findingsTable(r.Resolved)
	}
}

var graviteRank = map[string]int{"erreur": 0, "alerte": 1, "info": 2}

// findingsTable lists findings, at most maxPDFRows of them: errors first,
// then the oldest.
func (p *PDF) findingsTable(fs []Finding) {
	if len(fs) > maxPDFRows {
		fs = append([]Finding(nil), fs...)
		sort.SliceStable(fs, func(i, j int) bool {
			a, b := fs[i], fs[j]
			if graviteRank[a.Gravite] != graviteRank[b.Gravite] {
				return graviteRank[a.Gravite] < graviteRank[b.Gravite]
			}
			return a.PremiereDetection.Before(b.PremiereDetection)
		})
	}
	t := Table{Columns: []Column{{Header: "Règle", Weight: 6}, {Header: "Gravité", Weight: 6}, {Header: "Objet", Weight: 11},
		{Header: "Dossier", Weight: 7}, {Header: "Conseiller", Weight: 12}, {Header: "Constat", Weight: 50}, {Header: "Suivi", Weight: 7.5},
		{Header: "Depuis le", Weight: 7.5}},
		FontSize: 7, Empty: "Aucun constat."}
	for i, f := range fs {
		if i == maxPDFRows {
			break
		}
		cons := ""
		if f.IDConseiller != "" || f.Conseiller != "" {
			cons = conseillerLabel(f.IDConseiller, f.Conseiller)
		}
		t.Rows = append(t.Rows, []string{f.Rule, f.Gravite, f.Objet + " " + f.IDObjet, f.IDDossier, cons, f.Detail, suiviLabel(f.Suivi),
			frDate(f.PremiereDetection)})
	}
	p.Table(t)
	if len(fs) > maxPDFRows {
		p.Note("… et " + frInt(int64(len(fs)-maxPDFRows)) + " autres constats (les erreurs et les plus anciens sont listés d'abord) : la liste complète est dans le classeur Excel.")
	}
}

// Workbook sheets.

var findingColumns = []XColumn{
	{Header: "Règle", Kind: Text, Width: 9}, {Header: "Libellé", Kind: Text, Width: 40}, {Header: "Gravité", Kind: Text, Width: 9},
	{Header: "Structure", Kind: Text, Width: 11}, {Header: "Objet", Kind: Text, Width: 12}, {Header: "Id objet", Kind: Text, Width: 14},
	{Header: "Id lié", Kind: Text, Width: 14}, {Header: "Dossier", Kind: Text, Width: 12}, {Header: "Conseiller", Kind: Text, Width: 22},
	{Header: "Constat", Kind: Text, Width: 70}, {Header: "Suivi", Kind: Text, Width: 11}, {Header: "Première détection", Kind: Date},
	{Header: "Contrôles consécutifs", Kind: Int},
}

func findingRows(fs []Finding) [][]any {
	rows := make([][]any, 0, len(fs))
	for _, f := range fs {
		rows = append(rows, []any{f.Rule, ruleLabel(f.Rule), f.Gravite, f.CodeStructure, f.Objet, f.IDObjet, f.IDLie, f.IDDossier,
			conseillerLabel(f.IDConseiller, f.Conseiller), f.Detail, suiviLabel(f.Suivi), f.PremiereDetection, f.NbRuns})
	}
	return rows
}

func findingsSheet(name string, fs []Finding) Sheet {
	return Sheet{Name: name, Columns: findingColumns, Rows: findingRows(fs)}
}

var rdvColumns = []XColumn{{Header: "Conseiller", Kind: Text, Width: 28}, {Header: "Id conseiller", Kind: Text, Width: 14},
	{Header: "Prévus", Kind: Int}, {Header: "Présents", Kind: Int}, {Header: "Absents", Kind: Int}, {Header: "Annulés", Kind: Int},
	{Header: "Reportés", Kind: Int}, {Header: "Non précisés", Kind: Int}, {Header: "Total", Kind: Int}, {Header: "Taux d'absence", Kind: Percent}}

func rdvRow(label, id string, x RDVIndicator) []any {
	var taux any
	if x.HasTaux {
		taux = x.TauxAbsence
	}
	return []any{label, id, x.Prevu, x.Present, x.Absent, x.Annule, x.Reporte, x.NonPrecise, x.Total, taux}
}

var sieneColumns = []XColumn{{Header: "Conseiller référent", Kind: Text, Width: 28}, {Header: "Id conseiller", Kind: Text, Width: 14},
	{Header: "Partenaires actifs", Kind: Int}, {Header: "Rattachés à SIENE", Kind: Int}, {Header: "Taux de rattachement", Kind: Percent}}

func sieneRow(label, id string, x SIENEIndicator) []any {
	var taux any
	if x.HasTaux {
		taux = x.Taux
	}
	return []any{label, id, x.Partenaires, x.Rattaches, taux}
}

var aspColumns = []XColumn{{Header: "Structure", Kind: Text, Width: 11}, {Header: "Id dossier", Kind: Text, Width: 12},
	{Header: "Nom", Kind: Text, Width: 20}, {Header: "Prénom", Kind: Text, Width: 16}, {Header: "Date de naissance", Kind: Date},
	{Header: "Id dispositif", Kind: Text, Width: 14}, {Header: "Entrée PACEA", Kind: Date}, {Header: "Sortie PACEA", Kind: Date},
	{Header: "Saisie de la sortie", Kind: DateTime}, {Header: "N° CERFA", Kind: Text, Width: 14}, {Header: "Entrée CEJ", Kind: Date}}

func familySheet(fs []Finding) Sheet {
	s := Sheet{Name: "Synthèse", Columns: []XColumn{{Header: "Famille", Kind: Text, Width: 12}, {Header: "Libellé", Kind: Text, Width: 24},
		{Header: "Erreurs", Kind: Int}, {Header: "Alertes", Kind: Int}, {Header: "Infos", Kind: Int}, {Header: "Total", Kind: Int},
		{Header: "Nouveaux", Kind: Int}, {Header: "Persistants", Kind: Int}},
		Charts: []XChart{{Title: "Constats par famille et gravité", Type: excelize.ColStacked, Categories: 0, Values: []int{2, 3, 4}}}}
	for _, fam := range Families {
		g := map[string]int64{}
		var n, pers int64
		for _, f := range byFamily(fs, fam) {
			g[f.Gravite]++
			if f.Suivi == "nouveau" {
				n++
			} else {
				pers++
			}
		}
		s.Rows = append(s.Rows, []any{fam, FamilyLabel[fam], g["erreur"], g["alerte"], g["info"], g["erreur"] + g["alerte"] + g["info"], n, pers})
	}
	return s
}

func byRuleSheet(fs []Finding) Sheet {
	s := Sheet{Name: "Contrôles par règle", Columns: []XColumn{{Header: "Règle", Kind: Text, Width: 9}, {Header: "Libellé", Kind: Text, Width: 45},
		{Header: "Gravité", Kind: Text, Width: 9}, {Header: "Nouveaux", Kind: Int}, {Header: "Persistants", Kind: Int}, {Header: "Total", Kind: Int}}}
	type key struct{ rule, grav string }
	counts := map[key][2]int64{}
	var keys []key
	for _, f := range fs {
		k := key{f.Rule, f.Gravite}
		c, ok := counts[k]
		if !ok {
			keys = append(keys, k)
		}
		if f.Suivi == "nouveau" {
			c[0]++
		} else {
			c[1]++
		}
		counts[k] = c
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := familyRank(keys[i].rule), familyRank(keys[j].rule); a != b {
			return a < b
		}
		if keys[i].rule != keys[j].rule {
			return keys[i].rule < keys[j].rule
		}
		return keys[i].grav < keys[j].grav
	})
	for _, k := range keys {
		c := counts[k]
		s.Rows = append(s.Rows, []any{k.rule, ruleLabel(k.rule), k.grav, c[0], c[1], c[0] + c[1]})
	}
	return s
}

func trendSheet(trend []TrendPoint) Sheet {
	dates, series := trendWeeks(trend)
	s := Sheet{Name: "Tendance", Columns: []XColumn{{Header: "Contrôle du", Kind: Date}}}
	var vals []int
	for i, fam := range Families {
		s.Columns = append(s.Columns, XColumn{Header: fam, Kind: Int})
		vals = append(vals, i+1)
	}
	for i, d := range dates {
		row := []any{d}
		for _, fam := range Families {
			var v int64
			if series[fam] != nil {
				v = int64(series[fam][i])
			}
			row = append(row, v)
		}
		s.Rows = append(s.Rows, row)
	}
	s.Charts = []XChart{{Title: "Constats par famille et par contrôle", Type: excelize.ColStacked, Categories: 0, Values: vals}}
	return s
}

// summaryTitle is the title block of the workbook's summary sheet: the
// structure, the date and the headline figures.
func summaryTitle(r *StructureReport) []string {
	all := changes(r.Findings, r.Resolved, func(f Finding) string { return f.Gravite })
	ctl := "aucun contrôle"
	if r.ControlRunID != 0 {
		ctl = "contrôle du " + frDate(r.ControlAsOf)
	}
	return []string{
		"Tableau de bord — " + structureLabel(r.CodeStructure, r.NomStructure),
		"Situation au " + frDate(r.AsOf) + " (" + ctl + ")",
		fmt.Sprintf("Constats ouverts : %s (%s %s), dont erreurs : %s (%s)", frInt(all[""].Open), deltaText(all[""].Delta()), sinceWords(r.ComparedAsOf),
			frInt(all["erreur"].Open), deltaText(all["erreur"].Delta())),
		fmt.Sprintf("Nouveaux : %s ; résolus : %s ; jeunes sur la liste ASP : %s", frInt(all[""].New), frInt(all[""].Resolved), frInt(int64(len(r.ASP.Rows)))),
		"Taux d'absence aux rendez-vous : " + frPercent(r.RDVTotal.TauxAbsence, r.RDVTotal.HasTaux) +
			" ; partenaires rattachés à SIENE : " + frPercent(r.SIENETotal.Taux, r.SIENETotal.HasTaux),
	}
}

// actionSheet lists every open finding in the order to handle them
// (ActionRanking), with the reason.
func actionSheet(fs []Finding) Sheet {
	s := Sheet{Name: "À traiter", Columns: append([]XColumn{{Header: "Ordre", Kind: Int, Width: 8}, {Header: "Pourquoi d'abord", Kind: Text, Width: 22}},
		findingColumns...)}
	for i, f := range RankActions(fs) {
		s.Rows = append(s.Rows, append([]any{i + 1, actionWhy(f)}, findingRows([]Finding{f})[0]...))
	}
	return s
}

// matrixSheet counts the findings by a key (a counsellor, a site) and family.
func matrixSheet(name, first string, fs []Finding, key func(Finding) string, empty string) Sheet {
	s := Sheet{Name: name, Columns: []XColumn{{Header: first, Kind: Text, Width: 30}}}
	for _, fam := range Families {
		s.Columns = append(s.Columns, XColumn{Header: fam + " " + FamilyLabel[fam], Kind: Int, Width: 12})
	}
	s.Columns = append(s.Columns, XColumn{Header: "Total", Kind: Int})
	keys, counts := matrixCounts(fs, key)
	for _, k := range keys {
		label := k
		if k == "" {
			label = empty
		}
		row := []any{label}
		for _, n := range counts[k] {
			row = append(row, n)
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// StructureWorkbook builds the structure's workbook: one sheet per dashboard.
func StructureWorkbook(r *StructureReport) (*Workbook, error) {
	wb, err := NewWorkbook()
	if err != nil {
		return nil, err
	}
	rdv := Sheet{Name: "Rendez-vous", Columns: rdvColumns,
		Charts: []XChart{{Title: "Taux d'absence par conseiller", Type: excelize.Bar, Categories: 0, Values: []int{9}, Percent: true}}}
	for _, x := range r.RDV {
		rdv.Rows = append(rdv.Rows, rdvRow(conseillerLabel(x.IDUtilisateur, x.Conseiller), x.IDUtilisateur, x))
	}
	upcoming := Sheet{Name: "RDV à venir", Columns: []XColumn{{Header: "Conseiller", Kind: Text, Width: 28}, {Header: "Id conseiller", Kind: Text, Width: 14},
		{Header: "Date et heure", Kind: DateTime}, {Header: "Dossier", Kind: Text, Width: 12}, {Header: "Id rendez-vous", Kind: Text, Width: 14},
		{Header: "Lieu", Kind: Text, Width: 14}, {Header: "Statut", Kind: Text, Width: 12}}}
	for _, a := range r.Upcoming {
		upcoming.Rows = append(upcoming.Rows, []any{conseillerLabel(a.IDUtilisateur, a.Conseiller), a.IDUtilisateur, a.DateHeure, a.IDDossier, a.IDRdv,
			a.Lieu, statutLabel(a.Statut)})
	}
	siene := Sheet{Name: "SIENE", Columns: sieneColumns,
		Charts: []XChart{{Title: "Taux de rattachement à SIENE par conseiller", Type: excelize.Bar, Categories: 0, Values: []int{4}, Percent: true}}}
	for _, x := range r.SIENE {
		siene.Rows = append(siene.Rows, sieneRow(conseillerLabel(x.IDUtilisateur, x.Conseiller), x.IDUtilisateur, x))
	}
	asp := Sheet{Name: "Liste ASP", Columns: aspColumns}
	for _, a := range r.ASP.Rows {
		asp.Rows = append(asp.Rows, []any{a.CodeStructure, a.IDDossier, a.NomUsage, a.Prenom, a.DateNaissance, a.IDDispositif,
			a.DateEntree, a.DateSortie, a.DateSaisieSortie, a.NumeroCerfa, a.DateEntreeCEJ})
	}
	summary := familySheet(r.Findings)
	summary.Title = summaryTitle(r)
	// The sheets follow the PDF: the action page (summary, the findings in
	// the order to handle them, the two matrices), the synthesis, then one
	// dashboard after another.
	sheets := []Sheet{
		summary, actionSheet(r.Findings),
		matrixSheet("Par conseiller", "Conseiller référent", r.Findings, counsellorKey, noCounsellor),
		matrixSheet("Par lieu", "Lieu d'accueil", r.Findings, lieuKey, noLieu),
		trendSheet(r.Trend),
		rdv, upcoming, findingsSheet("RDV constats", byFamily(r.Findings, "RDV")),
		findingsSheet("Formation", byFamily(r.Findings, "FOR")),
		findingsSheet("PACEA-CEJ", byFamily(r.Findings, "PCJ")), asp,
		siene, findingsSheet("SIENE constats", byFamily(r.Findings, "SIE")),
		byRuleSheet(r.Findings), findingsSheet("Contrôles", r.Findings), findingsSheet("Résolus", r.Resolved),
	}
	for _, fam := range SectionFamilies {
		sheets = append(sheets, findingsSheet(fam, byFamily(r.Findings, fam)))
	}
	for _, s := range sheets {
		if err := wb.AddSheet(s); err != nil {
			return nil, err
		}
	}
	if err := wb.Finish("Tableau de bord "+r.CodeStructure+" au "+frDate(r.AsOf), r.GeneratedAt); err != nil {
		return nil, err
	}
	return wb, nil
}
