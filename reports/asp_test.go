package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestASPListSignatureNeverAlone: for lists around a page break and a long
// one, every page says « Liste de N jeunes — page x/y » beside a box for
// initials, every young person is listed once, and the signature block shares
// its page with rows of the list; an empty week prints « Néant » to sign.
func TestASPListSignatureNeverAlone(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 200} {
		t.Run(itoa(n), func(t *testing.T) {
			t.Parallel()
			var rows []ASPRow
			for i := 0; i < n; i++ {
				rows = append(rows, ASPRow{CodeStructure: "ML-16001", IDDossier: fmt.Sprintf("DOS%04d", i), NomUsage: "Martin",
					Prenom: "Léa", DateNaissance: day("2004-06-01"), DateEntree: day("2025-01-01"), DateSortie: day("2026-11-16"),
					NumeroCerfa: fmt.Sprintf("16001-2025-%06d", i)})
			}
			path := filepath.Join(t.TempDir(), "asp.pdf")
			if d := os.Getenv("VIGIE_KEEP_PDF"); d != "" {
				path = filepath.Join(d, "asp-"+itoa(n)+".pdf")
			}
			err := WriteASPList(path, ASPList{CodeStructure: "ML-16001", NomStructure: "Mission Locale de la Charente",
				WeekFrom: day("2026-11-16"), WeekTo: day("2026-11-22"), Rows: rows, GeneratedAt: genAt})
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, path)
			pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
			word := "jeunes"
			if n <= 1 {
				word = "jeune"
			}
			signed := 0
			for i, page := range pages {
				band := fmt.Sprintf("Liste de %d %s — page %d/%d", n, word, i+1, len(pages))
				if !strings.Contains(page, band) {
					t.Errorf("page %d lacks %q", i+1, band)
				}
				if !strings.Contains(page, "Paraphe") {
					t.Errorf("page %d has no room for initials", i+1)
				}
				if strings.Contains(page, "Signature :") {
					signed++
					if n > 0 && !strings.Contains(page, fmt.Sprintf("DOS%04d", n-1)) {
						t.Errorf("the signature block is on page %d/%d without the last row:\n%s", i+1, len(pages), page)
					}
					if n == 0 && !strings.Contains(page, "Néant") {
						t.Errorf("an empty list does not say « Néant » beside its signature:\n%s", page)
					}
				}
			}
			if signed != 1 {
				t.Errorf("signature block printed %d times", signed)
			}
			for i := 0; i < n; i++ {
				if c := strings.Count(text, fmt.Sprintf("DOS%04d", i)); c != 1 {
					t.Errorf("dossier DOS%04d printed %d times", i, c)
				}
			}
			if want := 1 + (n+15)/22; n > 0 && (len(pages) > want || len(pages) < n/24+1) {
				t.Errorf("%d pages for %d rows", len(pages), n)
			}
		})
	}
}
