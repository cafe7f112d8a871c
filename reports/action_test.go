package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRankActions: what the ASP or a payment rejects comes first, then what
// blocks a transfer, then a certificate about to expire, then errors before
// alerts; within a class the oldest first.
func TestRankActions(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{Rule: "DOS-01", Gravite: "info", IDObjet: "info_old", PremiereDetection: day("2025-01-01")},
		{Rule: "DOS-04", Gravite: "erreur", IDObjet: "erreur_new", PremiereDetection: day("2026-11-23")},
		{Rule: "RGS-02", Gravite: "alerte", IDObjet: "certificat", PremiereDetection: day("2026-11-23")},
		{Rule: "USR-04", Gravite: "erreur", IDObjet: "transfert", PremiereDetection: day("2026-11-23")},
		{Rule: "PCJ-02", Gravite: "erreur", IDObjet: "asp_new", PremiereDetection: day("2026-11-23")},
		{Rule: "PAC-06", Gravite: "erreur", IDObjet: "asp_old", PremiereDetection: day("2026-10-01")},
		{Rule: "DOS-02", Gravite: "alerte", IDObjet: "alerte_old", PremiereDetection: day("2025-06-01")},
	}
	var got []string
	for _, f := range RankActions(fs) {
		got = append(got, f.IDObjet)
	}
	want := "asp_old asp_new transfert certificat erreur_new alerte_old info_old"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

// TestActionPage: the dashboard opens on the action page (tiles with the
// change since the previous control, the ten findings to handle first), then
// the counsellor × family and site × family matrices; the family × gravité
// table is printed once.
func TestActionPage(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-16001")
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := StructurePDF(r).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdfText(t, path), "\f")
	first := pages[0]
	for _, want := range []string{"À traiter en priorité", "Constats ouverts", "▲ 12", "dont erreurs", "Les 10 constats à traiter d'abord",
		"Rejet ASP ou paiement", "Certificat bientôt", "PCJ-01"} {
		if !strings.Contains(spaces(first), want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if n := strings.Count(first, "ML-16001-D"); n != 10 {
		t.Errorf("page 1 lists %d findings, want 10", n)
	}
	// PCJ-01 (rejected by the ASP) before RGS-02 (certificate) before the rest.
	if i, j := strings.Index(first, "PCJ-01"), strings.Index(first, "RGS-02"); i < 0 || j < i {
		t.Errorf("PCJ-01 at %d, RGS-02 at %d", i, j)
	}
	second := pages[2] // after the contents list
	for _, want := range []string{"Par conseiller référent et par famille", "Chloé Dupré", "Jérôme Lefèvre",
		"Par lieu d'accueil et par famille", "Antenne d'Angoulême", "Antenne de Cognac"} {
		if !strings.Contains(second, want) {
			t.Errorf("page 3 lacks %q", want)
		}
	}
	if n := strings.Count(strings.Join(pages, ""), "Constats par famille et gravité"); n != 1 {
		t.Errorf("the family × gravité table is printed %d times", n)
	}
}

// TestDirectorMessage: the email body carries the headline figures and the
// deadlines, and no young person's name.
func TestDirectorMessage(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-16001")
	out := t.TempDir()
	paths, err := WriteStructure(out, r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(paths[3])
	if err != nil {
		t.Fatal(err)
	}
	msg := spaces(string(b))
	for _, want := range []string{"39 constats ouverts, en hausse de 12 depuis le 16/11/2026 (13 nouveaux, 1 résolu)",
		"dont 13 erreurs, en hausse de 5", "Rejet ASP ou paiement : 3", "Certificat bientôt expiré : 3",
		"liste ASP de la semaine du lundi 16/11/2026 au dimanche 22/11/2026 : 1 jeune, à signer",
		"3 chevauchements PACEA / CEJ", "liste-asp-ML-16001-2026-11-23.pdf"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !strings.Contains(pdfText(t, paths[2]), "Lefèvre") || strings.Contains(msg, "Lefèvre") {
		t.Error("the young person's name is missing from the ASP list or present in the message")
	}
}

// spaces turns the no-break spaces of French typography into plain spaces.
func spaces(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}
