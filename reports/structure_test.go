package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sampleReport builds a structure's report by hand, with every family.
func sampleReport(code string) *StructureReport {
	asOf := day("2026-11-23")
	r := &StructureReport{CodeStructure: code, NomStructure: "Mission Locale " + code + " Sud-Charente", AsOf: asOf, GeneratedAt: genAt,
		ControlRunID: 7, ControlAsOf: asOf, PeriodFrom: day("2026-10-26"), PeriodTo: day("2026-11-22"),
		RDVTotal: RDVIndicator{Prevu: 3, Present: 30, Absent: 10, Total: 43, TauxAbsence: 0.25, HasTaux: true},
		RDV: []RDVIndicator{
			{IDUtilisateur: "U1", Conseiller: "Chloé Dupré", Present: 20, Absent: 5, Total: 25, TauxAbsence: 0.2, HasTaux: true},
			{IDUtilisateur: "U2", Conseiller: "Jérôme Lefèvre", Prevu: 3, Present: 10, Absent: 5, Total: 18, TauxAbsence: 1.0 / 3, HasTaux: true},
			{Prevu: 1, Total: 1},
		},
		Upcoming: []Appointment{{IDUtilisateur: "U1", Conseiller: "Chloé Dupré", IDRdv: "R9", IDDossier: code + "-D1",
			DateHeure: time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC), Lieu: "Antenne d'Angoulême", Statut: "prevu"}},
		SIENETotal: SIENEIndicator{Partenaires: 10, Rattaches: 7, Taux: 0.7, HasTaux: true},
		SIENE:      []SIENEIndicator{{IDUtilisateur: "U1", Conseiller: "Chloé Dupré", Partenaires: 10, Rattaches: 7, Taux: 0.7, HasTaux: true}},
		ASP: ASPList{WeekFrom: day("2026-11-16"), WeekTo: day("2026-11-22"), Rows: []ASPRow{{CodeStructure: code, IDDossier: code + "-D7",
			NomUsage: "Lefèvre", Prenom: "Chloé", DateNaissance: day("2005-02-28"), IDDispositif: "P7", DateEntree: day("2025-03-01"),
			DateSortie: day("2026-11-18"), DateSaisieSortie: time.Date(2026, 11, 19, 14, 5, 0, 0, time.UTC), NumeroCerfa: "=CERFA+1", DateEntreeCEJ: day("2026-11-19")}}},
	}
	rules := []string{"RDV-01", "RDV-02", "FOR-01", "FOR-08", "PCJ-01", "SIE-01", "SIE-02", "SIE-04", "PAC-04", "USR-03", "RGS-02", "DOS-01", "DOS-04"}
	for i, rule := range rules {
		for j := 0; j < 3; j++ {
			suivi := "persistant"
			if j == 0 {
				suivi = "nouveau"
			}
			r.Findings = append(r.Findings, Finding{Rule: rule, Gravite: Gravites[(i+j)%3], CodeStructure: code, Objet: "dossier",
				IDObjet: fmt.Sprintf("%s-O%d-%d", code, i, j), IDDossier: fmt.Sprintf("%s-D%d", code, i),
				Detail: "Réorientation : constat " + rule + " dont le détail est assez long pour passer à la ligne dans la colonne du PDF, sans déborder.",
				Suivi:  suivi, PremiereDetection: asOf.AddDate(0, 0, -7*j), NbRuns: j + 1, IDConseiller: "U1", Conseiller: "Chloé Dupré"})
		}
	}
	r.Resolved = []Finding{{Rule: "RDV-02", Gravite: "alerte", CodeStructure: code, Objet: "rdv", IDObjet: code + "-R1", Detail: "Absence sans motif.",
		Suivi: "resolu", PremiereDetection: day("2026-11-09"), NbRuns: 2}}
	for w := 0; w < 4; w++ {
		for k, fam := range Families {
			r.Trend = append(r.Trend, TrendPoint{AsOf: asOf.AddDate(0, 0, -7*(3-w)), Family: fam, Count: int64(k + w)})
		}
	}
	return r
}

