package warehouse

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/internal/childtest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestMain lets the test binary play the process a test kills mid-rewrite.
func TestMain(m *testing.M) {
	if path := os.Getenv("VIGIE_TEST_COMPACT_CHILD"); path != "" {
		os.Exit(childCompact(path))
	}
	if path := os.Getenv("VIGIE_TEST_QUERY_CHILD"); path != "" {
		os.Exit(childQuery(path))
	}
	os.Exit(m.Run())
}

func childCompact(path string) int {
	compactHook = func(fresh string) {
		fmt.Println("COPIED", fresh)
		time.Sleep(time.Minute) // the parent kills us here
	}
	if err := Compact(context.Background(), path, sqlfiles.FS()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

const killNIR, killPhone = "1850375123456", "0611223344"

// anonymisedWarehouse writes a warehouse whose dossier held killNIR and
// killPhone, then anonymises it the way the archiving does: values set to
// NULL and the rewrite recorded as owed, in one transaction. The file's
// freed blocks still hold both values.
func anonymisedWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, s := range []string{
		`PRAGMA force_compression='uncompressed'`,
		`INSERT INTO dossiers (id_dossier, code_structure, civilite, date_inscription, nir, telephone_mobile) VALUES ('D1', 'ML-1', 'm', DATE '2026-01-05', '` + killNIR + `', '` + killPhone + `')`,
		`CHECKPOINT`,
		`BEGIN`,
		`UPDATE dossiers SET nir = NULL, telephone_mobile = NULL, archive = true`,
		`INSERT INTO maintenance_pending (task, run_id) VALUES ('compact', 1)`,
		`COMMIT`,
		`CHECKPOINT`,
	} {
		if _, err := w.DB.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

func holds(t *testing.T, path string, secrets ...string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			return true
		}
	}
	return false
}

// A rewrite killed with SIGKILL once its copy is written, before the copy
// replaces the file, leaves the identities in the file's bytes; the next
// opening for writing (any command, the daemon's start) finishes it, and no
// copy is ever readable by others.
func TestCompactKilledIsFinishedByNextOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := anonymisedWarehouse(t)
	if !holds(t, path, killNIR) || !holds(t, path, killPhone) {
		t.Fatal("control: the anonymised file does not hold the old values in its freed blocks: the test would prove nothing")
	}
	child, line := childtest.Start(t, "COPIED ", "VIGIE_TEST_COMPACT_CHILD="+path)
	if err := child.Cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = child.Cmd.Wait()
	fresh := strings.TrimSpace(strings.TrimPrefix(line, "COPIED "))

	// What the kill left: the identities in the file, a copy in a private folder.
	if !holds(t, path, killNIR) {
		t.Fatal("control: after the kill the file no longer holds the NIR: the kill came too late to prove anything")
	}
	fi, err := os.Stat(filepath.Dir(fresh))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the copy's folder: %v, %v; want mode 0700", fi, err)
	}
	fi, err = os.Stat(fresh)
	if err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("the copy: %v, %v; want no access for others", fi, err)
	}

	// The next run opens the warehouse: the rewrite is finished first.
	w, err := Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	var owed, archived int
	if err := w.DB.QueryRow(`SELECT (SELECT count(*) FROM maintenance_pending), (SELECT count(*) FROM dossiers WHERE archive AND nir IS NULL)`).Scan(&owed, &archived); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if owed != 0 || archived != 1 {
		t.Errorf("after the next opening: %d rewrites owed, %d archived dossiers; want 0 and 1", owed, archived)
	}
	if holds(t, path, killNIR, killPhone) {
		t.Error("after the next opening the file still holds the archived NIR or phone")
	}
	if _, err := os.Stat(filepath.Dir(fresh)); err == nil {
		t.Error("the killed run's copy is still there")
	}
	fi, err = os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the warehouse: %v, %v; want mode 0600", fi, err)
	}
}
