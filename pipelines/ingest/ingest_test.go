package ingest

import (
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/arml-na/vigie/pipelines/ingest/ingesttest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// extraction copies testdata/ingest/basic into a temporary folder, applying
// edits (file name → new content; "" removes the file).
func extraction(t *testing.T, edits map[string]string) string {
	return ingesttest.Extraction(t, filepath.Join("..", "..", "testdata", "ingest", "basic"), edits)
}

func basicFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ingest", "basic", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// snapshot renders every data table of the warehouse as text, to compare
// states before and after a refused load.
func snapshot(t *testing.T, w *warehouse.Warehouse) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range Tables {
		rows, err := w.DB.Query(`SELECT * FROM ` + warehouse.MustIdent(tb.Name) + ` ORDER BY ALL`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", tb.Name, vals)
		}
		rows.Close()
	}
	return b.String()
}

func count(t *testing.T, w *warehouse.Warehouse, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.DB.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func fileResult(t *testing.T, res *Result, table string) FileResult {
	t.Helper()
	for _, f := range res.Files {
		if f.Table == table {
			return f
		}
	}
	t.Fatalf("no result for table %s in %+v", table, res.Files)
	return FileResult{}
}

func checkBalanced(t *testing.T, w *warehouse.Warehouse, res *Result) {
	t.Helper()
	for _, f := range res.Files {
		if f.Read != f.Loaded+f.Quarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", f.File, f.Read, f.Loaded, f.Quarantined)
		}
		if got := count(t, w, `SELECT count(*) FROM quarantine WHERE run_id = ? AND file = ?`, res.RunID, f.File); got != f.Quarantined {
			t.Errorf("%s: %d rows in quarantine table, %d counted", f.File, got, f.Quarantined)
		}
	}
	if got := count(t, w, `SELECT count(*) FROM run_files WHERE run_id = ?`, res.RunID); got != int64(len(res.Files)) {
		t.Errorf("run_files has %d rows for %d files", got, len(res.Files))
	}
}

func TestIngestBasicAndIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, nil)
	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if res.Quarantined != 0 {
		t.Fatalf("quarantined %d rows of a clean extraction: %+v", res.Quarantined, res.Samples)
	}
	first := snapshot(t, w)
	if !strings.Contains(first, "reorientation_autre_dispositif") || !strings.Contains(first, "Commentaire\nsur deux lignes") {
		t.Errorf("codes or multi-line text not loaded as expected:\n%s", first)
	}
	res2, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if second := snapshot(t, w); second != first {
		t.Errorf("loading the same extraction twice changed the warehouse:\n%s\nvs\n%s", first, second)
	}
	if res2.RunID == res.RunID {
		t.Error("second load has the same run id")
	}
	var status string
	if err := w.DB.QueryRow(`SELECT status FROM runs WHERE id = ?`, res2.RunID).Scan(&status); err != nil || status != "done" {
		t.Errorf("run status = %q, %v", status, err)
	}
}

func TestIngestQuarantinesBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	header := strings.SplitN(basicFile(t, "dispositifs.csv"), "\n", 2)[0]
	bad := header + "\n" +
		"P1;D1;pacea;clos;01/02/2022;15/11/2026;abandon;16/11/2026 09:30;U1;\"CERFA\n-001\"\n" + // line 2-3: multi-line
		"\n" + // line 4: blank
		"P2;D1;pacea;clos;31/02/2022;;;;;\n" + // 5: bad date
		"P3;D1;fusée;clos;01/02/2022;;;;;\n" + // 6: unknown code
		"P4;D1;pacea;;01/02/2022;;;;;\n" + // 7: missing required
		"P5;D9;pacea;clos;01/02/2022;;;;;\n" + // 8: unknown reference
		"P6;D1;pacea;clos;01/02/2022;;;2026-11-16 25:00;;\n" + // 9: bad date-time
		"P7;D1;pacea;clos\n" + // 10: too few columns
		"P8;D2;cej;en_cours;01/01/2026;;;;U9;\n" + // 11: unknown prescripteur
		"P9;D2;cej;en_cours;01/01/2026;;;;;\n" + // 12: duplicate key
		"P9;D2;cej;clos;01/01/2026;;;;;\n" + // 13: duplicate key
		"P10;D2;cej;en_cours;01/01/2026;;;;;\n" // 14: fine
	dir := extraction(t, map[string]string{"dispositifs.csv": bad})
	res, err := recorded(t, ctx, w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	f := fileResult(t, res, "dispositifs")
	if f.Read != 11 || f.Loaded != 2 || f.Quarantined != 9 {
		t.Fatalf("dispositifs: read %d loaded %d quarantined %d, want 11/2/9", f.Read, f.Loaded, f.Quarantined)
	}
	want := []struct {
		line        int64
		column, val string
		reason      string
	}{
		{5, "date_entree", "31/02/2022", "date invalide"},
		{6, "code_dispositif", "fusée", "code inconnu"},
		{7, "etat", "", "obligatoire"},
		{8, "id_dossier", "D9", "référence inconnue"},
		{9, "date_saisie_sortie", "2026-11-16 25:00", "date-heure invalide"},
		{10, "", "", "nombre de colonnes"},
		{11, "id_prescripteur", "U9", "référence inconnue"},
		{12, "id_dispositif", "P9", "clé en double"},
		{13, "id_dispositif", "P9", "clé en double"},
	}
	for _, wq := range want {
		var col, val sql.NullString
		var reason, data string
		err := w.DB.QueryRow(`SELECT column_name, value, reason, row_data::VARCHAR FROM quarantine WHERE run_id = ? AND line = ?`,
			res.RunID, wq.line).Scan(&col, &val, &reason, &data)
		if err != nil {
			t.Errorf("line %d: %v", wq.line, err)
			continue
		}
		if col.String != wq.column || val.String != wq.val || !strings.Contains(reason, wq.reason) {
			t.Errorf("line %d: got (%q, %q, %q), want (%q, %q, …%q…)", wq.line, col.String, val.String, reason, wq.column, wq.val, wq.reason)
		}
		if data == "" || data == "{}" {
			t.Errorf("line %d: row not kept whole: %q", wq.line, data)
		}
	}
	if n := count(t, w, `SELECT count(*) FROM dispositifs`); n != 2 {
		t.Errorf("%d dispositifs loaded, want 2 (P1 and P10)", n)
	}
	if n := count(t, w, `SELECT count(*) FROM dispositifs WHERE numero_cerfa = 'CERFA' || chr(10) || '-001'`); n != 1 {
		t.Error("the multi-line CERFA value was not loaded whole")
	}
}

func TestIngestCascadesUnknownParents(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dossiers := basicFile(t, "dossiers.csv")
	// D2's birth date is wrong: D2 is quarantined, so are its event and programme.
	dossiers = strings.Replace(dossiers, "2005-07-14", "14.07.2005", 1)
	dir := extraction(t, map[string]string{"dossiers.csv": dossiers})
	res, err := recorded(t, context.Background(), w, dir, Options{MaxRejectRatio: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	for table, want := range map[string]int64{"dossiers": 1, "dispositifs": 1, "evenements": 1} {
		if got := fileResult(t, res, table).Quarantined; got != want {
			t.Errorf("%s: %d quarantined, want %d", table, got, want)
		}
	}
	// The sample of a birth date never shows the value.
	for _, s := range res.Samples {
		if s.Column == "date_naissance" && (!s.Masked || s.Value != "") {
			t.Errorf("birth date value exposed in the summary: %+v", s)
		}
	}
}

func TestIngestRefusesMissingRequiredColumn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w)
	// Second extraction: new rows everywhere, but dossiers lacks date_inscription.
	dossiers := strings.ReplaceAll(basicFile(t, "dossiers.csv"), "date_inscription", "inscription")
	events := basicFile(t, "evenements.csv") + "E9,D1,2026-11-22,atelier,,,,\n"
	_, err := recorded(t, ctx, w, extraction(t, map[string]string{"dossiers.csv": dossiers, "evenements.csv": events}), Options{})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if !strings.Contains(err.Error(), "dossiers.csv") || !strings.Contains(err.Error(), "date_inscription") {
		t.Errorf("message %q does not name the file and the column", err)
	}
	if after := snapshot(t, w); after != before {
		t.Error("a refused extraction changed the warehouse")
	}
	if n := count(t, w, `SELECT count(*) FROM runs WHERE status = 'refused'`); n != 1 {
		t.Errorf("%d refused runs recorded, want 1", n)
	}
}

