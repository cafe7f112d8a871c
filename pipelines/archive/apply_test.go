package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// applyFixture: OLD (31, archived age_31), MID (28, archived age_27), KEEP (20, kept),
// each with an event, a situation and an appointment carrying free text.
func applyFixture(t testing.TB, w *warehouse.Warehouse) {
	t.Helper()
	addDossier(t, w, person{id: "OLD", prenom: "Zorglubette", nom: "Kwyjibo", naissance: "1995-03-04"})
	addDossier(t, w, person{id: "MID", structure: "ML-33001", naissance: "1999-01-02"})
	addDossier(t, w, person{id: "KEEP", naissance: "2006-01-02"})
	for _, id := range []string{"OLD", "MID", "KEEP"} {
		addEvent(t, w, "ev"+id, id, "atelier", "2026-10-01 10:00:00")
		exec(t, w, `INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, commentaire)
			VALUES (?, ?, 'emploi', DATE '2026-01-01', 'situation libre '||?)`, "si"+id, id, id)
		exec(t, w, `INSERT INTO rendez_vous (id_rdv, id_dossier, date_heure, statut, objet, motif_absence)
			VALUES (?, ?, TIMESTAMP '2026-10-02 09:00', 'absent', 'objet '||?, 'absence '||?)`, "rv"+id, id, id, id)
	}
}

func TestApplyArchivesAndRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t)
	applyFixture(t, w)
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "archive apply"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sauvegardes")
	res, err := Apply(ctx, w, Options{AsOf: date(t, "2026-11-23"), BackupDir: dir, RunID: run.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := []Archived{}
	got = append(got, res.Archived...)
	want := []Archived{{"MID", "ML-33001", MotifAge27}, {"OLD", "ML-16001", MotifAge31}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("archived %v, want %v", got, want)
	}

	// The backup: mode 0600, header, one row per dossier with real dates.
	fi, err := os.Stat(res.Backup.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(res.Backup.Path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != res.Backup.SHA256 {
		t.Errorf("reported SHA-256 %s does not match the file", res.Backup.SHA256)
	}
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetName(0)
	if sheet != "Sauvegarde avant archivage" {
		t.Errorf("first sheet %q", sheet)
	}
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id_dossier,code_structure,nom_usage,nom_naissance,prenom,date_naissance,date_archivage,motif" {
		t.Errorf("header %v", rows[0])
	}
	if len(rows) != 3 {
		t.Fatalf("backup has %d rows, want header + 2", len(rows))
	}
	// Sorted by structure then id: OLD (ML-16001) first.
	if r := rows[1]; r[0] != "OLD" || r[2] != "Kwyjibo" || r[4] != "Zorglubette" || r[5] != "04/03/1995" || r[6] != "23/11/2026" || r[7] != MotifAge31 {
		t.Errorf("backup row %v", r)
	}
	for _, c := range []string{"F2", "G2"} {
		typ, err := x.GetCellType(sheet, c)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := x.GetCellValue(sheet, c, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || strings.Contains(v, "/") {
			t.Errorf("cell %s holds text %q, want an Excel date serial", c, v)
		}
	}

	// The dossiers: identity gone, birth year kept, archive fields set.
	var prenom, nir, email, voie sql.NullString
	var naissance sql.NullTime
	var annee int
	var archived bool
	var motif string
	var dateArch string
	err = w.DB.QueryRow(`SELECT prenom, nir, email, adresse_voie, date_naissance, annee_naissance, archive, motif_archivage, CAST(date_archivage AS VARCHAR)
		FROM dossiers WHERE id_dossier = 'OLD'`).Scan(&prenom, &nir, &email, &voie, &naissance, &annee, &archived, &motif, &dateArch)
	if err != nil {
		t.Fatal(err)
	}
	if prenom.Valid || nir.Valid || email.Valid || voie.Valid || naissance.Valid || annee != 1995 || !archived || motif != MotifAge31 || dateArch != "2026-11-23" {
		t.Errorf("OLD after apply: %v %v %v %v %v %d %v %s %s", prenom, nir, email, voie, naissance, annee, archived, motif, dateArch)
	}
	var identityLeft int
	err = w.DB.QueryRow(`SELECT count(*) FROM dossiers WHERE archive AND (prenom IS NOT NULL OR nom_usage IS NOT NULL OR nom_naissance IS NOT NULL
		OR date_naissance IS NOT NULL OR nir IS NOT NULL OR email IS NOT NULL OR telephone_mobile IS NOT NULL OR telephone_fixe IS NOT NULL
		OR adresse_voie IS NOT NULL OR adresse_complement IS NOT NULL OR numero_france_travail IS NOT NULL OR numero_allocataire IS NOT NULL
		OR code_postal IS NULL)`).Scan(&identityLeft)
	if err != nil || identityLeft != 0 {
		t.Errorf("archived dossiers with identity left (or postal code lost): %d %v", identityLeft, err)
	}
	// Free text: gone for archived dossiers, kept for KEEP.
	var freeText string
	err = w.DB.QueryRow(`SELECT string_agg(x, ',' ORDER BY x) FROM (
		SELECT 'ev'||id_dossier AS x FROM evenements WHERE commentaire IS NOT NULL
		UNION ALL SELECT 'si'||id_dossier FROM situations WHERE commentaire IS NOT NULL
		UNION ALL SELECT 'ob'||id_dossier FROM rendez_vous WHERE objet IS NOT NULL
		UNION ALL SELECT 'ma'||id_dossier FROM rendez_vous WHERE motif_absence IS NOT NULL)`).Scan(&freeText)
	if err != nil || freeText != "evKEEP,maKEEP,obKEEP,siKEEP" {
		t.Errorf("free text left: %q %v", freeText, err)
	}
	var keepName string
	if err := w.DB.QueryRow(`SELECT prenom FROM dossiers WHERE id_dossier = 'KEEP' AND NOT archive`).Scan(&keepName); err != nil || keepName != "PrenomKEEP" {
		t.Errorf("KEEP touched: %q %v", keepName, err)
	}

	// The batch record.
	var n int
	var path, sha, mode string
	if err := w.DB.QueryRow(`SELECT nb_dossiers, backup_path, backup_sha256, mode FROM archive_batches WHERE run_id = ?`, run.ID).Scan(&n, &path, &sha, &mode); err != nil {
		t.Fatal(err)
	}
	if n != 2 || path != res.Backup.Path || sha != res.Backup.SHA256 || mode != ModeAutomatic {
		t.Errorf("batch record %d %s %s %s", n, path, sha, mode)
	}
	var counts string
	if err := w.DB.QueryRow(`SELECT string_agg(motif || '=' || nb_dossiers, ',' ORDER BY motif) FROM archive_batch_motifs WHERE run_id = ?`, run.ID).Scan(&counts); err != nil || counts != "age_27=1,age_31=1" {
		t.Errorf("motif counts %q %v", counts, err)
	}

	// Applying again archives nothing more.
	res2, err := Apply(ctx, w, Options{AsOf: date(t, "2026-11-23"), BackupDir: dir, RunID: run.ID + 1})
	if err != nil || len(res2.Archived) != 0 {
		t.Errorf("second apply: %v %v", res2, err)
	}
}

func TestApplyBackupFailureArchivesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t)
	applyFixture(t, w)
	// A regular file where the folder should be: the backup cannot be written (even as root).
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(blocker, "sub"), blocker} {
		_, err := Apply(ctx, w, Options{AsOf: date(t, "2026-11-23"), BackupDir: dir, RunID: 1})
		if err == nil {
			t.Fatalf("apply with backup dir %s: no error", dir)
		}
		if !strings.Contains(err.Error(), "rien n'a été archivé") {
			t.Errorf("error does not say nothing was archived: %v", err)
		}
	}
	var archived, named, free int
	if err := w.DB.QueryRow(`SELECT count(*) FILTER (WHERE archive), count(*) FILTER (WHERE prenom IS NOT NULL),
		(SELECT count(*) FROM evenements WHERE commentaire IS NOT NULL) FROM dossiers`).Scan(&archived, &named, &free); err != nil {
		t.Fatal(err)
	}
	if archived != 0 || named != 3 || free != 3 {
		t.Errorf("after a failed backup: %d archived, %d named, %d comments", archived, named, free)
	}
	var batches int
	if err := w.DB.QueryRow(`SELECT count(*) FROM archive_batches`).Scan(&batches); err != nil || batches != 0 {
		t.Errorf("batches recorded: %d %v", batches, err)
	}
}

func TestApplyDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t)
	applyFixture(t, w)
	dir := t.TempDir()
	res, err := Apply(ctx, w, Options{AsOf: date(t, "2026-11-23"), BackupDir: dir, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Archived) != 2 || res.Counts[MotifAge31] != 1 || res.Counts[MotifAge27] != 1 || res.Backup.Path != "" {
		t.Errorf("dry run result %+v", res)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("dry run wrote %d files", len(entries))
	}
	var archived int
	if err := w.DB.QueryRow(`SELECT count(*) FROM dossiers WHERE archive OR prenom IS NULL`).Scan(&archived); err != nil || archived != 0 {
		t.Errorf("dry run changed %d dossiers (%v)", archived, err)
	}
	res, err = Dossier(ctx, w, "KEEP", MotifDeces, Options{AsOf: date(t, "2026-11-23"), DryRun: true})
	if err != nil || len(res.Archived) != 1 {
		t.Fatalf("manual dry run: %+v %v", res, err)
	}
	if err := w.DB.QueryRow(`SELECT count(*) FROM dossiers WHERE archive`).Scan(&archived); err != nil || archived != 0 {
		t.Errorf("manual dry run archived %d", archived)
	}
}

func TestManualArchiving(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t)
	applyFixture(t, w)
	dir := t.TempDir()
	opts := Options{AsOf: date(t, "2026-11-23"), BackupDir: dir, RunID: 7}
	refused := []struct{ id, motif string }{
		{"KEEP", "age_31"},
		{"KEEP", "inactif_29_mois"},
		{"KEEP", ""},
		{"KEEP", "Deces"},
		{"KEEP,OLD", MotifDeces},
		{"KEEP OLD", MotifDeces},
		{"KEEP|OLD", MotifDeces},
		{"", MotifDeces},
		{"NOPE", MotifDeces},
	}
	for _, c := range refused {
		_, err := Dossier(ctx, w, c.id, c.motif, opts)
		var r *warehouse.RefusedError
		if !errors.As(err, &r) {
			t.Errorf("Dossier(%q, %q): %v, want a refusal", c.id, c.motif, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused call wrote a backup")
	}
	// The fingerprint of an emptied justified birth name (IDJ) goes with the
	// identity; another dossier's stays.
	if _, err := w.DB.Exec(`INSERT INTO identity_blanked VALUES ('KEEP', 'nom_naissance', sha256('dupre')), ('OLD', 'nom_naissance', sha256('x'))`); err != nil {
		t.Fatal(err)
	}
	res, err := Dossier(ctx, w, "KEEP", MotifDemandeDuJeune, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Archived) != 1 || res.Archived[0] != (Archived{"KEEP", "ML-16001", MotifDemandeDuJeune}) || res.Backup.Path == "" {
		t.Errorf("manual result %+v", res)
	}
	var n int
	if err := w.DB.QueryRow(`SELECT count(*) FROM dossiers WHERE archive`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d archived, want only KEEP", n)
	}
	var left string
	if err := w.DB.QueryRow(`SELECT string_agg(id_dossier, ',') FROM identity_blanked`).Scan(&left); err != nil || left != "OLD" {
		t.Errorf("identity_blanked after archiving KEEP: %q, %v", left, err)
	}
	var mode, motif string
	if err := w.DB.QueryRow(`SELECT b.mode, m.motif FROM archive_batches b JOIN archive_batch_motifs m USING (run_id) WHERE run_id = 7`).Scan(&mode, &motif); err != nil || mode != ModeManual || motif != MotifDemandeDuJeune {
		t.Errorf("manual batch %s %s %v", mode, motif, err)
	}
	if _, err := Dossier(ctx, w, "KEEP", MotifDeces, opts); err == nil || !strings.Contains(err.Error(), "déjà archivé") {
		t.Errorf("archiving KEEP twice: %v", err)
	}
}

func TestBackupCorrespondence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t)
	applyFixture(t, w)
	exec(t, w, `UPDATE dossiers SET archive = true, prenom = NULL WHERE id_dossier = 'MID'`)
	f, err := Backup(ctx, w, t.TempDir(), date(t, "2026-11-23"))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("correspondence file: %v %v", fi, err)
	}
	x, err := excelize.OpenFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	if strings.Join(rows[0], ",") != "id_dossier,code_structure,nom_usage,nom_naissance,prenom,date_naissance" || strings.Join(ids, ",") != "KEEP,OLD" {
		t.Errorf("correspondence: header %v, ids %v", rows[0], ids)
	}
}

