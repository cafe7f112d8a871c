package reporting

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStructureFilesNameNoOtherStructure: on the demo region, a commune is in
// the coverage of two structures (TER-01 for each). The findings table names
// the other structure (rules.md); each structure's own files (dashboard,
// workbook, action page, ASP list) say another Mission Locale covers it and
// never name which.
func TestStructureFilesNameNoOtherStructure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	asOf := day("2026-11-23")
	w := demoWarehouse(t, asOf)
	rows, err := w.DB.QueryContext(ctx, `SELECT code_structure, detail FROM findings WHERE rule = 'TER-01' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	details := map[string]string{}
	for rows.Next() {
		var code, detail string
		if err := rows.Scan(&code, &detail); err != nil {
			t.Fatal(err)
		}
		details[code] = detail
	}
	rows.Close()
	if len(details) != 2 {
		t.Fatalf("TER-01 findings of %d structures, want the demo's pair", len(details))
	}
	for code, detail := range details {
		var other string
		for c := range details {
			if c != code {
				other = c
			}
		}
		// Positive control: the finding as rules.md writes it names the other.
		if !strings.Contains(detail, other) {
			t.Fatalf("%s: TER-01's detail %q does not name %s", code, detail, other)
		}
		out := t.TempDir()
		if _, err := Run(ctx, w, Options{AsOf: asOf, Structure: code, Out: out}); err != nil {
			t.Fatal(err)
		}
		text := ""
		err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case strings.HasSuffix(path, ".pdf"):
				text += pdfText(t, path)
			case strings.HasSuffix(path, ".xlsx"):
				text += xlsxText(t, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, other) {
			t.Errorf("%s's files name %s", code, other)
		}
		// pdftotext may break the sentence across lines: look for its start.
		if !strings.Contains(text, "au moins une autre") {
			t.Errorf("%s's files do not say another Mission Locale covers the commune", code)
		}
	}
}
