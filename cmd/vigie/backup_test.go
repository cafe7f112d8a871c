package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBackupThenRestore runs the two commands as a user would: the CSV they
// print, a usage error, a refused corrupted copy, a restore that keeps the
// former warehouse aside.
func TestBackupThenRestore(t *testing.T) {
	t.Parallel()
	path := fixtureWarehouse(t, "archive")
	out := filepath.Join(t.TempDir(), "sauvegardes")

	if code, _, errs := runVigie(t, "--warehouse", path, "backup"); code != exitUsage || !strings.Contains(errs, "--out est obligatoire") {
		t.Errorf("backup without --out: exit %d, %s", code, errs)
	}
	code, stdout, errs := runVigie(t, "--warehouse", path, "backup", "--out", out, "--format", "csv")
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(recs) != 2 || strings.Join(recs[0], ",") != "path,sha256,bytes" {
		t.Fatalf("backup printed %q (%v)", stdout, err)
	}
	copyPath := recs[1][0]
	if filepath.Dir(copyPath) != out || !strings.HasPrefix(filepath.Base(copyPath), "vigie-") || len(recs[1][1]) != 64 {
		t.Errorf("backup row %v", recs[1])
	}
	info, err := os.Stat(copyPath)
	if err != nil || info.Mode().Perm() != 0o600 || recs[1][2] != strconv.FormatInt(info.Size(), 10) {
		t.Errorf("copy %s: %v, mode %v, printed %s bytes", copyPath, err, info.Mode().Perm(), recs[1][2])
	}

	bad := filepath.Join(t.TempDir(), filepath.Base(copyPath))
	raw, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, raw[:len(raw)-4096], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(copyPath+".sha256", bad+".sha256"); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runVigie(t, "--warehouse", path, "restore", bad); code != exitFailed || !strings.Contains(errs, "altérée") {
		t.Errorf("restore of a truncated copy: exit %d, %s", code, errs)
	}

	code, stdout, errs = runLF(t, "--warehouse", path, "restore", copyPath, "--format", "csv")
	if code != 0 {
		t.Fatalf("restore: exit %d: %s", code, errs)
	}
	if want := "path,restored_from\n" + path + "," + copyPath + "\n"; stdout != want {
		t.Errorf("restore printed %q, want %q", stdout, want)
	}
	if !strings.Contains(errs, "L'ancien entrepôt est gardé sous "+path+".avant-restauration-") {
		t.Errorf("restore does not say where the former warehouse is: %s", errs)
	}
}

// TestScheduledBackup runs the shipped daily backup job for its instant: the
// copy lands in the configured folder with its checksum file.
func TestScheduledBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := fixtureWarehouse(t, "archive")
	out := filepath.Join(dir, "sauvegardes")
	cfg := writeSchedConfig(t, dir, "backup:\n  dir: "+out+"\n  keep: 2\n")
	code, _, errs := runSchedCLI(context.Background(), nil, "--warehouse", path, "schedule", "run", "backup", "--config", cfg, "--for", "2026-11-23 06:45")
	if code != 0 {
		t.Fatalf("schedule run backup: exit %d: %s", code, errs)
	}
	copies, err := filepath.Glob(filepath.Join(out, "vigie-*.duckdb"))
	if err != nil || len(copies) != 1 {
		t.Fatalf("backup folder holds %v (%v), want one copy", copies, err)
	}
	if _, err := os.Stat(copies[0] + ".sha256"); err != nil {
		t.Error(err)
	}
}

func TestExportCommand(t *testing.T) {
	t.Parallel()
	path := fixtureWarehouse(t, "archive")
	out := filepath.Join(t.TempDir(), "lac")
	code, _, errs := runVigie(t, "--warehouse", path, "export", "--out", out)
	if code != exitFailed || !strings.Contains(errs, "aucune clé") {
		t.Errorf("export without key: exit %d, %s", code, errs)
	}
	var stdout bytes.Buffer
	var stderr bytes.Buffer
	env := map[string]string{envExportKey: strings.Repeat("k", 40)}
	code = run(context.Background(), []string{"--warehouse", path, "export", "--out", out, "--format", "csv"}, strings.NewReader(""), &stdout, &stderr,
		func(k string) string { return env[k] })
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	recs := readCSV(t, stdout.String())
	if strings.Join(recs[0], ",") != "table,rows,files" {
		t.Fatalf("export printed %q", stdout.String())
	}
	rows := map[string]string{}
	for _, r := range recs[1:] {
		rows[r[0]] = r[1]
	}
	if rows["dossiers"] == "" || rows["dossiers"] == "0" || rows["findings"] == "" {
		t.Errorf("export rows: %v", rows)
	}
	files, err := filepath.Glob(filepath.Join(out, "dossiers", "code_structure=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Errorf("no Parquet file of dossiers under %s (%v)", out, err)
	}
}
