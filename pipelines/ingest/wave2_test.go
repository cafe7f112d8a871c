package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// j2Files returns the files of testdata/ingest/j2 (zones_couverture and the
// four J2 tables) as edits of the basic extraction, with more edits on top.
func j2Files(t *testing.T, more map[string]string) map[string]string {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "ingest", "j2")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	edits := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		edits[e.Name()] = string(b)
	}
	for k, v := range more {
		edits[k] = v
	}
	return edits
}

func TestIngestJ2TablesAndCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, j2Files(t, nil))
	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if res.Quarantined != 0 {
		t.Fatalf("quarantined %d rows of a clean extraction: %+v", res.Quarantined, res.Samples)
	}
	for table, want := range map[string]int64{"zones_couverture": 4, "j2_entrepreneurs": 3, "j2_parcours": 3, "j2_actions": 3, "j2_participations": 3} {
		if got := count(t, w, `SELECT count(*) FROM `+warehouse.MustIdent(table)); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	// the same commune under two structures is loaded
	if got := count(t, w, `SELECT count(*) FROM zones_couverture WHERE commune_insee = '16102'`); got != 2 {
		t.Errorf("commune 16102 under %d structures, want 2", got)
	}
	// codes normalised, dates and date-times parsed
	var statut, presence, prestation, debut string
	if err := w.DB.QueryRow(`SELECT e.statut_rgpd, x.presence, p.prestation, strftime(a.date_debut, '%Y-%m-%d %H:%M')
		FROM j2_entrepreneurs e JOIN j2_participations x USING (id_entrepreneur) JOIN j2_parcours p USING (id_entrepreneur)
		JOIN j2_actions a ON a.id_action = x.id_action WHERE e.id_entrepreneur = 'E1'`).Scan(&statut, &presence, &prestation, &debut); err != nil {
		t.Fatal(err)
	}
	if statut != "accord_numerique" || presence != "prevue" || prestation != "activ_crea" || debut != "2026-11-24 09:30" {
		t.Errorf("E1 read as %q %q %q %q", statut, presence, prestation, debut)
	}
	if got := count(t, w, `SELECT count(*) FROM j2_parcours WHERE prestation = 'activ_crea'`); got != 2 {
		t.Errorf("%d activ_crea parcours, want 2 (Activ-Créa normalised)", got)
	}
	// a second load of the same extraction changes nothing
	first := snapshot(t, w)
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if second := snapshot(t, w); second != first {
		t.Errorf("loading the same extraction twice changed the warehouse:\n%s\nvs\n%s", first, second)
	}
}

