package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// In a folder without a warehouse, a command that needs one refuses with
// the same French message as the read commands (exit 1) and leaves the
// folder as it was: no empty warehouse is created behind a refusal. A first
// vigie ingest of a real extraction still creates it.
func TestNoWarehouseIsCreatedByARefusal(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"controls", "--as-of", "2026-12-06"}, "n'existe pas"},
		{[]string{"controls", "--as-of", "2026-12-06", "--dry-run"}, "n'existe pas"},
		{[]string{"ingest", filepath.Join(empty, "absent")}, "le dossier " + filepath.Join(empty, "absent") + " est introuvable"},
		{[]string{"ingest", empty}, "ne contient aucun fichier d'extraction"},
		{[]string{"users", "list"}, "n'existe pas"},
		{[]string{"users", "add", "ana", "--profil", "analyste"}, "n'existe pas"},
		{[]string{"users", "disable", "ana"}, "n'existe pas"},
		{[]string{"users", "enable", "ana"}, "n'existe pas"},
		{[]string{"users", "passwd", "ana"}, "n'existe pas"},
		{[]string{"users", "token", "ana"}, "n'existe pas"},
		{[]string{"users", "revoke", "ana"}, "n'existe pas"},
	} {
		dir := t.TempDir()
		wh := filepath.Join(dir, "vigie.duckdb")
		code, out, errs := runVigieIn(t, "un-mot-de-passe-solide\n", append([]string{"--warehouse", wh}, c.args...)...)
		if code != exitFailed || !strings.HasPrefix(errs, "vigie : ") || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("vigie %v without a warehouse: exit %d, stdout %q, stderr %q; want exit 1 and %q",
				c.args, code, out, errs, c.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("vigie %v refused but left %s in the folder", c.args, entries[0].Name())
		}
	}
	// The positive control: a brand-new install's first load creates it.
	wh := filepath.Join(t.TempDir(), "vigie.duckdb")
	if code, _, errs := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != exitOK {
		t.Fatalf("first ingest: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(wh); err != nil {
		t.Fatalf("the first ingest created no warehouse: %v", err)
	}
}