func TestWriteStructure(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
		out = d
	}
	paths, err := WriteStructure(out, sampleReport("ML-16001"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "ML-16001", "2026-11-23")
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%s not in %s", p, dir)
		}
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	text := pdfText(t, paths[0])
	for _, want := range []string{"Tableau de bord du directeur", "ML-16001 — Mission Locale ML-16001 Sud-Charente", "Situation au 23/11/2026",
		"Synthèse", "Rendez-vous", "Formation", "PACEA / CEJ", "SIENE", "Contrôles", "PAC — Parcours PACEA", "USR", "RGS", "DOS",
		"Chloé Dupré", "Jérôme Lefèvre", "25,0", "33,3", "Réorientation", "Taux d'absence par conseiller", "Taux de rattachement à SIENE par conseiller",
		"Constats par famille, contrôle après contrôle", "Partenaires à rattacher à SIENE", "Les plus anciens constats encore ouverts",
		"24/11/2026 09:30", "Antenne d'Angoulême", "Planifié", "Lefèvre", ConfidentialityNotice, "(sans conseiller)"} {
		if !strings.Contains(text, want) {
			t.Errorf("dashboard PDF lacks %q", want)
		}
	}
	if asp := pdfText(t, paths[2]); !strings.Contains(asp, "Chloé") || !strings.Contains(asp, "Semaine du lundi 16/11/2026 au dimanche 22/11/2026") {
		t.Errorf("ASP PDF: %s", asp)
	}
	f, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Synthèse", "Rendez-vous", "RDV à venir", "RDV constats", "Formation", "PACEA-CEJ", "Liste ASP", "SIENE",
		"SIENE constats", "Contrôles", "Contrôles par règle", "Tendance", "PAC", "USR", "RGS", "DOS", "IDJ", "RAF", "TER", "ACR", "Résolus"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sheets %v", got)
	}
	rows, _ := f.GetRows("Contrôles")
	if len(rows) != 1+13*3 {
		t.Errorf("Contrôles has %d rows", len(rows))
	}
	if v, _ := f.GetCellValue("Liste ASP", "J2"); v != "=CERFA+1" {
		t.Errorf("CERFA cell %q", v)
	}
	if fm, _ := f.GetCellFormula("Liste ASP", "J2"); fm != "" {
		t.Errorf("CERFA cell is a formula %q", fm)
	}
	if d := cellDate(t, f, "Liste ASP", "E2"); !d.Equal(day("2005-02-28")) {
		t.Errorf("birth date %v", d)
	}
	if d := cellDate(t, f, "RDV à venir", "C2"); !d.Equal(time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("upcoming %v", d)
	}
	if d := cellDate(t, f, "Contrôles", "L2"); !d.Equal(day("2026-11-23")) {
		t.Errorf("première détection %v", d)
	}
	if v, _ := f.GetCellValue("Rendez-vous", "J3", excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "0.333") {
		t.Errorf("absence rate %q", v)
	}
	if v, _ := f.GetCellValue("Rendez-vous", "J4"); v != "" {
		t.Errorf("absence rate without present/absent: %q, want empty", v)
	}
	if v, _ := f.GetCellValue("Synthèse", "F2"); v != "6" { // RDV: 2 rules × 3
		t.Errorf("Synthèse RDV total %q", v)
	}
}

func TestWriteStructureRefusesForeignRows(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-16001")
	r.Findings[3].CodeStructure = "ML-17001"
	if _, err := WriteStructure(t.TempDir(), r); err == nil {
		t.Error("a finding of another structure was written")
	}
	r = sampleReport("../x")
	if _, err := WriteStructure(t.TempDir(), r); err == nil {
		t.Error("a bad structure code became a path")
	}
}

func TestWriteRegion(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
		out = d
	}
	reg := &RegionReport{AsOf: day("2026-11-23"), GeneratedAt: genAt}
	for _, code := range []string{"ML-16001", "ML-17002", "ML-33003"} {
		reg.Structures = append(reg.Structures, Summarize(sampleReport(code)))
		reg.Trend = append(reg.Trend, sampleReport(code).Trend...)
	}
	paths, err := WriteRegion(out, reg)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, paths[0])
	for _, want := range []string{"Synthèse régionale", "ML-17002 — Mission Locale ML-17002 Sud-Charente", "Par structure",
		"Taux de rattachement à SIENE par structure", "117", "25,0", "Ensemble de la région",
		"Structures à suivre en priorité"} {
		if !strings.Contains(text, want) {
			t.Errorf("region PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "Chloé") || strings.Contains(text, "Lefèvre") {
		t.Error("the regional summary holds a name")
	}
	f, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Structures", "D3"); v != "39" {
		t.Errorf("Structures D3 = %q, want 39 findings", v)
	}
	if d := cellDate(t, f, "Structures", "C2"); !d.Equal(day("2026-11-23")) {
		t.Errorf("contrôle du %v", d)
	}
}

// TestCounsellorChartsRankedAndCapped: a large structure's chart by
// counsellor shows the 40 highest absence rates, highest first; the table
// keeps every counsellor.
func TestCounsellorChartsRankedAndCapped(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-33001")
	r.RDV = nil
	for i := 1; i <= 50; i++ {
		r.RDV = append(r.RDV, RDVIndicator{IDUtilisateur: fmt.Sprintf("U%02d", i), Conseiller: fmt.Sprintf("Conseiller %02d", i),
			Present: 100 - int64(i), Absent: int64(i), Total: 100, TauxAbsence: float64(i) / 100, HasTaux: true})
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := StructurePDF(r).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, path)
	if !strings.Contains(text, "Taux d'absence par conseiller, du plus élevé au plus bas (les 40 premiers sur 50") {
		t.Error("the chart does not say it shows the 40 highest of 50")
	}
	for name, want := range map[string]int{"Conseiller 50": 2, "Conseiller 11": 2, "Conseiller 10": 1, "Conseiller 01": 1} {
		if got := strings.Count(text, name); got != want {
			t.Errorf("%s printed %d times, want %d (table and chart, or table only)", name, got, want)
		}
	}
	if strings.Index(text, "50,0 % (50/100)") > strings.Index(text, "11,0 % (11/100)") {
		t.Error("the chart is not ranked highest first")
	}
}
