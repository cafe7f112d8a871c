package controls

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// index maps rule|id_objet to the finding.
func index(fs []Finding) map[string]Finding {
	m := make(map[string]Finding, len(fs))
	for _, f := range fs {
		m[f.Rule+"|"+f.IDObjet] = f
	}
	return m
}

func runAt(t *testing.T, w *warehouse.Warehouse, asOf string) *Result {
	t.Helper()
	res, err := recorded(t, context.Background(), w, Options{AsOf: date(asOf)})
	if err != nil {
		t.Fatalf("run at %s: %v", asOf, err)
	}
	return res
}

// caseIDRe reads the test case an object of the fixture stands for:
// RULE_in_… (a finding of RULE), RULE_out_… (none), RULE_erreur_… (a finding
// of that gravité).
var caseIDRe = regexp.MustCompile(`^([A-Z]{3}-[0-9]{2})_(in|out|erreur|alerte|info)_`)

// TestRulesBoundaries checks every object of the fixture named after a rule:
// just inside a boundary yields that rule's finding, just outside does not.
func TestRulesBoundaries(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	res := runAt(t, w, "2026-11-23")
	found := index(res.Findings)

	n := checkNamedCases(t, w, found, nil, `
SELECT id_utilisateur FROM utilisateurs UNION ALL SELECT id_dossier FROM dossiers
UNION ALL SELECT id_rdv FROM rendez_vous UNION ALL SELECT id_situation FROM situations
UNION ALL SELECT id_dispositif FROM dispositifs UNION ALL SELECT id_partenaire FROM partenaires
UNION ALL SELECT id_allocation FROM allocations`)
	if n < 100 {
		t.Fatalf("only %d named cases read from the fixture", n)
	}
}

// TestRulesExplicit covers cases that need another as-of date or an object
// that is not named after its rule (structures, RDV-03 dossiers' gravité).
func TestRulesExplicit(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	results := map[string]map[string]Finding{}
	for _, d := range []string{"2026-11-23", "2026-02-28", "2026-03-01", "2026-06-30", "2026-07-01"} {
		results[d] = index(runAt(t, w, d).Findings)
	}
	cases := []struct {
		asOf, rule, id, want string // want: gravité, or "" for no finding
	}{
		{"2026-11-23", "RGS-01", "RGS_m1", "erreur"},
		{"2026-11-23", "RGS-02", "RGS_0", "alerte"},
		{"2026-11-23", "RGS-02", "RGS_15", "alerte"},
		{"2026-11-23", "RGS-03", "RGS_15", ""},
		{"2026-11-23", "RGS-02", "RGS_16", ""},
		{"2026-11-23", "RGS-03", "RGS_16", "info"},
		{"2026-11-23", "RGS-03", "RGS_60", "info"},
		{"2026-11-23", "RGS-03", "RGS_61", ""},
		{"2026-11-23", "RDV-03", "RDV-03_in_two", "info"},
		// age on the birthday and the day before
		{"2026-11-23", "PAC-05", "PAC-05_birthday", "erreur"},
		{"2026-11-23", "PAC-05", "PAC-05_day_before", ""},
		{"2026-11-23", "PAC-05", "PAC-05_closed", ""},
		// born 29 February 2000: 26 on 1 March 2026, not on 28 February
		{"2026-02-28", "PAC-05", "PAC-05_feb29", ""},
		{"2026-03-01", "PAC-05", "PAC-05_feb29", "erreur"},
		{"2026-11-23", "PAC-02", "PAC-02_alerte_open", "alerte"},
		// last meeting 31 January + 5 months = 30 June (clamped): dormant from 1 July
		{"2026-06-30", "DOS-01", "DOS-01_in_clamped", ""},
		{"2026-07-01", "DOS-01", "DOS-01_in_clamped", "info"},
		// USR-05 on the desactive director; USR-01 names the other account
		{"2026-11-23", "USR-05", "USR-01_in_dir_desactive", "alerte"},
		{"2026-11-23", "USR-05", "USR-01_in_dir_actif", ""},
		{"2026-11-23", "USR-05", "USR-05_out_desabonne", ""},
		{"2026-11-23", "USR-04", "u_ref", ""},
	}
	for _, c := range cases {
		f, ok := results[c.asOf][c.rule+"|"+c.id]
		switch {
		case c.want == "" && ok:
			t.Errorf("%s at %s: unexpected %s finding: %s", c.id, c.asOf, c.rule, f.Detail)
		case c.want != "" && !ok:
			t.Errorf("%s at %s: missing %s finding", c.id, c.asOf, c.rule)
		case ok && f.Gravite != c.want:
			t.Errorf("%s at %s: %s gravité %s, want %s", c.id, c.asOf, c.rule, f.Gravite, c.want)
		}
	}
}

