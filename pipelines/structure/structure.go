// Package structure holds the one check of a structure code (a Mission
// Locale's code_structure), made before a code becomes part of a path, a file
// name or an audience.
package structure

import (
	"fmt"
	"regexp"
)

var codeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Valid tells whether code is a well-formed structure code: letters, digits,
// '-' and '_' only, 32 characters at most (extract-format.md), so that it can
// name a folder and the files in it.
func Valid(code string) bool { return codeRe.MatchString(code) }

// Check returns an error naming code when it is not a well-formed structure
// code.
func Check(code string) error {
	if !Valid(code) {
		return fmt.Errorf("code de structure %q invalide : seuls les lettres, les chiffres, - et _ sont admis, 32 caractères au plus", code)
	}
	return nil
}

// Unknown is the error of a well-formed structure code the warehouse does
// not know, for a command asked about that one structure: a typo must not
// read as a structure with nothing to show.
func Unknown(code string) error {
	return fmt.Errorf("structure %s absente de l'entrepôt : vérifiez le code (vigie query \"SELECT code_structure, nom FROM structures\")", code)
}
