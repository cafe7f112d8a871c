package schedules

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	yamlUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)
	yamlCannot       = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+) (.*) into (\S+)$`)
)

// yamlError explains, in French, why the YAML file name could not be read:
// the line, the key or the value, and what to do; example names a file
// showing the expected keys.
func yamlError(name, example string, err error) error {
	var ve *valueError
	if errors.As(err, &ve) {
		return fmt.Errorf("%s : %w", name, err)
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s : YAML illisible, vérifiez l'indentation et les deux-points à la ligne indiquée : %w", name, err)
	}
	lines := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		switch m := yamlUnknownField.FindStringSubmatch(e); {
		case m != nil:
			lines = append(lines, fmt.Sprintf("ligne %s : clé « %s » inconnue (faute de frappe ? les clés possibles sont dans %s)", m[1], m[2], example))
		default:
			if m := yamlCannot.FindStringSubmatch(e); m != nil {
				lines = append(lines, fmt.Sprintf("ligne %s : la valeur %s n'a pas le type attendu (%s)", m[1], m[3], frenchType(m[4])))
			} else {
				lines = append(lines, e)
			}
		}
	}
	return fmt.Errorf("%s : %s", name, strings.Join(lines, "\n"))
}

func frenchType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "une liste"
	case goType == "int":
		return "un nombre entier"
	case goType == "bool":
		return "true ou false"
	case goType == "string":
		return "un texte"
	case strings.HasPrefix(goType, "map["):
		return "des paires clé: valeur"
	default:
		return "des paires clé: valeur (" + goType + ")"
	}
}

// explained is an error whose message is a French explanation of cause,
// which it wraps (errors.Is keeps working) without repeating its text.
type explained struct {
	msg   string
	cause error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.cause }

// valueError is a value the YAML reads well but vigie refuses, with its line.
type valueError struct {
	line  int
	value string
	err   error
}

func (e *valueError) Error() string {
	return fmt.Sprintf("ligne %d : %q : %v", e.line, e.value, e.err)
}

func (e *valueError) Unwrap() error { return e.err }