// TestDetails checks that details name the values at fault, in French, and
// never a young person's identity.
func TestDetails(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	res := runAt(t, w, "2026-11-23")
	found := index(res.Findings)
	// one finding of every rule, with the values its detail must name
	wants := map[string][]string{
		"RDV-01|RDV-01_in_yesterday_2330":    {"22/11/2026", "« prévu »"},
		"RDV-02|RDV-02_in_no_motif":          {"01/09/2026", "sans motif"},
		"RDV-03|RDV-03_in_two":               {"2 absences", "24/10/2026", "22/11/2026"},
		"FOR-01|FOR-01_in":                   {"10/01/2026", "sans objectif"},
		"FOR-02|FOR-02_in":                   {"10/01/2026", "sans date de fin"},
		"FOR-03|FOR-03_in":                   {"10/01/2026", "prestation France Travail"},
		"FOR-04|FOR-04_in":                   {"10/01/2026", "perfectionnement"},
		"FOR-05|FOR-05_in":                   {"10/01/2026", "attestation de qualification et aptitude"},
		"FOR-06|FOR-06_in_equal":             {"10/01/2026", "30/06/2026", "motif d'interruption"},
		"FOR-07|FOR-07_in_direct":            {"10/01/2026", "saisie directement"},
		"FOR-08|FOR-08_in_day_after":         {"01/06/2026", "PACEA ou CEJ"},
		"FOR-09|FOR-09_in_reelle":            {"10/01/2026", "réelle (09/01/2026)"},
		"PCJ-01|PCJ-01_in_same_day":          {"pcj2_pacea", "01/07/2026", "30/06/2026"},
		"PCJ-01|PCJ-01_in_entry_on_cej_exit": {"pcj6_pacea", "31/12/2025", "01/01/2025"},
		"PCJ-02|PCJ-02_in_open":              {"pcj3_pacea", "01/01/2025", "01/07/2026", "30/06/2026"},
		"SIE-01|SIE-01_in":                   {"« Boulangerie »", "SIENE"},
		"SIE-02|SIE-02_in_i1":                {"44079707400027", "Luhn"},
		"SIE-02|SIE-02_in_laposte_sum":       {"35600000049838", "La Poste"},
		"SIE-02|SIE-02_in_13_digits":         {"3624679471379", "13 chiffres"},
		"SIE-03|SIE-03_in":                   {"« Sans siret »", "sans SIRET"},
		"SIE-04|SIE-04_in_a":                 {"73282932000074", "SIE-04_in_b"},
		"PAC-01|PAC-01_in_no_diag":           {"28/02/2026", "diagnostic approfondi"},
		"PAC-02|PAC-02_alerte_clamped":       {"31/01/2026", "01/03/2026", "plus d'un mois"},
		"PAC-02|PAC-02_erreur_beyond_3":      {"31/01/2026", "01/05/2026", "plus de 3 mois"},
		"PAC-03|PAC-03_in_day_after":         {"01/03/2026", "31/01/2026", "28/02/2026"},
		"PAC-04|PAC-04_in_24_months_1_day":   {"22/11/2024", "22/11/2026", "24 mois"},
		"PAC-05|PAC-05_birthday":             {"26 ans", "23/11/2026"},
		"PAC-06|PAC-06_in_300":               {"300,00 €", "03/2026", "02/2026", "500,00 €"},
		"PAC-07|PAC-07_in_elapsed":           {"02/2026", "01/03/2026"},
		"USR-01|USR-01_in_dir_actif":         {"p.durand", "(a.roux)"},
		"USR-02|USR-02_in_no_email":          {"l.petit", "sans adresse e-mail"},
		"USR-03|USR-03_in_nom_accent":        {"e.x", "(equipe)"},
		"USR-04|USR-04_in_dossier":           {"d.gone", "1 dossier"},
		"USR-04|USR-04_in_offre":             {"o.gone", "1 offre non terminée"},
		"USR-05|USR-01_in_dir_desactive":     {"a.roux", "direction"},
		"USR-06|USR-06_in_91_days":           {"w.old", "24/08/2026", "90 jours"},
		"RGS-01|RGS_m1":                      {"22/11/2026", "expiré"},
		"RGS-02|RGS_15":                      {"08/12/2026", "renouvellement"},
		"RGS-03|RGS_60":                      {"22/01/2027", "pièces justificatives"},
		"DOS-01|DOS-01_in_meeting":           {"22/06/2026", "23/11/2026"},
		"DOS-01|DOS-01_in_phone_only":        {"aucune rencontre physique", "01/01/2026"},
		"DOS-01|DOS-01_in_meeting_after_d":   {"dernière rencontre physique le 23/05/2026"}, // not the one after D
		"DOS-01|DOS-01_in_only_after_d":      {"aucune rencontre physique depuis l'inscription le 01/01/2026"},
		"DOS-02|DOS-02_in_npai_false":        {"non normalisée"},
		"DOS-03|DOS-03_in_none":              {"ni téléphone mobile"},
		"DOS-04|DOS-04_erreur_key":           {"clé 81 au lieu de 80"},
		"DOS-04|DOS-04_erreur_14":            {"14 caractères"},
		"DOS-04|DOS-04_erreur_2c":            {"autres caractères que des chiffres"},
		"DOS-04|DOS-04_alerte_7":             {"provisoire", "7"},
		"DOS-05|DOS-05_in":                   {"pacea", "sans conseiller référent"},
	}
	covered := map[string]bool{}
	for key := range wants {
		covered[strings.SplitN(key, "|", 2)[0]] = true
	}
	for _, rule := range strings.Fields(ruleCodes) {
		if !covered[rule] {
			t.Errorf("%s: no detail checked", rule)
		}
	}
	for key, subs := range wants {
		f, ok := found[key]
		if !ok {
			t.Errorf("%s: no finding", key)
			continue
		}
		for _, s := range subs {
			if !strings.Contains(f.Detail, s) {
				t.Errorf("%s: detail %q does not name %q", key, f.Detail, s)
			}
		}
	}
	for _, f := range res.Findings {
		if f.Detail == "" || strings.Contains(f.Detail, "Prénom") || strings.Contains(f.Detail, "2006") {
			t.Errorf("%s %s: detail %q is empty or names the young person", f.Rule, f.IDObjet, f.Detail)
		}
		for _, nir := range []string{"269054958815781", "769054958815724"} {
			if strings.Contains(f.Detail, nir) {
				t.Errorf("%s %s: detail prints a NIR", f.Rule, f.IDObjet)
			}
		}
	}
	// sorted by rule then id_objet, byte order
	if !sort.SliceIsSorted(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.IDObjet < b.IDObjet
	}) {
		t.Error("findings are not sorted by rule then id_objet")
	}
}

