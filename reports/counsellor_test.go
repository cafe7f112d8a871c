package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteCounsellors: a counsellor with findings gets a PDF and a workbook
// (mode 0600, new findings first) and a message; one with none gets nothing,
// or the « rien à signaler » message when asked; a finding on another
// counsellor's dossier is refused and nothing is left behind.
func TestWriteCounsellors(t *testing.T) {
	t.Parallel()
	r := sampleReport("ML-16001")
	mine := func(id string) []Finding {
		var out []Finding
		for _, f := range r.Findings {
			if f.IDConseiller == id {
				out = append(out, f)
			}
		}
		return out
	}
	lists := func() []*CounsellorList {
		return []*CounsellorList{
			{CodeStructure: "ML-16001", IDConseiller: "U1", Conseiller: "Chloé Dupré", AsOf: r.AsOf, ControlAsOf: r.AsOf, Findings: mine("U1")},
			{CodeStructure: "ML-16001", IDConseiller: "U9", Conseiller: "Paul Roux", AsOf: r.AsOf, ControlAsOf: r.AsOf},
		}
	}
	out := t.TempDir()
	files, err := WriteCounsellors(out, lists(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || len(files["U1"]) != 3 {
		t.Fatalf("files %v, want U1's three and nothing for U9", files)
	}
	for _, p := range files["U1"] {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	text := spaces(pdfText(t, files["U1"][0]))
	if i, j := strings.Index(text, "nouveau"), strings.Index(text, "persistant"); i < 0 || j < i {
		t.Errorf("new findings are not first: nouveau at %d, persistant at %d", i, j)
	}
	if strings.Contains(text, "Jérôme Lefèvre") || !strings.Contains(text, "Chloé Dupré") {
		t.Error("U1's list names another counsellor, or not U1")
	}
	quiet, err := WriteCounsellors(t.TempDir(), lists(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(quiet["U9"]) != 1 {
		t.Fatalf("U9 with nothing_to_report: %v", quiet["U9"])
	}
	if b, _ := os.ReadFile(quiet["U9"][0]); !strings.Contains(string(b), "Rien à signaler") {
		t.Errorf("U9's message: %s", b)
	}
	bad := lists()
	bad[1].Findings = mine("U2") // Jérôme Lefèvre's findings
	dir := t.TempDir()
	if _, err := WriteCounsellors(dir, bad, false); err == nil {
		t.Fatal("a finding on another counsellor's dossier was written")
	}
	var left []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return err
	})
	if len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}
