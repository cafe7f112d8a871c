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
	} {
		code, _, errs := runVigie(t, c.args...)
		if code != exitFailed || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "vigie :") != 1 {
			t.Errorf("vigie %v: exit %d, standard error:\n%s\nwant exit %d and one message starting %q", c.args, code, errs, exitFailed, c.want)
		}
	}
}
