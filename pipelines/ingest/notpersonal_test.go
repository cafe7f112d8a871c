package ingest

import "testing"

func TestNotPersonal(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"31/02/2024": true, "2026-11-23 10:00": true, "42": true, "12,50": true, "ML-16001": true, "en_cours": true, "D123": true, "": true,
		"Martin": false, "Jean-Pierre": false, "zoe@example.org": false, "12 rue des Lilas": false, "0612345678": false,
		"06 12 34 56 78": false, "269054958815780": false, "Léa": false, "lea martin": false,
	} {
		if got := NotPersonal(v); got != want {
			t.Errorf("NotPersonal(%q) = %v, want %v", v, got, want)
		}
	}
}
