package ingest

import (
	"regexp"
	"testing"
)

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

// TestContactColumnsAreIdentity: a column whose name says it holds a
// person's email, phone, address, birth date, NIR or first name is declared
// Identity, so that it is never printed and never reaches the lake (a
// director's email address is a person's as much as a young person's is).
func TestContactColumnsAreIdentity(t *testing.T) {
	t.Parallel()
	personal := regexp.MustCompile(`email|telephone|adresse|naissance|^nir$|prenom`)
	checked := 0
	for _, tb := range Tables {
		for _, c := range tb.Columns {
			if !personal.MatchString(c.Name) || c.Kind == Bool { // a flag about an address is no address
				continue
			}
			checked++
			if !c.Identity {
				t.Errorf("%s.%s holds a person's contact or identity and is not declared Identity", tb.Name, c.Name)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d columns matched: the pattern no longer finds the identity columns", checked)
	}
}
