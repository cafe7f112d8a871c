package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wave2Warehouse ingests testdata/controls/wave2 with the command.
func wave2Warehouse(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runLF(t, "--warehouse", path, "ingest", filepath.Join("..", "..", "testdata", "controls", "wave2")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	return path
}

func TestRafaelCommand(t *testing.T) {
	path := wave2Warehouse(t)
	out := filepath.Join(t.TempDir(), "demandes")
	for _, args := range [][]string{{"--month", "2026-13", "--out", out}, {"--month", "2026-10"}, {"--out", out}} {
		if code, _, errs := runLF(t, append([]string{"--warehouse", path, "rafael"}, args...)...); code != 2 || !strings.Contains(errs, "rafael :") {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errs)
		}
	}
	code, stdout, errs := runLF(t, "--warehouse", path, "rafael", "--month", "2026-10", "--out", out, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := readCSV(t, stdout)
	if strings.Join(recs[0], ",") != "code_structure,id_dossier,id_situation,intitule,organisme,champ,valeur_actuelle,valeur_demandee,commentaire" || len(recs) != 8 {
		t.Fatalf("csv:\n%s", stdout)
	}
	if got := strings.Join(recs[6][:8], ","); got != "ML-33002,raf_d,raf_two,Titre pro,AFPA,date_fin_prevue,2026-06-30,2026-07-31" {
		t.Errorf("raf_two row: %s", got)
	}
	if got := strings.Join(recs[2][5:8], ","); got != "suppression,," {
		t.Errorf("deletion row: %s", got)
	}
	if !strings.Contains(errs, "7 demandes (7 nouvelles)") {
		t.Errorf("summary: %s", errs)
	}
	if _, err := os.Stat(filepath.Join(out, "demandes-rafael-2026-10.xlsx")); err != nil {
		t.Error(err)
	}
	// nothing sent twice
	code, stdout, _ = runLF(t, "--warehouse", path, "rafael", "--month", "2026-11", "--out", out, "--format", "csv")
	if code != 0 || stdout != "code_structure,id_dossier,id_situation,intitule,organisme,champ,valeur_actuelle,valeur_demandee,commentaire\n" {
		t.Errorf("next month: exit %d\n%s", code, stdout)
	}
	if _, _, errs = runLF(t, "--warehouse", path, "rafael", "--month", "2026-11", "--out", out); !strings.Contains(errs, ": 0 demande (0 nouvelle), écrite dans") {
		t.Errorf("summary of an empty month: %s", errs)
	}
}

func TestTerritoirePlanCommand(t *testing.T) {
	path := wave2Warehouse(t)
	base := []string{"--warehouse", path, "territoire", "plan", "--from", "ML-16001", "--to", "ML-33002", "--as-of", "2026-11-23", "--format", "csv"}
	xlsx := filepath.Join(t.TempDir(), "plans")
	code, out, errs := runLF(t, append(base, "--communes", "16102,16070", "--xlsx", xlsx)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "id_dossier,code_structure,commune_insee,decision,id_dispositif,code_dispositif\n" +
		"ter_archived,ML-16001,16102,aucune_action,,\n" + // not archived in this warehouse
		"ter_eav,ML-16001,16102,terminer_en_A,eav1,eav\n" +
		"ter_gj,ML-16001,16102,terminer_en_A,gj1,garantie_jeunes\n" +
		"ter_gj,ML-16001,16102,sortir_demenagement,pacea1,pacea\n" +
		"ter_none,ML-16001,16102,aucune_action,,\n"
	if out != want {
		t.Errorf("plan:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, "Attention : 16070 déjà dans la zone de couverture de ML-33002") {
		t.Errorf("no warning for 16070: %s", errs)
	}
	if _, err := os.Stat(filepath.Join(xlsx, "transfert-territoire-ML-16001-vers-ML-33002-2026-11-23.xlsx")); err != nil {
		t.Error(err)
	}
	// an unknown commune: refused, exit 1, named
	code, out, errs = runLF(t, append(base, "--communes", "16102,24037")...)
	if code != 1 || out != "" || !strings.Contains(errs, "ML-16001 ne couvre pas 24037") {
		t.Errorf("unknown commune: exit %d\n%s%s", code, out, errs)
	}
	// wrong usage: exit 2
	for _, c := range []string{"", "1610", "16102;16070"} {
		if code, _, _ := runLF(t, append(base, "--communes", c)...); code != 2 {
			t.Errorf("--communes %q: exit %d, want 2", c, code)
		}
	}
}

// TestScheduleRafael runs the shipped monthly job of the 1st of November:
// the October file goes to the analysts' outbox.
func TestScheduleRafael(t *testing.T) {
	wh := wave2Warehouse(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	body := "outbox: " + filepath.Join(dir, "outbox") + "\nwork_dir: " + filepath.Join(dir, "work") + "\n" +
		"recipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-16001}]\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runSchedCLI(context.Background(), nil, "--warehouse", wh, "schedule", "run", "monthly_rafael", "--config", cfg,
		"--for", "2026-11-01 08:00", "--format", "csv")
	if code != 0 || !strings.Contains(out, "monthly_rafael,2026-11-01 08:00,done,") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	var found []string
	err := filepath.WalkDir(filepath.Join(dir, "outbox"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xlsx") {
			found = append(found, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil || len(found) != 1 || !strings.HasSuffix(found[0], "demandes-rafael-2026-10.xlsx") || !strings.Contains(found[0], "/outbox/analyste_a1/") {
		t.Errorf("outbox: %v (%v)", found, err)
	}
}
