package backup

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// fileSum is the SHA-256 of a file, to tell it did not change.
func fileSum(t *testing.T, path string) string {
	t.Helper()
	s, _, err := fileSHA256(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// leftovers lists what a refused restore may have left beside the warehouse.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "vigie.duckdb" {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestRestoreRefusesACorruptedCopy(t *testing.T) {
	t.Parallel()
	src := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	c := take(t, src, t.TempDir(), 1, time.Now())
	good, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x01
	for name, content := range map[string][]byte{
		"one byte changed": flipped,
		"truncated":        good[:len(good)/3],
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "vigie.duckdb")
			if err := os.WriteFile(path, []byte("the warehouse in place"), 0o600); err != nil {
				t.Fatal(err)
			}
			bad := filepath.Join(t.TempDir(), filepath.Base(c.Path))
			if err := os.WriteFile(bad, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(SumFile(c.Path), SumFile(bad)); err != nil {
				t.Fatal(err)
			}
			_, err := Restore(context.Background(), path, bad, sqlfiles.FS(), time.Now())
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) || warehouse.Classify(err) != warehouse.StatusRefused {
				t.Fatalf("restore of a copy with %s: %v, want a refusal (CorruptError)", name, err)
			}
			for _, s := range []string{"restauration refusée", "altérée", "SHA-256", "l'entrepôt en place n'a pas été modifié"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not say %q", err, s)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != "the warehouse in place" {
				t.Error("a refused restore changed the warehouse in place")
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("a refused restore left %v beside the warehouse", l)
			}
		})
	}
	// Without its checksum file, a copy is refused too.
	alone := filepath.Join(t.TempDir(), "vigie-copie.duckdb")
	if err := os.WriteFile(alone, good, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Restore(context.Background(), filepath.Join(t.TempDir(), "vigie.duckdb"), alone, sqlfiles.FS(), time.Now())
	if warehouse.Classify(err) != warehouse.StatusRefused || !strings.Contains(err.Error(), "fichier d'empreinte") {
		t.Errorf("restore of a copy without checksum file: %v", err)
	}
}

// TestRestoreRefusedWhileInUse: another process holds the warehouse; the
// restore is refused and leaves it as it was; once that process is gone,
// the same restore goes through and keeps the former warehouse aside.
// A copy that is not there is refused in plain French, naming it, and the
// warehouse stays as it was.
func TestRestoreRefusesAMissingCopy(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "ingest", "basic"))
	before := fileSum(t, path)
	missing := filepath.Join(t.TempDir(), "vigie-2026-12-01_064500.duckdb")
	_, err := Restore(context.Background(), path, missing, sqlfiles.FS(), time.Now())
	want := "restauration refusée : la copie " + missing + " est introuvable"
	if err == nil || err.Error() != want {
		t.Errorf("restore of a missing copy: %v, want %q", err, want)
	}
	if fileSum(t, path) != before {
		t.Error("a refused restore changed the warehouse")
	}
}

func TestRestoreRefusedWhileInUse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	t.Parallel()
	basic := filepath.Join("..", "..", "testdata", "ingest", "basic")
	c := take(t, newWarehouse(t, basic), t.TempDir(), 1, time.Now())
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "archive", "extraction"))
	former := fileSum(t, path)
	formerState := state(t, path)

	p := startChild(t, "hold", path, "")
	if got := p.line(t); got != "OPEN" {
		t.Fatalf("holding child said %q", got)
	}
	_, err := Restore(context.Background(), path, c.Path, sqlfiles.FS(), time.Now())
	var inUse *warehouse.InUseError
	if !errors.As(err, &inUse) || inUse.PID != p.cmd.Process.Pid {
		t.Fatalf("restore while another process holds the warehouse: %v, want an InUseError naming PID %d", err, p.cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), "est utilisé par un autre processus") {
		t.Errorf("message %q is not the French refusal", err)
	}
	p.wait(t)
	if fileSum(t, path) != former {
		t.Fatal("the refused restore changed the warehouse")
	}
	if l := leftovers(t, filepath.Dir(path)); len(l) > 0 {
		t.Errorf("a refused restore left %v beside the warehouse", l)
	}

	at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	res, err := Restore(context.Background(), path, c.Path, sqlfiles.FS(), at)
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".avant-restauration-2026-11-23_103000"; res.Aside != want {
		t.Errorf("former warehouse kept as %q, want %q", res.Aside, want)
	}
	if fileSum(t, res.Aside) != former {
		t.Error("the former warehouse kept aside is not the former file")
	}
	if got := state(t, res.Aside); !reflect.DeepEqual(got, formerState) {
		t.Errorf("former warehouse aside holds %v, want %v", got, formerState)
	}
	if got, want := state(t, path), state(t, c.Path); !reflect.DeepEqual(got, want) {
		t.Errorf("restored warehouse holds %v, the copy %v", got, want)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("restored warehouse: %v, mode %v, want 0600", err, info.Mode().Perm())
	}
}

// x1Identity is what testdata/archive/extraction holds of dossier X1 (and
// of its event) that archiving removes.
var x1Identity = []string{"Zorglubette", "Kwyjibo", "Quetzalette", "295037512345678", "zorglubette.kwyjibo@example.org",
	"0698765432", "0545123456", "7 impasse des Frangipaniers", "bâtiment Zeta", "FT-7788123", "CAF-4455667", "santé fragile"}

