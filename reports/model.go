package reports

import (
	"sort"
	"strings"
	"time"
)

// The dashboards' input: plain values a loader reads from the warehouse (or a
// test builds by hand). Dates are midnight UTC; date-times are naive
// Europe/Paris wall-clock values, as the warehouse stores them.

// Finding is one finding of the latest controls run, with its history.
type Finding struct {
	Rule              string
	Gravite           string // erreur, alerte, info
	CodeStructure     string
	Objet             string
	IDObjet           string
	IDLie             string
	IDDossier         string
	Detail            string
	Suivi             string    // nouveau, persistant (resolu for resolved ones)
	PremiereDetection time.Time // as-of date of the first run that found it
	NbRuns            int
	// The referent counsellor of the finding's dossier or partner, if any.
	IDConseiller string
	Conseiller   string
	// Lieu is the site (lieu d'accueil) the finding's dossier is attached to.
	Lieu string
}

// Family is the rule family of a finding: RDV, FOR, PCJ, SIE, PAC, USR, RGS, DOS.
func (f Finding) Family() string {
	fam, _, _ := strings.Cut(f.Rule, "-")
	return fam
}

// RDVIndicator counts appointments by statut over the indicator period, for
// a structure or one counsellor.
type RDVIndicator struct {
	IDUtilisateur string
	Conseiller    string
	Prevu         int64
	Present       int64
	Absent        int64
	Annule        int64
	Reporte       int64
	NonPrecise    int64
	Total         int64
	TauxAbsence   float64
	HasTaux       bool // false when present + absent = 0
}

// Appointment is one appointment of the coming week.
type Appointment struct {
	IDUtilisateur string
	Conseiller    string
	IDRdv         string
	IDDossier     string
	DateHeure     time.Time
	Lieu          string
	Statut        string
}

// SIENEIndicator is the attachment rate of active partners to SIENE, for a
// structure or one referent counsellor.
type SIENEIndicator struct {
	IDUtilisateur string
	Conseiller    string
	Partenaires   int64
	Rattaches     int64
	Taux          float64
	HasTaux       bool
}

// TrendPoint counts the findings of one rule family in one stored controls run.
type TrendPoint struct {
	AsOf   time.Time // the run's as-of date
	Family string
	Count  int64
}

// StructureReport is everything one structure's dashboards show.
type StructureReport struct {
	CodeStructure string
	NomStructure  string
	AsOf          time.Time
	GeneratedAt   time.Time
	// Monthly: the monthly report. The week's ASP list to sign is the
	// Monday report's: it is neither written again nor asked for again.
	Monthly bool
	// The controls run the dashboards come from; ControlRunID 0 when no
	// run covers the structure yet.
	ControlRunID int64
	ControlAsOf  time.Time
	Dossiers     int64 // dossiers the structure follows (not archived)
	// ComparedAsOf is the date of the reference controls run the
	// « nouveaux / résolus » compare with (the weekly control of the week
	// before, or the month before's); zero when there is none yet.
	ComparedAsOf time.Time
	PeriodFrom   time.Time // indicator period of the RDV dashboard
	PeriodTo     time.Time
	RDVTotal     RDVIndicator
	RDV          []RDVIndicator
	Upcoming     []Appointment
	SIENETotal   SIENEIndicator
	SIENE        []SIENEIndicator
	Findings     []Finding
	Resolved     []Finding
	Trend        []TrendPoint
	ASP          ASPList
}

// StructureSummary is one structure's line of the regional summary: counts
// only, no identity.
type StructureSummary struct {
	CodeStructure string
	NomStructure  string
	ControlAsOf   time.Time
	Dossiers      int64     // dossiers followed (not archived)
	ComparedAsOf  time.Time // the reference run the nouveaux / résolus compare with
	RDV           RDVIndicator
	SIENE         SIENEIndicator
	// Findings counted by rule (e.g. "RDV-01") and by gravité.
	ByRule      map[string]int64
	ByGravite   map[string]int64
	Nouveaux    int64
	Persistants int64
	Resolus     int64
	ASPCount    int64
}

// Open is the number of open findings of the structure.
func (s StructureSummary) Open() int64 {
	return s.ByGravite["erreur"] + s.ByGravite["alerte"] + s.ByGravite["info"]
}

