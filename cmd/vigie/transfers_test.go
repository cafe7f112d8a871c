package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTransfersCommand(t *testing.T) {
	path := fixtureWarehouse(t, "transfers")
	for _, at := range []string{"2026-11-23", "23/11/2026 04:00", "tomorrow"} {
		if code, _, _ := runLF(t, "--warehouse", path, "transfers", "run", "--at", at); code != 2 {
			t.Errorf("--at %q: exit %d, want 2", at, code)
		}
	}
	code, out, errs := runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-23 03:59", "--format", "csv")
	if code != 0 || out != "id_transfert,statut,raison,lignes_modifiees\nT2,en_attente,,0\nT1,en_attente,,0\nT3,en_attente,,0\n" {
		t.Errorf("03:59: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-23 04:00", "--dry-run", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "id_transfert,statut,raison,lignes_modifiees\nT2,refuse,") || !strings.Contains(out, "\nT1,execute,,2\nT3,en_attente,,0\n") {
		t.Errorf("dry run: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-23 04:00", "--format", "csv")
	if code != 0 || !strings.Contains(out, "\nT1,execute,,2\nT3,en_attente,,0\n") {
		t.Errorf("04:00: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "1 exécuté (2 lignes modifiées), 1 refusé, 1 en attente ; 1 élément source supprimable") ||
		!strings.Contains(errs, "ML-16001 — utilisateur U1, transfert T1") {
		t.Errorf("summary on stderr:\n%s", errs)
	}
	code, out, _ = runLF(t, "--warehouse", path, "query", "--format", "csv",
		"SELECT string_agg(row_id || ':' || old_value || '>' || new_value, ' ' ORDER BY row_id) AS j FROM transfer_journal")
	if code != 0 || out != "j\nD1:U1>U2 D2:U1>U2\n" {
		t.Errorf("journal: %s", out)
	}
	// Executed and refused requests are final.
	code, out, _ = runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-24 04:00", "--format", "csv")
	if code != 0 || out != "id_transfert,statut,raison,lignes_modifiees\nT3,execute,,0\n" {
		t.Errorf("next night: %s", out)
	}
}

// TestTransfersWithIngestion runs the batch between two loads of the same
// extraction: the second load, stale, keeps the destination and counts it;
// the transfer is executed once; a request carrying SQL is refused.
func TestTransfersWithIngestion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	dir := filepath.Join("..", "..", "testdata", "transfers", "extraction")
	if code, _, errs := runLF(t, "--warehouse", path, "ingest", dir); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	code, out, errs := runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-23 04:00", "--format", "csv")
	recs := readCSV(t, out)
	if code != 0 || len(recs) != 3 || strings.Join(recs[1], ",") != "T1,execute,,2" || recs[2][0] != "T2" || recs[2][1] != "refuse" ||
		!strings.Contains(recs[2][2], "dossiers.nom_usage") || !strings.Contains(recs[2][2], "n'est pas autorisée") {
		t.Fatalf("first run: exit %d\n%s%s", code, out, errs)
	}
	referents := func() string {
		t.Helper()
		code, out, errs := runLF(t, "--warehouse", path, "query", "--format", "csv",
			"SELECT string_agg(id_dossier || ':' || id_conseiller_referent, ' ' ORDER BY id_dossier) AS r FROM dossiers")
		if code != 0 {
			t.Fatalf("query: exit %d: %s", code, errs)
		}
		return out
	}
	if got := referents(); got != "r\nD1:U2 D2:U2 D3:U2\n" {
		t.Errorf("after the run: %s", got)
	}

	// The same extraction again: it still shows U1 for D1 and D2.
	if code, _, errs := runLF(t, "--warehouse", path, "ingest", dir); code != 0 {
		t.Fatalf("second ingest: exit %d: %s", code, errs)
	}
	if got := referents(); got != "r\nD1:U2 D2:U2 D3:U2\n" {
		t.Errorf("a stale extraction undid the transfer: %s", got)
	}
	code, out, _ = runLF(t, "--warehouse", path, "query", "--format", "csv",
		"SELECT rows_transfer_kept FROM run_files WHERE table_name = 'dossiers' ORDER BY run_id")
	if code != 0 || out != "rows_transfer_kept\n0\n2\n" {
		t.Errorf("rows kept by the second ingestion: %s", out)
	}
	code, out, _ = runLF(t, "--warehouse", path, "transfers", "run", "--at", "2026-11-24 04:00", "--format", "csv")
	if code != 0 || out != "id_transfert,statut,raison,lignes_modifiees\n" {
		t.Errorf("run after the reload: %s", out)
	}
	code, out, _ = runLF(t, "--warehouse", path, "query", "--format", "csv",
		"SELECT (SELECT count(*) FROM transfer_journal) AS journal, (SELECT count(*) FROM transfer_status) AS statuts, (SELECT count(*) FROM dossiers) AS dossiers")
	if code != 0 || out != "journal,statuts,dossiers\n2,2,3\n" {
		t.Errorf("journal and statuses: %s", out)
	}
	code, out, _ = runLF(t, "--warehouse", path, "runs", "--format", "csv")
	recs = readCSV(t, out)
	var cmds []string
	for _, r := range recs[1:] {
		cmds = append(cmds, r[1]+":"+r[7])
	}
	if code != 0 || strings.Join(cmds, ",") != "transfers run:done,ingest:done,transfers run:done,ingest:done" {
		t.Errorf("run history: %v", cmds)
	}
}