func TestIngestCoverageDuplicatePairQuarantined(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	zones := "code_structure;commune_insee\n" +
		"ML-16001;16015\n" + // 2: the pair twice: both quarantined
		"ML-33002;16015\n" + // 3: the same commune under another structure: loaded
		"ML-16001;16015\n" + // 4
		"ML-16001;16102\n" + // 5
		"ML-99999;16102\n" + // 6: unknown structure
		"ML-16001;\n" // 7: commune missing
	dir := extraction(t, j2Files(t, map[string]string{"zones_couverture.csv": zones}))
	res, err := recorded(t, ctx, w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	f := fileResult(t, res, "zones_couverture")
	if f.Read != 6 || f.Loaded != 2 || f.Quarantined != 4 {
		t.Fatalf("zones_couverture: read %d loaded %d quarantined %d, want 6/2/4", f.Read, f.Loaded, f.Quarantined)
	}
	for line, reason := range map[int64]string{2: "clé en double", 4: "clé en double", 6: "référence inconnue", 7: "obligatoire"} {
		var got string
		if err := w.DB.QueryRow(`SELECT reason FROM quarantine WHERE run_id = ? AND table_name = 'zones_couverture' AND line = ?`,
			res.RunID, line).Scan(&got); err != nil || !strings.Contains(got, reason) {
			t.Errorf("line %d: reason %q (%v), want …%s…", line, got, err, reason)
		}
	}
	var pairs string
	if err := w.DB.QueryRow(`SELECT string_agg(code_structure || ':' || commune_insee, ' ' ORDER BY code_structure, commune_insee) FROM zones_couverture`).Scan(&pairs); err != nil {
		t.Fatal(err)
	}
	if pairs != "ML-16001:16102 ML-33002:16015" {
		t.Errorf("coverage loaded: %q", pairs)
	}
	// a pair loaded earlier is replaced, not doubled, by a later extraction
	dir2 := extraction(t, j2Files(t, map[string]string{"zones_couverture.csv": "code_structure;commune_insee\nML-16001;16102\nML-16001;16015\n"}))
	if _, err := recorded(t, ctx, w, dir2, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, w, `SELECT count(*) FROM zones_couverture`); got != 3 {
		t.Errorf("%d coverage rows after the second load, want 3", got)
	}
}

func TestIngestJ2BadRowsAndAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	// Windows-1252 entrepreneurs, a bad code, a bad date, an unknown reference
	ents := "id_entrepreneur;code_structure;civilite;prenom;nom;date_naissance;email;telephone;accepte_contact_email;accepte_contact_sms;statut_rgpd\n" +
		"E1;ML-16001;Mme;Hélène;Nom1;12/05/1990;;;oui;non;accord_papier\n" +
		"E2;ML-16001;m;Prénom2;Nom2;31/02/1985;;;;;\n" + // 3: bad birth date (masked: identity)
		"E3;ML-16001;m;Prénom3;Nom3;;;;;;peut-être\n" // 4: unknown code
	cp, err := charmap.Windows1252.NewEncoder().String(ents)
	if err != nil {
		t.Fatal(err)
	}
	parts := "id_participation;id_action;id_entrepreneur;id_parcours;presence\n" +
		"X1;A1;E1;P1;prevue\n" +
		"X2;A9;E1;;prevue\n" // 3: unknown action
	dir := extraction(t, j2Files(t, map[string]string{"j2_entrepreneurs.csv": cp, "j2_participations.csv": parts}))
	res, err := recorded(t, ctx, w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if f := fileResult(t, res, "j2_entrepreneurs"); f.Encoding != "windows-1252" || f.Loaded != 1 || f.Quarantined != 2 {
		t.Errorf("j2_entrepreneurs: %+v", f)
	}
	var prenom string
	if err := w.DB.QueryRow(`SELECT prenom FROM j2_entrepreneurs WHERE id_entrepreneur = 'E1'`).Scan(&prenom); err != nil || prenom != "Hélène" {
		t.Errorf("prenom %q (%v), want Hélène", prenom, err)
	}
	// rows referencing quarantined parents follow them
	for _, s := range res.Samples {
		if s.Column == "date_naissance" && (s.Value != "" || !s.Masked) {
			t.Errorf("a birth date shown in the summary: %+v", s)
		}
	}
	if got := count(t, w, `SELECT count(*) FROM quarantine WHERE run_id = ? AND table_name = 'j2_participations' AND reason LIKE 'référence inconnue%'`, res.RunID); got != 1 {
		t.Errorf("%d participations quarantined for an unknown reference, want 1", got)
	}

	// Above the reject ratio, nothing of the extraction is loaded.
	w2 := warehousetest.Open(t)
	base := extraction(t, nil)
	if _, err := recorded(t, ctx, w2, base, Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w2)
	_, err = recorded(t, ctx, w2, dir, Options{})
	var refused *warehouse.RefusedError
	if !errors.As(err, &refused) || !errors.Is(err, ErrRefused) {
		t.Fatalf("above the ratio: err = %v, want a refusal", err)
	}
	if after := snapshot(t, w2); after != before {
		t.Errorf("a refused J2 extraction changed the warehouse")
	}
}

func TestIngestNiveauFormation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	lines := strings.Split(strings.TrimRight(basicFile(t, "dossiers.csv"), "\n"), "\n")
	lines[0] += ";niveau_formation"
	lines[1] += ";Infra-3"
	lines[2] += ";4"
	lines[3] += ";9" // unknown level
	dir := extraction(t, map[string]string{"dossiers.csv": strings.Join(lines, "\n") + "\n"})
	res, err := recorded(t, ctx, w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	var got string
	if err := w.DB.QueryRow(`SELECT string_agg(id_dossier || '=' || niveau_formation, ' ' ORDER BY id_dossier) FROM dossiers`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "D1=infra_3 D2=4" {
		t.Errorf("niveau_formation loaded: %q", got)
	}
	var col, reason string
	if err := w.DB.QueryRow(`SELECT column_name, reason FROM quarantine WHERE run_id = ? AND table_name = 'dossiers'`, res.RunID).Scan(&col, &reason); err != nil {
		t.Fatal(err)
	}
	if col != "niveau_formation" || !strings.Contains(reason, "code inconnu") {
		t.Errorf("quarantined %s: %s", col, reason)
	}
}

func TestIngestRecordsJustifiedIdentityChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	orig := basicFile(t, "dossiers.csv")
	// D1's identity is justified: its first name in capitals without the
	// accent is the same name; D2 (not justified) changes its birth date.
	caseOnly := strings.Replace(orig, "D1;ML-16001;mme;Léa;", "D1;ML-16001;mme; LEA ;", 1)
	caseOnly = strings.Replace(caseOnly, "2005-07-14", "2005-07-15", 1)
	if _, err := recorded(t, ctx, w, extraction(t, map[string]string{"dossiers.csv": caseOnly}), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, w, `SELECT count(*) FROM identity_changes`); got != 0 {
		t.Fatalf("%d identity changes recorded for a change of case and accents only", got)
	}
	birth := strings.Replace(caseOnly, "29/02/2004", "28/02/2004", 1)
	dir := extraction(t, map[string]string{"dossiers.csv": birth})
	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.IdentityChanges != 1 {
		t.Errorf("IdentityChanges = %d, want 1", res.IdentityChanges)
	}
	var id, cols string
	if err := w.DB.QueryRow(`SELECT id_dossier, array_to_string(colonnes, ',') FROM identity_changes WHERE run_id = ?`, res.RunID).Scan(&id, &cols); err != nil {
		t.Fatal(err)
	}
	if id != "D1" || cols != "date_naissance" {
		t.Errorf("recorded %s %s, want D1 date_naissance", id, cols)
	}
	// the extraction is loaded as it is
	if got := count(t, w, `SELECT count(*) FROM dossiers WHERE id_dossier = 'D1' AND date_naissance = DATE '2004-02-28'`); got != 1 {
		t.Error("the changed birth date was not loaded")
	}
	// the same extraction again: nothing new
	if _, err := recorded(t, ctx, w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, w, `SELECT count(*) FROM identity_changes`); got != 1 {
		t.Errorf("%d identity changes after a second ingest of the same extraction, want 1", got)
	}
}

// TestIngestJ2Formats loads the J2 tables from a workbook (real Excel
// date-times), a Parquet file (native dates) and a gzipped CSV.
func TestIngestJ2Formats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, j2Files(t, nil))
	for _, f := range []string{"j2_actions.csv", "j2_parcours.csv", "zones_couverture.csv"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	// j2_actions.xlsx: an Excel date-time cell, a date cell, a text date-time
	writeSheet(t, filepath.Join(dir, "j2_actions.xlsx"), [][]any{
		{"id_action", "code_structure", "intitule", "type_action", "date_debut", "date_fin", "lieu", "id_intervenant"},
		{"A1", "ML-16001", "Atelier", "Collective", time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC), nil, "Antenne Nord", "I1"},
		{"A2", "ML-16001", "Entretien", "individuelle", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), nil, nil, nil},
		{"A3", "ML-33002", "Absence", "absence", "20/11/2026 23:30", nil, nil, nil},
	}, nil)
	_, err := w.DB.Exec(`COPY (SELECT * FROM (VALUES
		('P1', 'E1', 'activ_crea', DATE '2026-09-01', DATE '2026-11-30', 'a_poursuivi', NULL::DATE, NULL::DATE),
		('P2', 'E2', 'activ_crea', DATE '2026-08-15', NULL, 'n_a_pas_poursuivi', NULL, DATE '2026-09-01'),
		('P3', 'E3', 'autre', DATE '2026-10-01', NULL, NULL, NULL, NULL))
		AS v(id_parcours, id_entrepreneur, prestation, date_debut, date_fin_theorique, resultat_entretien_initial, date_entretien_final, date_abandon))
		TO ` + warehouse.Literal(filepath.Join(dir, "j2_parcours.parquet")) + ` (FORMAT parquet)`)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte("code_structure,commune_insee\r\nML-16001,16015\r\nML-33002,16015\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zones_couverture.csv.gz"), gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := recorded(t, ctx, w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if res.Quarantined != 0 {
		t.Fatalf("quarantined: %+v", res.Samples)
	}
	var got string
	if err := w.DB.QueryRow(`SELECT string_agg(id_action || '=' || type_action || '@' || strftime(date_debut, '%Y-%m-%d %H:%M'), ' ' ORDER BY id_action)
		FROM j2_actions`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "A1=collective@2026-11-24 09:30 A2=individuelle@2026-11-23 00:00 A3=absence@2026-11-20 23:30" {
		t.Errorf("actions: %s", got)
	}
	if n := count(t, w, `SELECT count(*) FROM j2_parcours WHERE date_debut = DATE '2026-09-01' AND date_fin_theorique = DATE '2026-11-30'`); n != 1 {
		t.Errorf("parquet dates: %d", n)
	}
	if n := count(t, w, `SELECT count(*) FROM zones_couverture WHERE commune_insee = '16015'`); n != 2 {
		t.Errorf("gzipped coverage: %d rows for 16015", n)
	}
}

// D1's justified birth name « Dupré », then empty, then « Durand » is a
// change, though each step alone is none (an empty value is unknown; the
// other three justified columns are required, so only nom_naissance can be
// emptied); the same name back after the empty one is none, and so is a
// value never known before. The emptied value is kept as a SHA-256 only.
func TestIdentityChangeAcrossAnEmptyValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	orig := basicFile(t, "dossiers.csv")
	const d1 = "D1;ML-16001;mme;Léa;Martin;;"
	if !strings.Contains(orig, d1) {
		t.Fatal("the fixture's D1 line was not found")
	}
	step := func(nomNaissance string) int64 {
		t.Helper()
		csv := strings.Replace(orig, d1, "D1;ML-16001;mme;Léa;Martin;"+nomNaissance+";", 1)
		res, err := recorded(t, ctx, w, extraction(t, map[string]string{"dossiers.csv": csv}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.IdentityChanges
	}
	if n := step("Dupré"); n != 0 {
		t.Errorf("a birth name never known before: %d changes, want 0", n)
	}
	if n := step(""); n != 0 {
		t.Errorf("emptying the birth name: %d changes, want 0", n)
	}
	var kept string
	if err := w.DB.QueryRow(`SELECT colonne || ' ' || empreinte FROM identity_blanked WHERE id_dossier = 'D1'`).Scan(&kept); err != nil {
		t.Fatalf("the emptied birth name was not kept: %v", err)
	}
	if !strings.HasPrefix(kept, "nom_naissance ") || strings.Contains(strings.ToLower(kept), "dupr") || len(kept) != len("nom_naissance ")+64 {
		t.Errorf("identity_blanked holds %q, want the column and a SHA-256", kept)
	}
	if n := step(" DUPRE "); n != 0 {
		t.Errorf("the same birth name back: %d changes, want 0", n)
	}
	if got := count(t, w, `SELECT count(*) FROM identity_blanked`); got != 0 {
		t.Errorf("%d emptied values kept once the birth name is back, want 0", got)
	}
	step("")
	if n := step("Durand"); n != 1 {
		t.Errorf("another birth name after an empty one: %d changes, want 1", n)
	}
	var cols string
	if err := w.DB.QueryRow(`SELECT array_to_string(colonnes, ',') FROM identity_changes ORDER BY run_id DESC LIMIT 1`).Scan(&cols); err != nil || cols != "nom_naissance" {
		t.Errorf("recorded %q (%v), want nom_naissance", cols, err)
	}
}
