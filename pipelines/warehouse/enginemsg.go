package warehouse

import (
	"regexp"
	"strings"
)

// engineError is DuckDB's error told in French for the person who typed the
// query: the error's class and its most frequent sentences translated, the
// rest of DuckDB's words kept (a column's name, a type, the excerpt of the
// statement). errors.Is and errors.As still reach DuckDB's error.
type engineError struct {
	msg string
	err error
}

func (e *engineError) Error() string { return e.msg }
func (e *engineError) Unwrap() error { return e.err }

func inFrench(err error) error { return &engineError{msg: FrenchEngineMessage(err.Error()), err: err} }

// engineClasses are DuckDB's error classes ("Parser Error: …"), in French.
var engineClasses = map[string]string{
	"Parser": "erreur de syntaxe", "Catalog": "nom inconnu", "Binder": "nom ou type incorrect",
	"Conversion": "conversion impossible", "Invalid Input": "valeur incorrecte", "Out of Range": "valeur hors limites",
	"Permission": "interdit", "Not implemented": "non pris en charge", "Interrupt": "requête interrompue",
	"Out of Memory": "mémoire insuffisante", "Constraint": "contrainte non respectée", "IO": "erreur de lecture ou d'écriture",
	"Invalid": "opération invalide", "Dependency": "dépendance", "Transaction": "transaction", "Sequence": "séquence",
	"Serialization": "sérialisation", "Internal": "erreur interne du moteur", "Fatal": "erreur grave du moteur",
}

var engineClassRe = regexp.MustCompile(`^([A-Za-z ]+?) Error: `)

// engineSentences are DuckDB's frequent sentences, in French.
var engineSentences = []struct {
	re *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`syntax error at or near "(.*?)"`), "près de « $1 »"},
	{regexp.MustCompile(`syntax error at end of input`), "la requête s'arrête trop tôt"},
	{regexp.MustCompile(`Table with name (\S+) does not exist!`), "la table « $1 » n'existe pas"},
	{regexp.MustCompile(`Table Function with name (\S+) does not exist!`), "la fonction de table « $1 » n'existe pas"},
	{regexp.MustCompile(`Scalar Function with name (\S+) does not exist!`), "la fonction « $1 » n'existe pas"},
	{regexp.MustCompile(`Referenced column "(.*?)" not found in FROM clause!`), "la colonne « $1 » n'est dans aucune table de la requête"},
	{regexp.MustCompile(`Did you mean "(.*?)"\?`), "vouliez-vous dire « $1 » ?"},
	{regexp.MustCompile(`Candidate bindings: `), "colonnes proches : "},
	{regexp.MustCompile(`File system \S+ has been disabled by configuration`), "les fichiers de la machine ne sont pas accessibles : une requête ne lit que les tables de l'entrepôt"},
	{regexp.MustCompile(`Could not convert string '(.*?)' to (\S+)`), "impossible de convertir « $1 » en $2"},
	{regexp.MustCompile(` when casting from source column (\S+)`), " (colonne $1)"},
	{regexp.MustCompile(`(?s)(failed to allocate data|could not allocate block) of size (\S+ \S+).*`),
		"la requête demande plus de mémoire que la limite permise ($2 de plus) : restreignez-la (WHERE, LIMIT, moins de colonnes)"},
}

// FrenchEngineMessage translates a DuckDB error message (see engineError).
func FrenchEngineMessage(msg string) string {
	if m := engineClassRe.FindStringSubmatch(msg); m != nil {
		if fr, ok := engineClasses[m[1]]; ok {
			msg = fr + " : " + msg[len(m[0]):]
		}
	}
	for _, s := range engineSentences {
		msg = s.re.ReplaceAllString(msg, s.fr)
	}
	// The excerpt of the statement: "LINE 1: …" then a caret under the
	// place, which moves right as far as the words grow.
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if m := excerptRe.FindStringSubmatch(l); m != nil {
			fr := "ligne " + m[1] + " :"
			lines[i] = fr + l[len(m[0]):]
			if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "^" {
				lines[i+1] = strings.Repeat(" ", len(fr)-len(m[0])) + lines[i+1]
			}
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

var excerptRe = regexp.MustCompile(`^LINE (\d+):`)
