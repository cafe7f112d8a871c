package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// brokenExtraction copies testdata/archive/extraction with X1's and X2's
// dossier lines given one column too many: both are quarantined whole, with
// the raw line (name, NIR, email, phone, address).
func brokenExtraction(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "archive", "extraction")
	dir := t.TempDir()
	for _, f := range []string{"structures.csv", "utilisateurs.csv", "dossiers.csv", "evenements.csv"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if f == "dossiers.csv" {
			s = strings.Replace(s, "10/01/2024;\n", "10/01/2024;;surplus\n", 1)
			s = strings.Replace(s, "10/01/2026;\n", "10/01/2026;;surplus\n", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Lines quarantined whole obey the identity rules of loaded rows: purged
// by the archiving of their dossier, even when quarantined before it, and
// masked on the way in once the dossier is archived.
func TestQuarantinedLinesFollowArchiving(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	dir := filepath.Join("..", "..", "testdata", "archive", "extraction")
	broken := brokenExtraction(t)

	// X1 loaded whole, then a later extraction breaks X1's and X2's lines.
	w := openUncompressed(t, path)
	if _, err := recorded.Ingest(t, ctx, w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := recorded.Ingest(t, ctx, w, broken, ingest.Options{MaxRejectRatio: 0.99})
	if err != nil || res.Quarantined != 2 {
		t.Fatalf("broken extraction: %v, %d quarantined, want 2", err, res.Quarantined)
	}
	var held string
	if err := w.DB.QueryRow(`SELECT string_agg(row_data::VARCHAR, ' ') FROM quarantine`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(held, "295037512345678") || !strings.Contains(held, "Barnabulle") {
		t.Fatalf("control: the quarantine does not hold the broken lines: %s", held)
	}

	// Archiving X1 purges its quarantined line, not X2's.
	if _, err := Dossier(ctx, w, "X1", MotifDemandeDuJeune, Options{AsOf: date(t, "2026-11-23"), BackupDir: t.TempDir(), RunID: 99}); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.QueryRow(`SELECT string_agg(row_data::VARCHAR, ' ') FROM quarantine`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	for _, s := range x1Identity {
		if strings.Contains(held, s) {
			t.Errorf("after archiving X1 the quarantine holds %q: %s", s, held)
		}
	}
	if !strings.Contains(held, "Barnabulle") || !strings.Contains(held, `"id_dossier":"X1"`) {
		t.Errorf("after archiving X1 the quarantine should keep X2's line and X1's id: %s", held)
	}

	// The same broken extraction again: X1's line is masked on the way in.
	res, err = recorded.Ingest(t, ctx, w, broken, ingest.Options{MaxRejectRatio: 0.99})
	if err != nil || res.Quarantined != 2 {
		t.Fatalf("broken extraction again: %v, %d quarantined", err, res.Quarantined)
	}
	if err := w.DB.QueryRow(`SELECT string_agg(row_data::VARCHAR, ' ') FROM quarantine WHERE run_id = ?`, res.RunID).Scan(&held); err != nil {
		t.Fatal(err)
	}
	for _, s := range x1Identity {
		if strings.Contains(held, s) {
			t.Errorf("a line of archived X1 quarantined on the way in holds %q: %s", s, held)
		}
	}
	if !strings.Contains(held, "Barnabulle") {
		t.Errorf("control: X2's line is not in the quarantine: %s", held)
	}
	raw := closeAndRead(t, w)
	_ = raw
	if err := Compact(ctx, path, sqlfiles.FS()); err != nil {
		t.Fatal(err)
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("Barnabulle")) {
		t.Fatal("control: the file does not hold X2's name where a byte search finds it")
	}
	for _, s := range x1Identity {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the file holds %q of archived X1", s)
		}
	}
}
