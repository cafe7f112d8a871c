package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The exit status comes from the error's type: a real failure whose message
// reads like a usage error (a folder called "invalid argument") exits 1, and
// wrong uses exit 2 with a French message.
func TestExitCodeFromErrorType(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	for _, name := range []string{"invalid argument", "unknown command accepts 1 arg(s)", "required flag(s) unknown flag"} {
		missing := filepath.Join(dir, name)
		code, _, errs := runVigie(t, "--warehouse", wh, "ingest", missing)
		if code != exitFailed || !strings.Contains(errs, name) {
			t.Errorf("ingest %q: exit %d, want 1 (a failure, not a wrong use): %s", name, code, errs)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ingérer"}, "commande inconnue"},
		{[]string{"archive", "effacer"}, "commande inconnue \"effacer\" pour « vigie archive »"},
		{[]string{"ingest"}, "attend 1 argument(s), reçu 0"},
		{[]string{"runs", "--limit", "dix"}, "valeur \"dix\" invalide pour --limit"},
		{[]string{"runs", "--depuis", "hier"}, "option inconnue : --depuis"},
		{[]string{"runs", "tout"}, "ne prend pas d'argument"},
		{[]string{"archive", "dossier", "A1", "--backup-dir", dir}, "--motif est obligatoire"},
	} {
		code, _, errs := runVigie(t, append([]string{"--warehouse", wh}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q in: %s", c.args, code, c.want, errs)
		}
	}
}
