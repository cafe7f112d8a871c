package warehouse

import (
	"strings"
	"testing"
)

// DuckDB's messages a user meets most, as FrenchEngineMessage tells them.
func TestFrenchEngineMessage(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Out of Memory Error: failed to allocate data of size 1.0 GiB (1.7 GiB/1.8 GiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)\n* Disabling insertion-order preservation (SET preserve_insertion_order=false)",
			"mémoire insuffisante : la requête demande plus de mémoire que la limite permise (1.0 GiB de plus) : restreignez-la (WHERE, LIMIT, moins de colonnes)"},
		{"Catalog Error: Table with name dossier does not exist!\nDid you mean \"dossiers\"?",
			"nom inconnu : la table « dossier » n'existe pas\nvouliez-vous dire « dossiers » ?"},
		{"Parser Error: syntax error at or near \"SELEC\"\n\nLINE 1: SELEC 1\n        ^",
			"erreur de syntaxe : près de « SELEC »\n\nligne 1 : SELEC 1\n          ^"},
	} {
		if got := FrenchEngineMessage(c.in); got != c.want {
			t.Errorf("%q\n→ %q\nwant %q", c.in, got, c.want)
		}
		if got := FrenchEngineMessage(c.in); strings.Contains(got, "Possible solutions") {
			t.Errorf("%q keeps DuckDB's advice in English", got)
		}
	}
}
