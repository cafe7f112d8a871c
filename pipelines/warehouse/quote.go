package warehouse

import (
	"fmt"
	"regexp"
	"strings"
)

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Ident quotes an SQL identifier. It is the one way vigie splices a name into
// SQL; callers pass names from a fixed allow-list (the schema), and Ident
// refuses anything that is not a plain lower-case identifier as a second
// guard.
func Ident(name string) (string, error) {
	if !identRe.MatchString(name) {
		return "", fmt.Errorf("refused identifier %q", name)
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`, nil
}

// MustIdent is Ident for names that are constants of the program.
func MustIdent(name string) string {
	q, err := Ident(name)
	if err != nil {
		panic(err)
	}
	return q
}

// Literal quotes a string as an SQL literal, for the few places DuckDB takes
// no parameter (file paths of read_csv in a CREATE ... AS, option values).
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