// TestRestoreNeverBringsAnArchivedIdentityBack archives dossier X1 before
// the backup (the archiving travels inside the copy, and the former
// warehouse is lost) or after it (the restore carries it over from the
// former warehouse), restores, then loads the old extraction that still
// holds X1's identity: X1 stays archived, its identity NULL and absent from
// the file's bytes, while X2's identity, written by the same load, is there.
// archiveX1 archives the dossier X1 of the warehouse at path (manual
// archiving), its file rewritten after.
func archiveX1(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if _, err := archive.Dossier(ctx, w, "X1", archive.MotifDemandeDuJeune, archive.Options{AsOf: asOf, BackupDir: t.TempDir(), RunID: 7}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := archive.Compact(ctx, path, sqlfiles.FS()); err != nil {
		t.Fatal(err)
	}
}

// A restore stopped (Ctrl-C, SIGTERM) while it carries the former
// warehouse's archivings over is stopped: the former warehouse stays in
// place, unchanged. Put in place without them, the copy would hold again
// the identities archived since the backup. Not parallel: it sets
// beforeCarry.
func TestRestoreStoppedWhileCarryingOverLeavesTheWarehouse(t *testing.T) {
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "archive", "extraction"))
	c := take(t, path, t.TempDir(), 1, time.Now())
	archiveX1(t, path)
	before := fileSum(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer func(h func()) { beforeCarry = h }(beforeCarry)
	beforeCarry = cancel
	res, err := Restore(ctx, path, c.Path, sqlfiles.FS(), time.Now())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a restore stopped during the carry-over: %+v, %v; want it cancelled", res, err)
	}
	if fileSum(t, path) != before {
		t.Error("the stopped restore changed the warehouse")
	}
	if left := leftovers(t, filepath.Dir(path)); len(left) != 0 {
		t.Errorf("the stopped restore left %v", left)
	}
}

// A former warehouse that does not open (the reason to restore, often) does
// not stop the restore: the copy is put in place, and the result says the
// archivings could not be carried over (the command tells what to do).
func TestRestoreOverAWarehouseThatDoesNotOpen(t *testing.T) {
	t.Parallel()
	path := newWarehouse(t, filepath.Join("..", "..", "testdata", "archive", "extraction"))
	c := take(t, path, t.TempDir(), 1, time.Now())
	if err := os.WriteFile(path, bytes.Repeat([]byte("disque abîmé "), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Restore(context.Background(), path, c.Path, sqlfiles.FS(), time.Now())
	if err != nil {
		t.Fatalf("restore over a broken warehouse: %v", err)
	}
	var fe *archive.FormerError
	if !errors.As(res.NotCarried, &fe) || res.Carried != 0 || res.Aside == "" {
		t.Errorf("restore over a broken warehouse: %+v, want the archivings said not carried and the broken file aside", res)
	}
	w, err := warehouse.OpenReadOnly(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatalf("the restored warehouse does not open: %v", err)
	}
	defer w.Close()
	var dossiers, restores int
	if err := w.DB.QueryRow(`SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM runs WHERE command = 'restore')`).Scan(&dossiers, &restores); err != nil {
		t.Fatal(err)
	}
	if dossiers == 0 || restores != 1 {
		t.Errorf("the restored warehouse holds %d dossiers and %d restore runs, want the backup's dossiers and the restore recorded", dossiers, restores)
	}
}

func TestRestoreNeverBringsAnArchivedIdentityBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := filepath.Join("..", "..", "testdata", "archive", "extraction")
	for _, when := range []string{"before the backup", "after the backup"} {
		t.Run(when, func(t *testing.T) {
			path := newWarehouse(t, old)
			var c Copy
			if when == "before the backup" {
				archiveX1(t, path)
				c = take(t, path, t.TempDir(), 1, time.Now())
				if err := os.Remove(path); err != nil { // the disk is lost
					t.Fatal(err)
				}
			} else {
				c = take(t, path, t.TempDir(), 1, time.Now())
				archiveX1(t, path)
			}
			res, err := Restore(ctx, path, c.Path, sqlfiles.FS(), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			wantCarried := map[string]int{"before the backup": 0, "after the backup": 1}[when]
			if res.Carried != wantCarried || res.NotCarried != nil {
				t.Errorf("carried %d archivings over (%v), want %d", res.Carried, res.NotCarried, wantCarried)
			}
			if when == "after the backup" {
				raw, err := os.ReadFile(c.Path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(raw, []byte("295037512345678")) {
					t.Fatal("the backup does not hold X1's NIR: the restore's check below would prove nothing")
				}
			}

			// The old extraction again, written uncompressed so that a byte
			// search means something.
			w, err := warehouse.Open(ctx, path, sqlfiles.FS())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.DB.Exec(`PRAGMA force_compression='uncompressed'`); err != nil {
				t.Fatal(err)
			}
			if _, err := recorded.Ingest(t, ctx, w, old, ingest.Options{}); err != nil {
				t.Fatal(err)
			}
			var prenom, nir, comment sql.NullString
			var archived bool
			if err := w.DB.QueryRow(`SELECT d.prenom, d.nir, d.archive, e.commentaire FROM dossiers d JOIN evenements e USING (id_dossier)
				WHERE id_dossier = 'X1'`).Scan(&prenom, &nir, &archived, &comment); err != nil {
				t.Fatal(err)
			}
			if prenom.Valid || nir.Valid || comment.Valid || !archived {
				t.Errorf("X1 after restore and reload: prenom %v, nir %v, comment %v, archived %v", prenom, nir, comment, archived)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte("Barnabulle")) {
				t.Fatal("the reload did not write X2's name where a byte search finds it: the check below would prove nothing")
			}
			for _, s := range x1Identity {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("after restore and reload the warehouse holds %q of the archived dossier", s)
				}
			}
		})
	}
}
