package archive

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// x1Identity is what testdata/archive/extraction holds of dossier X1 (and of
// its event) that archiving must make unreadable.
var x1Identity = []string{"Zorglubette", "Kwyjibo", "Quetzalette", "295037512345678", "zorglubette.kwyjibo@example.org",
	"0698765432", "0545123456", "7 impasse des Frangipaniers", "bâtiment Zeta", "FT-7788123", "CAF-4455667", "santé fragile"}

// openUncompressed opens the warehouse at path with string compression off,
// so that a byte search of the file means something.
func openUncompressed(t *testing.T, path string) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, w, `PRAGMA force_compression='uncompressed'`)
	return w
}

// closeAndRead checkpoints and closes w, then returns the file's bytes.
func closeAndRead(t *testing.T, w *warehouse.Warehouse) []byte {
	t.Helper()
	if err := w.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(w.Path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestLaterIngestionKeepsIdentityGone loads an extraction, archives one of
// its dossiers, then loads the same extraction again (which still carries the
// full identity): the identity stays NULL in SQL and absent from the file's
// bytes, while the other dossier's identity is there (uncompressed), which
// shows the byte search can find what the reload wrote.
func TestLaterIngestionKeepsIdentityGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join("..", "..", "testdata", "archive", "extraction")
	path := filepath.Join(t.TempDir(), "vigie.duckdb")

	w := openUncompressed(t, path)
	if _, err := recorded.Ingest(t, ctx, w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	raw := closeAndRead(t, w)
	for _, s := range x1Identity {
		if !bytes.Contains(raw, []byte(s)) {
			t.Fatalf("after the first load the file does not hold %q: the test would prove nothing", s)
		}
	}

	w = openUncompressed(t, path)
	if _, err := Dossier(ctx, w, "X1", MotifDemandeDuJeune, Options{AsOf: date(t, "2026-11-23"), BackupDir: t.TempDir(), RunID: 99}); err != nil {
		t.Fatal(err)
	}
	closeAndRead(t, w)
	if err := Compact(ctx, path, sqlfiles.FS()); err != nil {
		t.Fatal(err)
	}

	w = openUncompressed(t, path)
	res, err := recorded.Ingest(t, ctx, w, dir, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dropped := map[string]int64{}
	for _, f := range res.Files {
		dropped[f.Table] = f.ArchivedDropped
	}
	if dropped["dossiers"] != 1 || dropped["evenements"] != 1 {
		t.Errorf("rows of the archived dossier dropped on the way in: %v, want 1 dossier and 1 event", dropped)
	}
	var prenom, nir, comment sql.NullString
	var annee sql.NullInt64
	var archived bool
	if err := w.DB.QueryRow(`SELECT d.prenom, d.nir, d.annee_naissance, d.archive, e.commentaire FROM dossiers d JOIN evenements e USING (id_dossier)
		WHERE id_dossier = 'X1'`).Scan(&prenom, &nir, &annee, &archived, &comment); err != nil {
		t.Fatal(err)
	}
	if prenom.Valid || nir.Valid || comment.Valid || !archived || annee.Int64 != 1995 {
		t.Errorf("X1 after the reload: prenom %v, nir %v, comment %v, archived %v, year %v", prenom, nir, comment, archived, annee)
	}
	raw = closeAndRead(t, w)
	if !bytes.Contains(raw, []byte("Barnabulle")) {
		t.Fatal("the reload did not write X2's name where a byte search finds it: the check below would prove nothing")
	}
	for _, s := range x1Identity {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after the reload the file holds %q of the archived dossier again", s)
		}
	}

	// A later extraction with a bad date in X1's rows: they are quarantined
	// (kept for the analyst) without the identity and free text.
	bad := t.TempDir()
	for _, f := range []string{"structures.csv", "utilisateurs.csv", "dossiers.csv", "evenements.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "10/01/2024", "31/02/2024", 1)
		s = strings.Replace(s, "E1;X1;01/10/2026", "E1;X1;41/10/2026", 1)
		if err := os.WriteFile(filepath.Join(bad, f), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w = openUncompressed(t, path)
	if res, err = recorded.Ingest(t, ctx, w, bad, ingest.Options{MaxRejectRatio: 0.9}); err != nil || res.Quarantined != 2 {
		t.Fatalf("load with X1's rows quarantined: %v (%+v)", err, res)
	}
	var quarantined string
	if err := w.DB.QueryRow(`SELECT string_agg(table_name || ':' || coalesce(json_extract_string(row_data, '$.prenom'), json_extract_string(row_data, '$.commentaire'), '-'), ',' ORDER BY table_name)
		FROM quarantine WHERE run_id = ?`, res.RunID).Scan(&quarantined); err != nil {
		t.Fatal(err)
	}
	if quarantined != "dossiers:-,evenements:-" {
		t.Errorf("quarantined rows of the archived dossier: %s, want them without identity or comment", quarantined)
	}
	raw = closeAndRead(t, w)
	for _, s := range x1Identity {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after a load that quarantined X1's rows the file holds %q", s)
		}
	}
}
