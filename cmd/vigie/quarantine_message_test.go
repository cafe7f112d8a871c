package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A misplaced value is printed in the quarantine messages only when it
// cannot be personal: an email in npai, an address in a date column and a
// name in statut are masked; a bad date and a bad code are shown.
func TestQuarantineMessagesMaskPersonalValues(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	dossiers := "id_dossier;code_structure;civilite;prenom;nom_usage;date_naissance;statut;npai;code_lieu_rattachement;date_inscription\n" +
		"D1;ML-16001;mme;Léa;Martin;29/02/2004;complet;zoe.kwyjibo@example.org;L-16-1;15/01/2022\n" +
		"D2;ML-16001;m;François;Lefèvre;2005-07-14;partiel;non;L-16-2;12 rue des Frangipaniers\n" +
		"D3;ML-33002;m;Noël;Garçon;01/01/2003;Barnabulle;;L-33-1;01/09/2021\n" +
		"D4;ML-33002;m;Paul;Durand;01/01/2003;partiel;non;L-33-1;31/02/2024\n" +
		"D5;ML-33002;zz_9;Marc;Petit;01/01/2003;partiel;non;L-33-1;01/09/2021\n"
	dir := copyExtraction(t, map[string]string{"dossiers.csv": dossiers, "dispositifs.csv": "", "evenements.csv": ""})
	code, _, errs := runVigie(t, "--warehouse", wh, "ingest", "--max-reject-ratio", "0.99", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, line := range []string{"dossiers.csv:2", "dossiers.csv:3", "dossiers.csv:4", "dossiers.csv:5", "dossiers.csv:6"} {
		if !strings.Contains(errs, line) {
			t.Errorf("no message for %s:\n%s", line, errs)
		}
	}
	for _, personal := range []string{"zoe.kwyjibo", "Frangipaniers", "Barnabulle"} {
		if strings.Contains(errs, personal) {
			t.Errorf("standard error prints %q:\n%s", personal, errs)
		}
	}
	if n := strings.Count(errs, "valeur masquée"); n < 3 {
		t.Errorf("%d values masked, want 3:\n%s", n, errs)
	}
	// Positive control: what cannot be personal is shown, so the check above
	// is not passing on an output that prints no value at all.
	for _, shown := range []string{`"31/02/2024"`, `"zz_9"`} {
		if !strings.Contains(errs, shown) {
			t.Errorf("standard error does not show %s:\n%s", shown, errs)
		}
	}
	// The quarantine table keeps the values for the analyst (not archived).
	if got := queryCSV(t, wh, "SELECT count(*) FROM quarantine WHERE value = 'zoe.kwyjibo@example.org'")[1][0]; got != "1" {
		t.Errorf("the quarantine does not keep the misplaced email for the analyst: %s", got)
	}
}