// Per100 is the structure's open findings per 100 dossiers followed; ok is
// false when it follows none.
func (s StructureSummary) Per100() (rate float64, ok bool) {
	if s.Dossiers <= 0 {
		return 0, false
	}
	return float64(s.Open()) * 100 / float64(s.Dossiers), true
}

// RankStructures orders the structures by open findings per 100 dossiers
// followed, highest first (those following none last), then by code: the
// regional summary compares structures of different sizes.
func RankStructures(ss []StructureSummary) []StructureSummary {
	out := append([]StructureSummary(nil), ss...)
	sort.SliceStable(out, func(i, j int) bool {
		a, aok := out[i].Per100()
		b, bok := out[j].Per100()
		if aok != bok {
			return aok
		}
		if a != b {
			return a > b
		}
		return out[i].CodeStructure < out[j].CodeStructure
	})
	return out
}

// RegionReport is the regional summary across structures.
type RegionReport struct {
	AsOf        time.Time
	GeneratedAt time.Time
	Structures  []StructureSummary
	Trend       []TrendPoint // all structures together
}

// Summarize turns a structure's report into its regional line.
func Summarize(r *StructureReport) StructureSummary {
	s := StructureSummary{CodeStructure: r.CodeStructure, NomStructure: r.NomStructure, ControlAsOf: r.ControlAsOf, Dossiers: r.Dossiers,
		ComparedAsOf: r.ComparedAsOf,
		RDV:          r.RDVTotal, SIENE: r.SIENETotal, ByRule: map[string]int64{}, ByGravite: map[string]int64{},
		Resolus: int64(len(r.Resolved)), ASPCount: int64(len(r.ASP.Rows))}
	for _, f := range r.Findings {
		s.ByRule[f.Rule]++
		s.ByGravite[f.Gravite]++
		if f.Suivi == "nouveau" {
			s.Nouveaux++
		} else {
			s.Persistants++
		}
	}
	return s
}

// Families lists the rule families in the order of the dashboards.
var Families = []string{"RDV", "FOR", "PCJ", "SIE", "PAC", "USR", "RGS", "DOS", "IDJ", "RAF", "TER", "ACR"}

// SectionFamilies are the families whose findings get a section (PDF) and a
// sheet (workbook) of their own after the dashboards, in this order.
var SectionFamilies = []string{"PAC", "USR", "RGS", "DOS", "IDJ", "RAF", "TER", "ACR"}

// FamilyLabel names a rule family in French.
var FamilyLabel = map[string]string{
	"RDV": "Rendez-vous",
	"FOR": "Formation",
	"PCJ": "PACEA / CEJ",
	"SIE": "SIENE",
	"PAC": "Parcours PACEA",
	"USR": "Comptes utilisateurs",
	"RGS": "Certificat RGS",
	"DOS": "Qualité des dossiers",
	"IDJ": "Identité justifiée",
	"RAF": "Demandes Rafael",
	"TER": "Zones de couverture",
	"ACR": "Activ'Créa (J2)",
}