// TestArchivedDossier checks that an archived dossier appears in no finding
// and no nominative list, while aggregates count it.
func TestArchivedDossier(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	res := runAt(t, w, "2026-11-23")
	for _, f := range res.Findings {
		if f.IDDossier == "ARCH" || strings.HasPrefix(f.IDObjet, "arch_") || f.IDObjet == "ARCH" {
			t.Errorf("archived dossier in finding %s %s", f.Rule, f.IDObjet)
		}
	}
	asp, err := WeeklyASP(context.Background(), w, date("2026-11-23"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range asp {
		if r.IDDossier == "ARCH" {
			t.Error("archived dossier in the ASP list")
		}
	}
	var upcoming, counted int
	if err := w.DB.QueryRow(`SELECT count(*) FROM upcoming_rdv WHERE run_id = ? AND id_dossier = 'ARCH'`, res.RunID).Scan(&upcoming); err != nil {
		t.Fatal(err)
	}
	if upcoming != 0 {
		t.Error("archived dossier in the upcoming appointments")
	}
	// ML-A, counsellor u_ref, 2026-10-26 .. 2026-11-22: the archived dossier's 1 prevu + 2 absent count.
	if err := w.DB.QueryRow(`SELECT absent FROM indicator_rdv WHERE run_id = ? AND niveau = 'conseiller' AND id_utilisateur = 'u_ref'`, res.RunID).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	var want int
	if err := w.DB.QueryRow(`SELECT count(*) FROM rendez_vous WHERE statut = 'absent' AND id_utilisateur = 'u_ref'
		AND CAST(date_heure AS DATE) BETWEEN DATE '2026-10-26' AND DATE '2026-11-22'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if counted != want || want < 2 {
		t.Errorf("absent appointments of u_ref: indicator %d, rows %d", counted, want)
	}
}

// ruleCodes lists every rule code of rules.md's control families.
const ruleCodes = "RDV-01 RDV-02 RDV-03 FOR-01 FOR-02 FOR-03 FOR-04 FOR-05 FOR-06 FOR-07 FOR-08 FOR-09 " +
	"PCJ-01 PCJ-02 SIE-01 SIE-02 SIE-03 SIE-04 PAC-01 PAC-02 PAC-03 PAC-04 PAC-05 PAC-06 PAC-07 " +
	"USR-01 USR-02 USR-03 USR-04 USR-05 USR-06 RGS-01 RGS-02 RGS-03 DOS-01 DOS-02 DOS-03 DOS-04 DOS-05"
