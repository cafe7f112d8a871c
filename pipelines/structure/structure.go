// Package structure holds the one check of a structure code (a Mission
// Locale's code_structure), made before a code becomes part of a path, a file
// name or an audience.
package structure

import (
	"fmt"
	"regexp"
)

var codeRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Valid tells whether code is a well-formed structure code: letters, digits,
// '-' and '_' only, so that it can name a folder.
func Valid(code string) bool { return codeRe.MatchString(code) }

// Check returns an error naming code when it is not a well-formed structure
// code.
func Check(code string) error {
	if !Valid(code) {
		return fmt.Errorf("code de structure %q invalide : seuls les lettres, les chiffres, - et _ sont admis", code)
	}
	return nil
}