// RuleLabel says in a few French words what each rule checks.
var RuleLabel = map[string]string{
	"RDV-01": "Issue du rendez-vous jamais saisie",
	"RDV-02": "Absence sans motif",
	"RDV-03": "Absences répétées sans présence depuis",
	"FOR-01": "Formation sans objectif",
	"FOR-02": "Date de fin non renseignée",
	"FOR-03": "Prestation France Travail saisie en formation",
	"FOR-04": "Objectif « perfectionnement » à ne pas utiliser",
	"FOR-05": "Attestation de qualification et aptitude (niveau II)",
	"FOR-06": "Motif d'interruption sans sortie anticipée",
	"FOR-07": "Formation hors MER (non comptée par l'État)",
	"FOR-08": "Formation hors PACEA / CEJ (non comptée par l'État)",
	"FOR-09": "Date de fin avant la date de début",
	"PCJ-01": "PACEA et CEJ se chevauchent",
	"PCJ-02": "PACEA encore ouvert pendant le CEJ",
	"SIE-01": "Partenaire non rattaché à SIENE",
	"SIE-02": "SIRET invalide",
	"SIE-03": "SIRET manquant",
	"SIE-04": "SIRET en double",
	"PAC-01": "PACEA sans diagnostic approfondi",
	"PAC-02": "Diagnostic approfondi trop long",
	"PAC-03": "PACEA signé plus d'un mois après le diagnostic",
	"PAC-04": "PACEA ouvert depuis plus de 24 mois",
	"PAC-05": "PACEA ouvert après 26 ans",
	"PAC-06": "Allocation malgré des ressources ≥ 300 €",
	"PAC-07": "Allocation CEJ pour un mois échu",
	"USR-01": "Plusieurs comptes de direction",
	"USR-02": "Compte actif sans email",
	"USR-03": "Compte générique",
	"USR-04": "Compte désactivé encore référent",
	"USR-05": "Compte désactivé avec la fonction direction",
	"USR-06": "Mot de passe inchangé depuis plus de 90 jours",
	"RGS-01": "Certificat RGS expiré",
	"RGS-02": "Certificat RGS à renouveler (15 jours)",
	"RGS-03": "Certificat RGS à préparer (60 jours)",
	"DOS-01": "Dossier en veille (5 mois sans entretien)",
	"DOS-02": "Adresse non normalisée",
	"DOS-03": "Ni email ni téléphone mobile",
	"DOS-04": "NIR invalide ou provisoire",
	"DOS-05": "Dispositif en cours sans conseiller référent",
	"DOS-06": "Dossier complet sans rencontre ou sans situation",
	"IDJ-01": "Identité justifiée modifiée",
	"RAF-01": "Commentaire Rafael sans demande explicite",
	"RAF-02": "Demande Rafael envoyée, non reportée après 45 jours",
	"TER-01": "Commune couverte par plusieurs structures",
	"ACR-01": "Activ'Créa : fin dans 7 jours, rien de prévu",
	"ACR-02": "Activ'Créa : fin théorique passée, fiche non complétée",
	"ACR-03": "Action J2 à venir sans lieu",
	"ACR-04": "Participation hors des dates du parcours",
	"ACR-05": "Consentement RGPD à demander à la main",
	"ACR-06": "Entrepreneur en double probable",
}

// familyRank orders rules (or rule keys) by family, in the order of the
// dashboards; an unknown family comes last.
func familyRank(rule string) int {
	fam, _, _ := strings.Cut(rule, "-")
	for i, f := range Families {
		if f == fam {
			return i
		}
	}
	return len(Families)
}

// statutLabel names an appointment statut as i-milo shows it.
func statutLabel(code string) string {
	if l, ok := statutLabels[code]; ok {
		return l
	}
	return code
}

var statutLabels = map[string]string{
	"prevu": "Planifié", "present": "Présent", "absent": "Absent", "annule": "Annulé", "reporte": "Reporté", "non_precise": "Non précisé",
}

// suiviLabel names the follow-up state of a finding.
func suiviLabel(code string) string {
	if code == "resolu" {
		return "résolu"
	}
	return code
}

func ruleLabel(rule string) string {
	if l, ok := RuleLabel[rule]; ok {
		return l
	}
	return rule
}

// Gravites in display order.
var Gravites = []string{"erreur", "alerte", "info"}

// byFamily returns the findings of one family.
func byFamily(fs []Finding, fam string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Family() == fam {
			out = append(out, f)
		}
	}
	return out
}

// countBy counts findings by a key, sorted by key.
func countBy(fs []Finding, key func(Finding) string) ([]string, map[string]int64) {
	m := map[string]int64{}
	for _, f := range fs {
		m[key(f)]++
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, m
}

// trendWeeks pivots trend points: the run dates (oldest first) and, per
// family, the count at each date.
func trendWeeks(points []TrendPoint) ([]time.Time, map[string][]float64) {
	seen := map[time.Time]bool{}
	var dates []time.Time
	for _, p := range points {
		if !seen[p.AsOf] {
			seen[p.AsOf] = true
			dates = append(dates, p.AsOf)
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	idx := map[time.Time]int{}
	for i, d := range dates {
		idx[d] = i
	}
	out := map[string][]float64{}
	for _, p := range points {
		if out[p.Family] == nil {
			out[p.Family] = make([]float64, len(dates))
		}
		out[p.Family][idx[p.AsOf]] += float64(p.Count)
	}
	return dates, out
}

func conseillerLabel(id, name string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return id
	default:
		return "(sans conseiller)"
	}
}
