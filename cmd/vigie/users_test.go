package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runVigieIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func TestUsersCommand(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", filepath.Join("..", "..", "testdata", "reports", "extraction")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	pw := "un-mot-de-passe-solide\n"
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{pw, []string{"add", "dir16", "--profil", "standard", "--structure", "ML-16001", "--nom", "Claire Martin"}, 0, "créé"},
		{pw, []string{"add", "ana", "--profil", "analyste"}, 0, "créé"},
		{pw, []string{"add", "dir16", "--profil", "standard", "--structure", "ML-16001"}, 1, "déjà"},
		{pw, []string{"add", "x1", "--profil", "standard"}, 2, "--structure"},
		{pw, []string{"add", "x2", "--profil", "analyste", "--structure", "ML-16001"}, 2, "retirez --structure"},
		{pw, []string{"add", "x3", "--profil", "avance", "--structure", "ML-99999"}, 1, "structure ML-99999 inconnue de l'entrepôt"},
		{pw, []string{"add", "x4", "--profil", "chef"}, 2, "profil"},
		{pw, []string{"add", "x7"}, 2, "--profil est obligatoire"},
		{"court\n", []string{"add", "x5", "--profil", "admin"}, 2, "12 caractères"},
		{"", []string{"add", "x6", "--profil", "admin"}, 2, "entrée standard"},
		{"", []string{"disable", "dir16"}, 0, "désactivé"},
		{"", []string{"disable", "personne"}, 1, "aucun compte"},
		{pw, []string{"passwd", "ana"}, 1, "différent"},
		{"un-autre-mot-de-passe\n", []string{"passwd", "ana"}, 0, "changé"},
		{"", []string{"token", "ana", "--expire", "dix"}, 2, "--expire"},
		{"", []string{"revoke", "ana"}, 0, "révoqués"},
	} {
		code, _, errs := runVigieIn(t, c.stdin, append([]string{"--warehouse", wh, "users"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("users %v: exit %d, want %d with %q: %s", c.args, code, c.code, c.msg, errs)
		}
	}
	code, tok, errs := runVigie(t, "--warehouse", wh, "users", "token", "ana", "--expire", "30d")
	if code != 0 || !strings.HasPrefix(tok, "vigie_") || len(strings.TrimSpace(tok)) < 40 {
		t.Errorf("token: exit %d %q %s", code, tok, errs)
	}
	code, out, _ := runVigie(t, "--warehouse", wh, "users", "list", "--format", "csv")
	recs := readCSV(t, out)
	if code != 0 || strings.Join(recs[0], ",") != "login,profil,code_structure,etat,derniere_connexion,mot_de_passe_change_le" || len(recs) != 3 {
		t.Fatalf("list: %d %v", code, recs)
	}
	if got := strings.Join(recs[2][:4], ","); got != "dir16,standard,ML-16001,desactive" {
		t.Errorf("dir16: %s", got)
	}
	if got := strings.Join(recs[1][:4], ","); got != "ana,analyste,,actif" {
		t.Errorf("ana: %s", got)
	}
	fi, err := os.Stat(filepath.Join(wh+".console", "console.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("console.db: %v %v", fi, err)
	}
}
