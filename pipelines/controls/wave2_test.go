package controls

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The boundary fixture of the second wave of rules (DOS-06, IDJ, RAF, TER,
// ACR): testdata/controls/wave2, then testdata/controls/wave2-update (the
// identity changes), see testdata/controls/wave2/README.md.
var (
	wave2Extraction = filepath.Join("..", "..", "testdata", "controls", "wave2")
	wave2Update     = filepath.Join("..", "..", "testdata", "controls", "wave2-update")
)

// buildWave2 ingests the fixture, archives two dossiers through the archive
// pipeline, then ingests the update twice (the second time changes nothing).
func buildWave2(ctx context.Context, path string) error {
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		return err
	}
	defer w.Close()
	for i, dir := range []string{wave2Extraction, "archive", wave2Update, wave2Update} {
		if dir == "archive" {
			for _, id := range []string{"DOS-06_out_archived", "IDJ-01_out_archived", "ter_archived"} {
				if err := archiveDossier(ctx, w, id, "demande_du_jeune", date("2026-01-01"), filepath.Dir(path)); err != nil {
					return err
				}
			}
			continue
		}
		var res *ingest.Result
		err := w.Record(ctx, warehouse.RunInfo{Command: "ingest"}, func(id int64) (err error) {
			res, err = ingest.Run(ctx, w, dir, ingest.Options{RunID: id})
			return err
		})
		if err != nil {
			return fmt.Errorf("ingest %s: %w", dir, err)
		}
		if res.Quarantined != 0 {
			return fmt.Errorf("ingest %s: %d rows quarantined: %+v", dir, res.Quarantined, res.Samples)
		}
		if want := map[int]int64{2: 2, 3: 0}[i]; i >= 2 && res.IdentityChanges != want {
			return fmt.Errorf("ingest %d of %s: %d identity changes, want %d", i, dir, res.IdentityChanges, want)
		}
	}
	return w.Close()
}

// wave2Warehouse returns a warehouse of its own holding the wave-2 fixture.
func wave2Warehouse(t testing.TB) *warehouse.Warehouse { return wave2Template.warehouse(t) }

// checkNamedCases checks every object named after a rule among the ids
// query returns (RULE_in_…: a finding of RULE, RULE_out_…: none,
// RULE_erreur_… and the like: a finding of that gravité), for the rules
// starting with one of families (every rule when families is nil), and
// returns how many it checked.
func checkNamedCases(t *testing.T, w *warehouse.Warehouse, found map[string]Finding, families []string, query string) int {
	t.Helper()
	rows, err := w.DB.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		m := caseIDRe.FindStringSubmatch(id)
		if m == nil {
			continue
		}
		rule, want := m[1], m[2]
		fam := families == nil
		for _, f := range families {
			fam = fam || strings.HasPrefix(rule, f)
		}
		if !fam {
			continue
		}
		n++
		f, ok := found[rule+"|"+id]
		switch {
		case want == "out" && ok:
			t.Errorf("%s: unexpected %s finding: %s", id, rule, f.Detail)
		case want != "out" && !ok:
			t.Errorf("%s: missing %s finding", id, rule)
		case want != "out" && want != "in" && f.Gravite != want:
			t.Errorf("%s: %s gravité %s, want %s", id, rule, f.Gravite, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

const wave2Objects = `
SELECT id_dossier FROM dossiers UNION ALL SELECT id_situation FROM situations
UNION ALL SELECT code_structure FROM structures UNION ALL SELECT id_entrepreneur FROM j2_entrepreneurs
UNION ALL SELECT id_parcours FROM j2_parcours UNION ALL SELECT id_action FROM j2_actions
UNION ALL SELECT id_participation FROM j2_participations`

// TestWave2Boundaries checks every object of the wave-2 fixture named after
// a rule of DOS-06, RAF-01, TER-01 or ACR at D = 2026-11-23.
func TestWave2Boundaries(t *testing.T) {
	t.Parallel()
	w := wave2Warehouse(t)
	res := runAt(t, w, "2026-11-23")
	found := index(res.Findings)
	n := checkNamedCases(t, w, found, []string{"DOS-06", "RAF-01", "TER-01", "ACR-"}, wave2Objects)
	if n < 40 {
		t.Fatalf("only %d named cases read from the fixture", n)
	}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.IDDossier, "DOS-06_out_archived") || strings.HasPrefix(f.IDDossier, "IDJ-01_out_archived") {
			t.Errorf("archived dossier in a finding: %+v", f)
		}
	}
	details := map[string]string{
		// the detail names the missing condition(s)
		"DOS-06|DOS-06_in_no_meeting":   "sans rencontre physique au 23/11/2026",
		"DOS-06|DOS-06_in_no_situation": "Dossier justifié sans situation saisie",
		"DOS-06|DOS-06_in_both":         "sans rencontre physique ni situation saisie",
		"RAF-01|RAF-01_in_vague":        "« abandonne »",
		"TER-01|TER-01_in_a":            "La commune 24037 est aussi dans la zone de couverture de TER-01_in_b",
		"ACR-01|ACR-01_in_83":           "(83 jours) : la prestation finit le 30/11/2026",
		"ACR-02|ACR-02_in_90":           "(90 jours)",
		"ACR-03|ACR-03_in_0010":         "du 23/11/2026 sans lieu",
		"ACR-04|ACR-04_in_before":       "avant le début du parcours par_window le 01/09/2026",
		"ACR-04|ACR-04_in_after":        "après la fin théorique du parcours par_window le 30/11/2026",
		"ACR-05|ACR-05_in_noemail":      "en attente et pas d'e-mail",
		"ACR-05|ACR-05_in_nociv":        "non renseigné et pas de civilité",
		"ACR-06|ACR-06_in_a":            "que ACR-06_in_b.",
	}
	for key, want := range details {
		if f, ok := found[key]; !ok || !strings.Contains(f.Detail, want) {
			t.Errorf("%s: detail %q, want …%s…", key, f.Detail, want)
		}
	}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "ACR") && (f.IDDossier != "" || strings.Contains(f.Detail, "Gall") || strings.Contains(f.Detail, "Zo")) {
			t.Errorf("ACR finding with a dossier or a name: %+v", f)
		}
	}
	// the same commune in two coverages: one finding per structure
	if got := countRule(res.Findings, "TER-01", "ML-16001") + countRule(res.Findings, "TER-01", "ML-33002"); got != 2 {
		t.Errorf("commune 16070 under ML-16001 and ML-33002: %d TER-01 findings, want 2", got)
	}
}

