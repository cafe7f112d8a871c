package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// fixtureWarehouse builds a warehouse from a SQL file of testdata/<area>.
func fixtureWarehouse(t *testing.T, area string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	// Uncompressed, so a byte search of the file means something.
	if _, err := w.DB.ExecContext(ctx, `PRAGMA force_compression='uncompressed'`); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", area, "fixture.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, string(body)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runLF is runVigie with the CSV's CRLF line ends read as LF.
func runLF(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	code, out, errs := runVigie(t, args...)
	return code, strings.ReplaceAll(out, "\r\n", "\n"), errs
}

func TestArchiveCommands(t *testing.T) {
	path := fixtureWarehouse(t, "archive")
	code, out, errs := runLF(t, "--warehouse", path, "archive", "plan", "--as-of", "2026-11-23", "--format", "csv")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errs)
	}
	want := "id_dossier,code_structure,decision,motif\nA1,ML-16001,archive,age_31\nA2,ML-33001,archive,age_27\nA3,ML-16001,keep,actif\nA4,ML-16001,keep,dispositif_ouvert\n"
	if out != want {
		t.Errorf("plan:\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(errs, "2 à archiver") {
		t.Errorf("plan summary: %s", errs)
	}

	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"archive", "apply", "--as-of", "2026-11-23"},
		{"archive", "apply", "--as-of", "23/11/2026", "--backup-dir", "x"},
		{"archive", "dossier", "A3", "--as-of", "2026-11-23", "--backup-dir", "x"},
		{"archive", "dossier", "--motif", "deces", "--backup-dir", "x"},
	} {
		if code, _, errs := runLF(t, append([]string{"--warehouse", path}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
	// Refusals: exit 1, nothing archived.
	backups := t.TempDir()
	for _, c := range []struct {
		args []string
		why  string
	}{
		{[]string{"archive", "dossier", "A3", "--motif", "age_31", "--as-of", "2026-11-23", "--backup-dir", backups}, "n'accepte que les motifs demande_du_jeune ou deces"},
		{[]string{"archive", "dossier", "A3", "A1", "--motif", "deces", "--as-of", "2026-11-23", "--backup-dir", backups}, "plusieurs dossiers"},
		{[]string{"archive", "dossier", "A3,A1", "--motif", "deces", "--as-of", "2026-11-23", "--backup-dir", backups}, "plusieurs dossiers"},
		{[]string{"archive", "dossier", "A9", "--motif", "deces", "--as-of", "2026-11-23", "--backup-dir", backups}, "n'est pas dans l'entrepôt"},
		{[]string{"archive", "apply", "--as-of", "2026-11-23", "--backup-dir", filepath.Join(path, "sub")}, "rien n'a été archivé"},
	} {
		code, _, errs := runLF(t, append([]string{"--warehouse", path}, c.args...)...)
		if code != 1 || !strings.Contains(errs, c.why) {
			t.Errorf("%v: exit %d, want 1 with a message saying %q (%s)", c.args, code, c.why, errs)
		}
	}
	if entries, _ := os.ReadDir(backups); len(entries) != 0 {
		t.Errorf("a refused call wrote %d files", len(entries))
	}

	// Dry run: prints, changes nothing.
	code, out, errs = runLF(t, "--warehouse", path, "archive", "apply", "--as-of", "2026-11-23", "--dry-run", "--format", "csv")
	if code != 0 || out != "id_dossier,code_structure,motif\nA1,ML-16001,age_31\nA2,ML-33001,age_27\n" {
		t.Errorf("dry run: exit %d\n%s%s", code, out, errs)
	}

	// Apply: backup path on stderr, archived dossiers on stdout, old values gone from the file.
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte("Zorglubette")) {
		t.Fatal("fixture name not in the file: the byte check below would prove nothing")
	}
	code, out, errs = runLF(t, "--warehouse", path, "archive", "apply", "--as-of", "2026-11-23", "--backup-dir", backups, "--format", "csv")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	if out != "id_dossier,code_structure,motif\nA1,ML-16001,age_31\nA2,ML-33001,age_27\n" {
		t.Errorf("apply printed\n%s", out)
	}
	entries, _ := os.ReadDir(backups)
	if len(entries) != 1 || !strings.Contains(errs, filepath.Join(backups, entries[0].Name())) {
		t.Errorf("backup path not printed: %s (%v)", errs, entries)
	}
	raw, _ = os.ReadFile(path)
	for _, s := range []string{"Zorglubette", "Kwyjibo", "185076005701818", "zk@example.org", "a parlé de sa santé"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after apply the warehouse file still holds %q", s)
		}
	}
	code, out, _ = runLF(t, "--warehouse", path, "query", "--format", "csv",
		"SELECT r.status, b.nb_dossiers FROM runs r JOIN archive_batches b ON b.run_id = r.id")
	if code != 0 || out != "status,nb_dossiers\ndone,2\n" {
		t.Errorf("run record: %s", out)
	}

	// Manual archiving of one dossier, simulated then done: one dossier is
	// told in the singular.
	_, _, errs = runLF(t, "--warehouse", path, "archive", "dossier", "A3", "--motif", "demande_du_jeune", "--as-of", "2026-11-24", "--backup-dir", backups, "--dry-run")
	if !strings.Contains(errs, "Simulation : 1 dossier serait archivé ;") {
		t.Errorf("dossier --dry-run: %s", errs)
	}
	code, out, errs = runLF(t, "--warehouse", path, "archive", "dossier", "A3", "--motif", "demande_du_jeune", "--as-of", "2026-11-24", "--backup-dir", backups, "--format", "csv")
	if code != 0 || out != "id_dossier,code_structure,motif\nA3,ML-16001,demande_du_jeune\n" || !strings.Contains(errs, " : 1 dossier archivé (demande_du_jeune 1).") {
		t.Errorf("dossier: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runLF(t, "--warehouse", path, "archive", "plan", "--as-of", "2026-11-24", "--format", "csv")
	if code != 0 || out != "id_dossier,code_structure,decision,motif\nA4,ML-16001,keep,dispositif_ouvert\n" {
		t.Errorf("plan after archiving: %s", out)
	}
	code, out, errs = runLF(t, "--warehouse", path, "archive", "plan", "--as-of", "2026-11-24")
	if code != 0 || !strings.HasSuffix(out, "\n(1 ligne)\n") || !strings.Contains(errs, ": 1 dossier non archivé, 0 à archiver (") || !strings.Contains(errs, "), 1 conservé (") {
		t.Errorf("plan of one dossier: exit %d\n%s%s", code, out, errs)
	}

	// The correspondence export.
	out2 := t.TempDir()
	code, out, errs = runLF(t, "--warehouse", path, "archive", "backup", "--out", out2, "--as-of", "2026-11-24")
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errs)
	}
	fi, err := os.Stat(strings.TrimSpace(out))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("correspondence export %q: %v %v", out, fi, err)
	}
}