func TestIngestRefusesAboveRejectRatio(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w)
	lieux := basicFile(t, "lieux.csv") + "L-16-3;ML-16001;Nouveau site;16015;peut-être\n"
	events := basicFile(t, "evenements.csv") + "E9,D1,2026-11-22,atelier,,,,\n"
	res, err := recorded(t, ctx, w, extraction(t, map[string]string{"lieux.csv": lieux, "evenements.csv": events}), Options{})
	if !errors.Is(err, ErrRefused) || !res.Refused {
		t.Fatalf("err = %v, refused = %v; want a refusal (1 bad row of 20 > 1 %%)", err, res.Refused)
	}
	if after := snapshot(t, w); after != before {
		t.Error("a refused extraction changed the warehouse")
	}
	// A ratio that is not a number refuses too, rather than letting every
	// row through: no comparison with NaN holds.
	if res, err := recorded(t, ctx, w, extraction(t, map[string]string{"lieux.csv": lieux, "evenements.csv": events}), Options{MaxRejectRatio: math.NaN()}); !errors.Is(err, ErrRefused) || !res.Refused {
		t.Fatalf("ratio NaN: err = %v; want a refusal", err)
	}
	// The analyst can still see why.
	if n := count(t, w, `SELECT count(*) FROM quarantine WHERE run_id = ? AND column_name = 'actif'`, res.RunID); n != 1 {
		t.Errorf("quarantine of the refused run has %d rows for lieux.actif, want 1", n)
	}
	// With a larger ratio the same extraction loads, bad row excepted.
	res, err = recorded(t, ctx, w, extraction(t, map[string]string{"lieux.csv": lieux, "evenements.csv": events}), Options{MaxRejectRatio: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if n := count(t, w, `SELECT count(*) FROM evenements WHERE id_evenement = 'E9'`); n != 1 {
		t.Error("E9 not loaded")
	}
}

func TestIngestFormatsAndEncodings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	// structures in Windows-1252 with ’ œ €; lieux with a BOM and tabs;
	// evenements gzipped; utilisateurs as XLSX with real date cells;
	// dispositifs as Parquet with native types.
	cp, err := charmap.Windows1252.NewEncoder().String("code_structure;nom;departement;region;email_direction\n" +
		"ML-16001;Mission Locale de l’Angoumois – cœur € ;16;;\nML-33002;Mission Locale des Graves;33;;\n")
	if err != nil {
		t.Fatal(err)
	}
	lieux := "\ufeffcode_lieu\tcode_structure\tnom\tcommune_insee\tactif\r\nL-16-1\tML-16001\tSiège\t16015\tO\r\nL-16-2\tML-16001\tAntenne\t16102\tN\r\nL-33-1\tML-33002\tSiège Talence\t33522\t\r\n"
	dir := extraction(t, map[string]string{"structures.csv": cp, "lieux.csv": lieux, "evenements.csv": "",
		"utilisateurs.csv": "", "dispositifs.csv": ""})
	var gz strings.Builder
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte(basicFile(t, "evenements.csv"))); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "evenements.csv.gz"), []byte(gz.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	writeUsersXLSX(t, filepath.Join(dir, "utilisateurs.xlsx"))
	writeDispositifsParquet(t, w, filepath.Join(dir, "dispositifs.parquet"))

	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatalf("%v; samples %+v", err, res.Samples)
	}
	checkBalanced(t, w, res)
	if res.Quarantined != 0 {
		t.Fatalf("quarantined: %+v", res.Samples)
	}
	var nom string
	if err := w.DB.QueryRow(`SELECT nom FROM structures WHERE code_structure = 'ML-16001'`).Scan(&nom); err != nil {
		t.Fatal(err)
	}
	if nom != "Mission Locale de l’Angoumois – cœur €" {
		t.Errorf("Windows-1252 text read as %q", nom)
	}
	if f := fileResult(t, res, "structures"); f.Encoding != EncodingWindows1252 {
		t.Errorf("encoding detected as %q", f.Encoding)
	}
	if n := count(t, w, `SELECT count(*) FROM lieux WHERE actif`); n != 2 {
		t.Errorf("%d active lieux, want 2 (O, and empty = default true)", n)
	}
	if n := count(t, w, `SELECT count(*) FROM evenements`); n != 4 {
		t.Errorf("%d evenements from the .gz file, want 4", n)
	}
	var created, pwd time.Time
	if err := w.DB.QueryRow(`SELECT date_creation, date_changement_mot_de_passe FROM utilisateurs WHERE id_utilisateur = 'U1'`).Scan(&created, &pwd); err != nil {
		t.Fatal(err)
	}
	if created.Format(time.DateOnly) != "2020-01-15" || pwd.Format(time.DateOnly) != "2026-10-01" {
		t.Errorf("XLSX dates read as %v and %v", created, pwd)
	}
	var saisie time.Time
	var cerfa string
	if err := w.DB.QueryRow(`SELECT date_saisie_sortie, numero_cerfa FROM dispositifs WHERE id_dispositif = 'P1'`).Scan(&saisie, &cerfa); err != nil {
		t.Fatal(err)
	}
	if saisie.Format(time.DateTime) != "2026-11-16 09:30:00" || cerfa != "CERFA-001" {
		t.Errorf("Parquet row read as %v %q", saisie, cerfa)
	}
}