func countRule(fs []Finding, rule, structure string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule && f.CodeStructure == structure {
			n++
		}
	}
	return n
}

// TestWave2IdentityChanges checks IDJ-01 at the local date of the ingest run
// that recorded the changes, 90 days later, and the day before and after.
func TestWave2IdentityChanges(t *testing.T) {
	t.Parallel()
	w := wave2Warehouse(t)
	var day time.Time
	if err := w.DB.QueryRow(`SELECT min(date_ingest) FROM identity_changes`).Scan(&day); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, w, `SELECT count(*) FROM identity_changes`); got != 2 {
		t.Fatalf("%d identity changes recorded, want 2 (the second ingest of the same extraction records none)", got)
	}
	for offset, in := range map[int]bool{-1: false, 0: true, 90: true, 91: false} {
		asOf := day.AddDate(0, 0, offset).Format(time.DateOnly)
		found := index(runAt(t, w, asOf).Findings)
		if in {
			n := checkNamedCases(t, w, found, []string{"IDJ-01"}, `SELECT id_dossier FROM dossiers`)
			if n != 6 {
				t.Errorf("%d IDJ cases, want 6", n)
			}
			f := found["IDJ-01|IDJ-01_in_birth"]
			want := "chargée le " + day.Format("02/01/2006") + " : date de naissance."
			if !strings.Contains(f.Detail, want) || f.Gravite != Erreur {
				t.Errorf("at %s: IDJ-01 detail %q (%s), want …%s…", asOf, f.Detail, f.Gravite, want)
			}
			for _, v := range []string{"2004", "Léa", "Martin"} {
				if strings.Contains(f.Detail, v) {
					t.Errorf("IDJ-01 detail holds an identity value %q: %s", v, f.Detail)
				}
			}
			if g := found["IDJ-01|IDJ-01_in_unjustified"]; !strings.Contains(g.Detail, "identité plus marquée comme justifiée") {
				t.Errorf("IDJ-01_in_unjustified: %q", g.Detail)
			}
			continue
		}
		for key := range found {
			if strings.HasPrefix(key, "IDJ-01|") {
				t.Errorf("at %s (%+d days): unexpected %s", asOf, offset, key)
			}
		}
	}
}