// TestAnonymisationByteLevel proves that after apply and Compact the old
// identity can no longer be read from the warehouse file's bytes.
func TestAnonymisationByteLevel(t *testing.T) {
	t.Parallel()
	checkAnonymisationByteLevel(t, func(t *testing.T, path string) {
		if err := Compact(context.Background(), path, sqlfiles.FS()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAnonymisationWithoutRewriteIsFinishedByNextOpen: a run stopped (killed,
// or its rewrite failed) after the anonymisation's commit and before the
// file rewrite leaves the rewrite owed; the next opening of the warehouse
// for writing (any later command, the daemon's start) does it.
func TestAnonymisationWithoutRewriteIsFinishedByNextOpen(t *testing.T) {
	t.Parallel()
	checkAnonymisationByteLevel(t, func(t *testing.T, path string) {
		w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func checkAnonymisationByteLevel(t *testing.T, finish func(t *testing.T, path string)) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	// Without this DuckDB compresses strings and no byte search finds anything.
	exec(t, w, `PRAGMA force_compression='uncompressed'`)
	applyFixture(t, w)
	exec(t, w, `UPDATE dossiers SET nir = '185076005701818', email = 'zorglubette.kwyjibo@example.org', telephone_mobile = '0698765432',
		telephone_fixe = '0545123456', adresse_voie = '7 impasse des Frangipaniers', adresse_complement = 'bâtiment Zeta',
		numero_france_travail = 'FT-7788123', numero_allocataire = 'CAF-4455667' WHERE id_dossier = 'OLD'`)
	if err := w.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"Zorglubette", "Kwyjibo", "185076005701818", "zorglubette.kwyjibo@example.org", "0698765432", "0545123456",
		"7 impasse des Frangipaniers", "bâtiment Zeta", "FT-7788123", "CAF-4455667", "commentaire evOLD", "situation libre OLD", "objet OLD", "absence OLD"}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if !bytes.Contains(raw, []byte(s)) {
			t.Fatalf("before apply the file does not hold %q: the test would prove nothing", s)
		}
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}

	w, err = warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, w, `PRAGMA force_compression='uncompressed'`)
	if _, err := Apply(ctx, w, Options{AsOf: date(t, "2026-11-23"), BackupDir: t.TempDir(), RunID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	finish(t, path)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after compaction: %v %v", fi, err)
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after apply and compaction the file still holds %q", s)
		}
	}
	for _, p := range []string{path + ".wal", filepath.Join(filepath.Dir(path), ".vigie.duckdb.compact"), filepath.Join(filepath.Dir(path), ".vigie.duckdb.compact.d")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}

	// The compacted warehouse is whole: still readable, writable, runs numbered on.
	w, err = warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	exec(t, w, `PRAGMA force_compression='uncompressed'`)
	var kept, archived int
	if err := w.DB.QueryRow(`SELECT count(*) FILTER (WHERE prenom = 'PrenomKEEP'), count(*) FILTER (WHERE archive) FROM dossiers`).Scan(&kept, &archived); err != nil || kept != 1 || archived != 2 {
		t.Errorf("after compaction: kept %d, archived %d (%v)", kept, archived, err)
	}
	r1, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "x"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "y"})
	if err != nil || r2.ID != r1.ID+1 {
		t.Errorf("run ids after compaction: %d then %v (%v)", r1.ID, r2, err)
	}
	// A later insert of other rows does not bring the identity back.
	exec(t, w, `INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature) VALUES ('ev2', 'KEEP', TIMESTAMP '2026-11-24 10:00', 'atelier')`)
	if err := w.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after a later write the file holds %q again", s)
		}
	}
}