func writeUsersXLSX(t *testing.T, path string) {
	t.Helper()
	writeSheet(t, path, [][]any{
		{"id_utilisateur", "identifiant", "code_structure", "civilite", "prenom", "nom", "date_naissance", "email", "profil", "fonctions", "etat", "date_creation", "date_desactivation", "date_changement_mot_de_passe"},
		{"U1", "c.dupre", "ML-16001", "mme", "Chloé", "Dupré", nil, "c@example.org", nil, "conseiller_referent", "actif", time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC), nil, "01/10/2026"},
		{"U2", "j.noel", "ML-16001", "m", "Jérôme", "Noël", nil, nil, nil, "direction", "actif", nil, nil, nil},
		{nil},
		{"U3", "h.benoit", "ML-33002", "mme", "Hélène", "Benoît", nil, nil, nil, nil, "desactive", nil, nil, nil},
	}, func(f *excelize.File, sh string) error {
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		return f.SetCellStyle(sh, "L2", "L2", style)
	})
}

// writeSheet writes rows to the first sheet of a new workbook at path, after
// which style (when set) formats it.
func writeSheet(t *testing.T, path string, rows [][]any, style func(f *excelize.File, sheet string) error) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if style != nil {
		if err := style(f, sh); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func writeDispositifsParquet(t *testing.T, w *warehouse.Warehouse, path string) {
	t.Helper()
	_, err := w.DB.Exec(`COPY (SELECT * FROM (VALUES
		('P1', 'D1', 'pacea', 'clos', DATE '2022-02-01', DATE '2026-11-15', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-16 09:30:00', 'U1', 'CERFA-001'),
		('C1', 'D1', 'cej', 'en_cours', DATE '2026-11-16', NULL, NULL, NULL, 'U1', NULL))
		AS v(id_dispositif, id_dossier, code_dispositif, etat, date_entree, date_sortie, motif_sortie, date_saisie_sortie, id_prescripteur, numero_cerfa))
		TO ` + warehouse.Literal(path) + ` (FORMAT parquet)`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestIngestKeepsArchivedDossiersAnonymous(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, nil)
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	// Archive D1 the way the archive batch does.
	if _, err := w.DB.Exec(`UPDATE dossiers SET prenom = NULL, nom_usage = NULL, date_naissance = NULL, nir = NULL, email = NULL,
		telephone_mobile = NULL, adresse_voie = NULL, archive = true, date_archivage = DATE '2026-11-22', motif_archivage = 'age_27'
		WHERE id_dossier = 'D1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`UPDATE evenements SET commentaire = NULL WHERE id_dossier = 'D1'`); err != nil {
		t.Fatal(err)
	}
	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var prenom, nir, email, motif sql.NullString
	var annee int
	var archived bool
	if err := w.DB.QueryRow(`SELECT prenom, nir, email, archive, annee_naissance, motif_archivage FROM dossiers WHERE id_dossier = 'D1'`).
		Scan(&prenom, &nir, &email, &archived, &annee, &motif); err != nil {
		t.Fatal(err)
	}
	if prenom.Valid || nir.Valid || email.Valid || !archived || annee != 2004 || motif.String != "age_27" {
		t.Errorf("archived dossier came back: prenom %v nir %v email %v archive %v annee %d motif %q", prenom, nir, email, archived, annee, motif.String)
	}
	if n := count(t, w, `SELECT count(*) FROM evenements WHERE id_dossier = 'D1' AND commentaire IS NOT NULL`); n != 0 {
		t.Errorf("%d comments of an archived dossier came back", n)
	}
	if n := count(t, w, `SELECT count(*) FROM dossiers WHERE id_dossier = 'D2' AND prenom = 'François'`); n != 1 {
		t.Error("a dossier that is not archived lost its identity")
	}
	if f := fileResult(t, res, "dossiers"); f.ArchivedDropped != 1 {
		t.Errorf("ArchivedDropped = %d, want 1", f.ArchivedDropped)
	}
}

func TestIngestKeepsExecutedTransfers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	users := basicFile(t, "utilisateurs.csv") + "U4;a.moreau;ML-16001;m;Loïc;Moreau;;l@example.org;;conseiller_referent;actif;;;\n"
	dir := extraction(t, map[string]string{"utilisateurs.csv": users})
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	// Transfer T1 moved D1 and D2 from U1 to U4.
	if _, err := w.DB.Exec(`UPDATE dossiers SET id_conseiller_referent = 'U4' WHERE id_dossier IN ('D1', 'D2')`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO transfer_journal VALUES
		('T1', 'dossiers', 'id_conseiller_referent', 'D1', 'U1', 'U4', TIMESTAMP '2026-11-22 04:00:00', NULL),
		('T1', 'dossiers', 'id_conseiller_referent', 'D2', 'U1', 'U4', TIMESTAMP '2026-11-22 04:00:00', NULL)`); err != nil {
		t.Fatal(err)
	}
	// The next extraction still shows U1 for D1 (stale) but U2 for D2 (a newer upstream change).
	dossiers := strings.Replace(basicFile(t, "dossiers.csv"), ";U1;L-16-2;", ";U2;L-16-2;", 1)
	res, err := recorded(t, ctx, w, extraction(t, map[string]string{"utilisateurs.csv": users, "dossiers.csv": dossiers}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	rows, err := w.DB.Query(`SELECT id_dossier, id_conseiller_referent FROM dossiers WHERE id_dossier IN ('D1', 'D2')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			t.Fatal(err)
		}
		got[id] = ref
	}
	rows.Close()
	if got["D1"] != "U4" || got["D2"] != "U2" {
		t.Errorf("referents after reload = %v, want D1 kept on U4 and D2 moved to U2", got)
	}
	if f := fileResult(t, res, "dossiers"); f.TransferKept != 1 {
		t.Errorf("TransferKept = %d, want 1", f.TransferKept)
	}
}

func TestIngestRefusesTwoFilesForOneTable(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"lieux.xlsx": "not really a workbook"})
	_, err := recorded(t, context.Background(), w, dir, Options{})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "lieux") {
		t.Fatalf("err = %v, want a refusal naming lieux", err)
	}
}

func TestIngestRefusesUnreadableFile(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"lieux.csv": ""})
	if err := os.WriteFile(filepath.Join(dir, "lieux.xlsx"), []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := recorded(t, context.Background(), w, dir, Options{})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "lieux.xlsx") {
		t.Fatalf("err = %v, want a refusal naming lieux.xlsx", err)
	}
	if n := count(t, w, `SELECT count(*) FROM dossiers`); n != 0 {
		t.Errorf("%d dossiers loaded from a refused extraction", n)
	}
}

// A folder that is not there is refused in plain French, naming it.
func TestIngestRefusesAMissingFolder(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dir := filepath.Join(t.TempDir(), "extraction-du-lundi")
	_, err := recorded(t, context.Background(), w, dir, Options{})
	want := "extraction refusée : le dossier " + dir + " est introuvable"
	if !errors.Is(err, ErrRefused) || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// An ingestion bounds DuckDB's memory for its load only: the setting is the
// database's, and a daemon's later jobs (the reports, the console's reads)
// ran under the load's limit.
func TestIngestPutsTheMemoryLimitBack(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	before := warehousetest.MemoryLimit(t, w)
	if _, err := recorded(t, context.Background(), w, extraction(t, nil), Options{MemoryLimit: "300MB"}); err != nil {
		t.Fatal(err)
	}
	if after := warehousetest.MemoryLimit(t, w); after != before {
		t.Errorf("memory limit %s after the ingestion, %s before", after, before)
	}
}

// The quarantine finds the lines of refused rows far into a large file, past
// a multi-line record and blank lines: a value refused at record 70,001 and
// a line of too few columns at record 135,001 (the Go pass keeps where each
// record starts in blocks of 65,536).
func TestQuarantineLinesFarIntoALargeFile(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	var b strings.Builder
	b.WriteString(strings.SplitN(basicFile(t, "dispositifs.csv"), "\n", 2)[0] + "\n")
	line := 1
	type place struct {
		line int
		id   string
	}
	wantLine := map[string]place{}
	for i := 1; i <= 140000; i++ {
		line++
		switch i {
		case 10:
			b.WriteString(fmt.Sprintf("P%d;D1;pacea;clos;01/02/2022;;;;;\"CERFA\n-%d\"\n", i, i))
			line++ // the record takes two lines
		case 20:
			b.WriteString("\n\n") // two blank lines, no record
			line += 2
			b.WriteString(fmt.Sprintf("P%d;D1;pacea;clos;01/02/2022;;;;;\n", i))
		case 70001:
			wantLine["date invalide"] = place{line, fmt.Sprintf("P%d", i)}
			b.WriteString(fmt.Sprintf("P%d;D1;pacea;clos;31/02/2022;;;;;\n", i))
		case 135001:
			wantLine["nombre de colonnes"] = place{line, fmt.Sprintf("P%d", i)}
			b.WriteString(fmt.Sprintf("P%d;D1;pacea;clos\n", i))
		default:
			b.WriteString(fmt.Sprintf("P%d;D1;pacea;clos;01/02/2022;;;;;\n", i))
		}
	}
	dir := extraction(t, map[string]string{"dispositifs.csv": b.String()})
	res, err := recorded(t, context.Background(), w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := fileResult(t, res, "dispositifs")
	if f.Read != 140000 || f.Quarantined != 2 {
		t.Fatalf("dispositifs: read %d, quarantined %d; want 140000 and 2", f.Read, f.Quarantined)
	}
	for reason, want := range wantLine {
		var got int64
		var data string
		if err := w.DB.QueryRow(`SELECT line, row_data::VARCHAR FROM quarantine WHERE run_id = ? AND reason LIKE ?`, res.RunID, "%"+reason+"%").Scan(&got, &data); err != nil {
			t.Fatalf("%s: %v", reason, err)
		}
		if got != int64(want.line) || !strings.Contains(data, want.id+";") && !strings.Contains(data, `"`+want.id+`"`) {
			t.Errorf("%s quarantined at line %d with %s, want line %d and %s", reason, got, data, want.line, want.id)
		}
	}
}

// An optional column left out of a file's header (an export without it, or
// with it renamed) is not an empty cell: reloaded rows keep their stored
// values there, and the result says which columns were absent. A column
// present with an empty cell still empties the stored value.
func TestReloadWithoutAnOptionalColumnKeepsItsValues(t *testing.T) {
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	read := func(q string) string {
		t.Helper()
		var s sql.NullString
		if err := w.DB.QueryRow(q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s.String
	}
	contexte, lieu := `SELECT contexte FROM evenements WHERE id_evenement = 'E1'`, `SELECT code_lieu FROM evenements WHERE id_evenement = 'E1'`
	if read(contexte) != "suivi" || read(lieu) != "L-16-1" {
		t.Fatalf("first load: contexte %q, code_lieu %q", read(contexte), read(lieu))
	}
	// contexte renamed, code_lieu present and empty, commentaire left out.
	res, err := recorded(t, ctx, w, extraction(t, map[string]string{"evenements.csv": "id_evenement,id_dossier,date_evenement,nature,id_utilisateur,code_lieu,context\n" +
		"E1,D1,20/11/2026 10:00,Entretien individuel,U1,,suivi modifié\n"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(contexte); got != "suivi" {
		t.Errorf("contexte, absent from the header: %q, want the stored « suivi »", got)
	}
	if got := read(`SELECT commentaire FROM evenements WHERE id_evenement = 'E1'`); !strings.Contains(got, "motivée") {
		t.Errorf("commentaire, absent from the header: %q, want the stored one", got)
	}
	if got := read(lieu); got != "" {
		t.Errorf("code_lieu, present and empty: %q, want NULL", got)
	}
	for _, f := range res.Files {
		if f.Table != "evenements" {
			continue
		}
		if !slices.Equal(f.AbsentColumns, []string{"contexte", "commentaire"}) || !slices.Equal(f.UnknownColumns, []string{"context"}) {
			t.Errorf("absent %v, unknown %v; want [contexte commentaire] and [context]", f.AbsentColumns, f.UnknownColumns)
		}
	}
}

// Native dates as other tools write them: a Parquet date written as a
// timestamp at midnight (pandas), a month written as the first of the month,
// an Excel month typed « 2026-01 » (a date cell) are the dates and months
// they show; a timestamp with a time in a date column is refused there.
func TestNativeDatesOfParquetAndExcel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"dispositifs.csv": ""})
	if _, err := w.DB.Exec(`COPY (SELECT * FROM (VALUES
		('P1', 'D1', 'pacea', 'clos', TIMESTAMP '2022-02-01 00:00:00', TIMESTAMPTZ '2026-11-15 00:00:00+01', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-16 09:30:00', 'U1', 'CERFA-001'),
		('C1', 'D1', 'cej', 'en_cours', TIMESTAMP '2026-11-16 09:30:00', NULL, NULL, NULL, 'U1', NULL))
		AS v(id_dispositif, id_dossier, code_dispositif, etat, date_entree, date_sortie, motif_sortie, date_saisie_sortie, id_prescripteur, numero_cerfa))
		TO ` + warehouse.Literal(filepath.Join(dir, "dispositifs.parquet")) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	writeSheet(t, filepath.Join(dir, "allocations.xlsx"), [][]any{
		{"id_allocation", "id_dispositif", "mois", "montant", "statut", "date_demande"},
		{"A1", "P1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 300, "validee", time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)},
		{"A2", "P1", "2026-02", 300, "validee", "03/03/2026"},
	}, func(f *excelize.File, sh string) error {
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm")})
		if err != nil {
			return err
		}
		return f.SetCellStyle(sh, "C2", "C2", style)
	})
	res, err := recorded(t, ctx, w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := w.DB.QueryRow(`SELECT string_agg(id_dispositif || ' ' || date_entree || ' ' || coalesce(date_sortie::VARCHAR, '-'), ', ' ORDER BY id_dispositif) FROM dispositifs`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "P1 2022-02-01 2026-11-15" {
		t.Errorf("dispositifs from Parquet timestamps: %q, want P1 with its dates, C1 refused", got)
	}
	var reason string
	if err := w.DB.QueryRow(`SELECT reason FROM quarantine WHERE run_id = ? AND column_name = 'date_entree'`, res.RunID).Scan(&reason); err != nil || !strings.Contains(reason, "date invalide") {
		t.Errorf("a timestamp with a time in date_entree: %q %v, want « date invalide »", reason, err)
	}
	if err := w.DB.QueryRow(`SELECT string_agg(id_allocation || ' ' || mois, ', ' ORDER BY id_allocation) FROM allocations`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "A1 2026-01, A2 2026-02" {
		t.Errorf("allocations from Excel: %q, want A1 2026-01 (a date cell) and A2 2026-02 (text)", got)
	}
}

func ptr[T any](v T) *T { return &v }

// An amount with more than two decimals is quarantined, not rounded: in
// « 12.345 » the point may be a thousands separator (twelve thousand).
func TestAmountWithThreeDecimalsIsQuarantined(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"allocations.csv": "id_allocation;id_dispositif;mois;montant;statut;date_demande\n" +
		"A1;P1;2026-01;12.345;validee;03/02/2026\n" +
		"A2;P1;2026-02;12,34;validee;03/03/2026\n"})
	res, err := recorded(t, context.Background(), w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	var reason string
	if err := w.DB.QueryRow(`SELECT reason FROM quarantine WHERE run_id = ? AND column_name = 'montant'`, res.RunID).Scan(&reason); err != nil || !strings.Contains(reason, "deux décimales au plus") {
		t.Errorf("montant 12.345: quarantine %q %v, want it refused", reason, err)
	}
	var got string
	if err := w.DB.QueryRow(`SELECT string_agg(id_allocation || ' ' || montant, ', ') FROM allocations`).Scan(&got); err != nil || got != "A2 12.34" {
		t.Errorf("allocations loaded: %q %v, want only A2 12.34", got, err)
	}
}