func countRows(t *testing.T, w *warehouse.Warehouse, q string) int {
	t.Helper()
	var n int
	if err := w.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdentityFilledIsNoChange: an empty value of a justified identity is
// unknown (rules.md Conventions), so an extraction that fills it changes
// nothing; nor does one that empties it, then brings the old value back. A
// genuine change of the birth name in the same extractions is recorded and
// found (the positive control).
func TestIdentityFilledIsNoChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	const header = "id_dossier;code_structure;civilite;prenom;nom_usage;nom_naissance;date_naissance;identite_justifiee;date_inscription\n"
	steps := []struct {
		dossiers string
		changes  int64
	}{
		{`IDJ-01_out_filled;ML-16001;mme;Léa;Nom;;01/01/2004;oui;01/01/2026
IDJ-01_out_filled_all;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_out_blank_back;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_in_name;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
`, 0},
		{`IDJ-01_out_filled;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_out_filled_all;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_out_blank_back;ML-16001;mme;Léa;Nom;;01/01/2004;oui;01/01/2026
IDJ-01_in_name;ML-16001;mme;Léa;Nom;Durand;01/01/2004;oui;01/01/2026
`, 1},
		{`IDJ-01_out_filled;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_out_filled_all;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_out_blank_back;ML-16001;mme;Léa;Nom;Martin;01/01/2004;oui;01/01/2026
IDJ-01_in_name;ML-16001;mme;Léa;Nom;Durand;01/01/2004;oui;01/01/2026
`, 0},
	}
	// what each step leaves stored, read before the next one compares with it
	stored := []string{
		"IDJ-01_in_name=Martin IDJ-01_out_blank_back=Martin IDJ-01_out_filled=",
		"IDJ-01_in_name=Durand IDJ-01_out_blank_back= IDJ-01_out_filled=Martin",
		"IDJ-01_in_name=Durand IDJ-01_out_blank_back=Martin IDJ-01_out_filled=Martin",
	}
	for i, step := range steps {
		dir := t.TempDir()
		files := map[string]string{
			"structures.csv": "code_structure;nom;departement\nML-16001;Mission Locale de Charente;16\n",
			"dossiers.csv":   header + step.dossiers,
		}
		if i > 0 {
			delete(files, "structures.csv")
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		res, err := ingested(t, ctx, w, dir, ingest.Options{})
		if err != nil {
			t.Fatalf("ingest %d: %v", i+1, err)
		}
		if res.Quarantined != 0 {
			t.Fatalf("ingest %d: %d rows quarantined: %+v", i+1, res.Quarantined, res.Samples)
		}
		if res.IdentityChanges != step.changes {
			t.Errorf("ingest %d: %d identity changes, want %d", i+1, res.IdentityChanges, step.changes)
		}
		var got string
		if err := w.DB.QueryRow(`SELECT string_agg(id_dossier || '=' || coalesce(nom_naissance, ''), ' ' ORDER BY id_dossier)
			FROM dossiers WHERE id_dossier <> 'IDJ-01_out_filled_all'`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != stored[i] {
			t.Fatalf("after ingest %d: birth names %q, want %q", i+1, got, stored[i])
		}
		if i == 0 {
			// The ingestion requires civilite, prenom and date_naissance; a
			// warehouse row may still hold them empty, and is read the same way.
			if _, err := w.DB.Exec(`UPDATE dossiers SET civilite = ' ', prenom = NULL, nom_naissance = ' ', date_naissance = NULL
				WHERE id_dossier = 'IDJ-01_out_filled_all'`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := countRows(t, w, `SELECT count(*) FROM identity_changes`); got != 1 {
		t.Errorf("%d identity changes recorded, want 1", got)
	}
	var id, cols string
	var day time.Time
	if err := w.DB.QueryRow(`SELECT id_dossier, array_to_string(colonnes, ','), date_ingest FROM identity_changes ORDER BY run_id LIMIT 1`).Scan(&id, &cols, &day); err != nil {
		t.Fatal(err)
	}
	if id != "IDJ-01_in_name" || cols != "nom_naissance" {
		t.Errorf("recorded %s %s, want IDJ-01_in_name nom_naissance", id, cols)
	}
	found := index(runAt(t, w, day.Format(time.DateOnly)).Findings)
	if n := checkNamedCases(t, w, found, []string{"IDJ-01"}, `SELECT id_dossier FROM dossiers`); n != 4 {
		t.Errorf("%d IDJ cases, want 4", n)
	}
}
