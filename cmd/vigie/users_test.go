package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/accounts"
	sqlfiles "github.com/arml-na/vigie/sql"
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
		{"", []string{"email", "ana", "ana@arml.example.org"}, 0, "changée"},
		{"", []string{"email", "ana", "ana@arml.example.org"}, 0, "rien n'a changé"},
		{"", []string{"email", "personne", "p@arml.example.org"}, 1, "aucun compte"},
		{"", []string{"email", "ana", "Ana <ana@arml.example.org>"}, 2, "invalide"},
		{"", []string{"email", "ana", "ana@"}, 2, "invalide"},
		{"", []string{"email", "ana"}, 2, "--aucune"},
		{"", []string{"email", "ana", ""}, 2, "--aucune"},
		{"", []string{"email", "ana", "a@arml.example.org", "--aucune"}, 2, "pas les deux"},
		{"", []string{"email"}, 2, "attend un identifiant et une adresse"},
		{"", []string{"email", "personne", "--aucune"}, 1, "aucun compte"},
		{"", []string{"email", "dir16", "claire.martin@ml16.example.org"}, 0, "changée"},
		{"", []string{"email", "ana", "--aucune"}, 0, "retirée"},
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
	// The addresses as stored, and their changes in the audit log (the
	// same address twice is one change; refusals none).
	store, err := accounts.Open(context.Background(), filepath.Join(wh+".console", "console.db"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for login, want := range map[string]string{"ana": "", "dir16": "claire.martin@ml16.example.org"} {
		if acc, err := store.Get(context.Background(), login); err != nil || acc.Email != want {
			t.Errorf("%s's email: %q %v, want %q", login, acc.Email, err, want)
		}
	}
	log, _, err := store.AuditLog(context.Background(), accounts.AuditFilter{Action: "compte_modifie"})
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, e := range log {
		changes = append(changes, e.Login+" "+e.Objet)
	}
	if want := []string{"cli ana : adresse électronique retirée", "cli dir16 : adresse électronique claire.martin@ml16.example.org",
		"cli ana : adresse électronique ana@arml.example.org"}; strings.Join(changes, "|") != strings.Join(want, "|") {
		t.Errorf("audited changes (newest first):\n got %q\nwant %q", changes, want)
	}

	fi, err := os.Stat(filepath.Join(wh+".console", "console.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("console.db: %v %v", fi, err)
	}
}
