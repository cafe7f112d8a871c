package main

import (
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
	if !strings.Contains(errs, "1 exécutés (2 lignes modifiées), 1 refusés, 1 en attente ; 1 éléments sources supprimables") ||
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
