package accounts

import (
	"errors"
	"testing"
)

// An analysis's title heads its subscribers' emails: it is one line, without
// control characters; the description may go to the line, nothing else.
func TestAnalysisInputControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		titre, description string
		ok                 bool
		want               string // the description as saved
	}{
		{"Jeunes par site", "Première ligne.\r\nSeconde ligne.\nTroisième.", true, "Première ligne.\nSeconde ligne.\nTroisième."},
		{"  Jeunes par site  ", "", true, ""}, // trimmed, as before
		{"Suivi\n\nIMPORTANT : http://evil.example", "", false, ""},
		{"Suivi\rIMPORTANT", "", false, ""},
		{"Suivi\tmensuel", "", false, ""},
		{"Suivi\u0085mensuel", "", false, ""}, // NEL, a C1 control
		{"Suivi\u2028mensuel", "", false, ""}, // LINE SEPARATOR
		{"Suivi\x00", "", false, ""},
		{"Suivi", "Colonne\tvaleur", false, ""},
		{"Suivi", "Une ligne\rpuis une autre", false, ""}, // a lone CR
		{"Suivi", "Efface\x1b[2J", false, ""},
	} {
		in := AnalysisInput{Titre: tc.titre, Description: tc.description, SQL: "SELECT 1", Affichage: DisplayTable}
		err := in.Validate()
		var inv *InvalidError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%q / %q refused: %v", tc.titre, tc.description, err)
		case tc.ok && in.Description != tc.want:
			t.Errorf("%q: description saved as %q, want %q", tc.titre, in.Description, tc.want)
		case !tc.ok && !errors.As(err, &inv):
			t.Errorf("%q / %q: %v, want a refusal", tc.titre, tc.description, err)
		}
	}
}
