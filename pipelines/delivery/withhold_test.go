package delivery

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// A structure's nominative files (ASP list, workbook) written before one of
// its dossiers was archived are withheld; written after, or another
// structure's, or not nominative (the dashboard), they go.
func TestWithholdNominativeFilesOlderThanAnArchiving(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	// ML-A's dossier D1 archived on 2026-11-24 at 05:00, Paris time.
	for _, q := range []string{
		`INSERT INTO dossiers (id_dossier, code_structure, civilite, date_inscription) VALUES ('D1', 'ML-A', 'm', DATE '2020-01-01'), ('D2', 'ML-B', 'm', DATE '2020-01-01')`,
		`INSERT INTO archive_batches VALUES (9, 'auto', DATE '2026-11-24', 1, '/b', 'x', TIMESTAMP '2026-11-24 05:00:00')`,
		`INSERT INTO archive_batch_dossiers VALUES (9, 'D1', 'age_31')`,
	} {
		if _, err := w.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	dir := t.TempDir()
	archived := time.Date(2026, 11, 24, 5, 0, 0, 0, time.FixedZone("CET", 3600))
	file := func(name string, mod time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
		return p
	}
	before, after := archived.Add(-time.Minute), archived.Add(time.Minute)
	files := []File{
		{Path: file("liste-asp-ML-A-2026-11-23.pdf", before), Audience: "ML-A"},
		{Path: file("classeur-ML-A-2026-11-23.xlsx", before), Audience: "ML-A"},
		{Path: file("tableau-de-bord-ML-A-2026-11-23.pdf", before), Audience: "ML-A"},
		{Path: file("liste-asp-ML-A-2026-11-30.pdf", after), Audience: "ML-A"},
		{Path: file("liste-asp-ML-B-2026-11-23.pdf", before), Audience: "ML-B"},
		{Path: file("courriel-ML-A-2026-11-23.txt", before), Audience: "ML-A"}, // announces ML-A's list
		{Path: file("courriel-ML-B-2026-11-23.txt", before), Audience: "ML-B"},
	}
	keep, held, err := Withhold(ctx, w, files, after)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 3 || filepath.Base(held[0].File.Path) != "liste-asp-ML-A-2026-11-23.pdf" || filepath.Base(held[1].File.Path) != "classeur-ML-A-2026-11-23.xlsx" ||
		filepath.Base(held[2].File.Path) != "courriel-ML-A-2026-11-23.txt" ||
		held[0].Why != "écrit avant l'archivage du 24/11/2026 à 05:00 : il pourrait nommer un dossier anonymisé depuis" {
		t.Errorf("held: %+v", held)
	}
	if len(keep) != 4 {
		t.Errorf("kept: %+v", keep)
	}
}
