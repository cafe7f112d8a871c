package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A warehouse path that is not a DuckDB file, or a folder where a folder is
// to be created that is a file, gets one French message naming it.
func TestPathsThatAreNotWhatTheyShouldBeSayItInFrench(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "vigie.duckdb")
	if err := os.WriteFile(junk, []byte(strings.Repeat("pas une base ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	// DuckDB itself takes a small CSV file for an empty database.
	csvFile := filepath.Join(dir, "notwh.csv")
	const csvText = "id_dossier;nom\nD1;Martin\n"
	if err := os.WriteFile(csvFile, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(csvFile, 0o644); err != nil { // whatever umask an earlier open set
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sauvegardes")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--warehouse", junk, "runs"}, "vigie : " + junk + " n'est pas un entrepôt DuckDB (un fichier d'un autre type, ou abîmé)"},
		{[]string{"--warehouse", dir, "runs"}, "vigie : l'entrepôt " + dir + " est un dossier : indiquez le fichier DuckDB"},
		{[]string{"--warehouse", controlsWarehouse(t), "backup", "--out", file}, "vigie : dossier de sauvegarde " + file + " : création impossible : un fichier porte ce nom"},
		{[]string{"--warehouse", csvFile, "controls", "--dry-run"}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
		{[]string{"--warehouse", csvFile, "controls", "--as-of", "2026-12-06"}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
		{[]string{"--warehouse", csvFile, "query", "SELECT 1"}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
		{[]string{"--warehouse", csvFile, "runs"}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
		{[]string{"--warehouse", csvFile, "backup", "--out", filepath.Join(dir, "copies")}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
		{[]string{"--warehouse", csvFile, "ingest", copyExtraction(t, nil)}, "vigie : " + csvFile + " n'est pas un entrepôt DuckDB"},
	} {
		code, _, errs := runVigie(t, c.args...)
		if code != exitFailed || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "vigie :") != 1 {
			t.Errorf("vigie %v: exit %d, standard error:\n%s\nwant exit %d and one message starting %q", c.args, code, errs, exitFailed, c.want)
		}
	}
	// The file that is not a warehouse is left as it was, and no copy of it
	// was written.
	if got, err := os.ReadFile(csvFile); err != nil || string(got) != csvText {
		t.Errorf("%s changed: %q, %v", csvFile, got, err)
	}
	if st, err := os.Stat(csvFile); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode changed: %v %v", csvFile, st.Mode(), err)
	}
	if copies, _ := filepath.Glob(filepath.Join(dir, "copies", "*")); len(copies) != 0 {
		t.Errorf("a backup of a file that is not a warehouse: %v", copies)
	}
}

// An output folder, or an extraction folder, that is a file; a copy to
// restore without its checksum file: each is told in French, naming the
// path, with none of the system's English (« mkdir …: not a directory »,
// « open …: no such file or directory »).
func TestFileErrorsAreFrench(t *testing.T) {
	wh := wave2Warehouse(t)
	dir := t.TempDir()
	afile := filepath.Join(dir, "afile")
	if err := os.WriteFile(afile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(dir, "sauvegardes")
	code, out, errs := runLF(t, "--warehouse", wh, "backup", "--out", backups, "--format", "csv")
	if code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, errs)
	}
	copyPath := readCSV(t, out)[1][0]
	if err := os.Remove(copyPath + ".sha256"); err != nil {
		t.Fatal(err)
	}
	const isAFile = "un fichier porte ce nom (ou celui d'un dossier au-dessus), là où il faut un dossier"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--warehouse", wh, "rafael", "--month", "2026-10", "--out", afile},
			"vigie : dossier du fichier Rafael " + afile + " : création impossible : " + isAFile},
		{[]string{"--warehouse", wh, "territoire", "plan", "--from", "ML-16001", "--to", "ML-33002", "--as-of", "2026-11-23",
			"--communes", "16102", "--xlsx", afile}, "vigie : dossier du classeur du plan " + afile + " : création impossible : " + isAFile},
		{[]string{"--warehouse", wh, "ingest", afile}, "vigie : extraction refusée : dossier de l'extraction " + afile + " : " + isAFile},
		{[]string{"--warehouse", filepath.Join(dir, "neuf.duckdb"), "ingest", afile},
			"vigie : extraction refusée : dossier de l'extraction " + afile + " : " + isAFile},
		{[]string{"demo", "--out", afile}, "vigie : dossier de la démonstration " + afile + " : " + isAFile},
		{[]string{"--warehouse", wh, "restore", copyPath},
			"vigie : restauration refusée : le fichier d'empreinte " + copyPath + ".sha256 est absent : vigie backup l'écrit à côté de chaque copie"},
	} {
		code, _, errs := runVigie(t, c.args...)
		if code != exitFailed || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "vigie :") != 1 {
			t.Errorf("vigie %v: exit %d, standard error:\n%s\nwant exit 1 and one message starting %q", c.args, code, errs, c.want)
		}
		for _, english := range []string{"mkdir", "open ", "not a directory", "no such file"} {
			if strings.Contains(errs, english) {
				t.Errorf("vigie %v: English %q in %s", c.args, english, errs)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "neuf.duckdb")); err == nil {
		t.Error("ingest of a file created a warehouse")
	}
}
