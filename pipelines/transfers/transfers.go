// Package transfers runs the nightly transfer batch of rules.md (TRF): every
// due request not yet final is checked, then refused with a French reason or
// executed in its own transaction, every changed row journaled; afterwards
// the source elements nothing live references any more are listed as
// deletable (the batch itself never deletes them).
package transfers

import (
	"strings"
	"time"
)

// Statuses of a request, as printed and stored in transfer_status.statut
// (en_attente is never stored: it is not final).
const (
	StatusExecuted = "execute"
	StatusRefused  = "refuse"
	StatusPending  = "en_attente"
)

// Kinds of deletable source element.
const (
	ElementUser  = "utilisateur"
	ElementLieu  = "lieu"
	ElementValue = "valeur"
)

// scope says how a target table's rows belong to a structure.
type scope int

const (
	scopeDossiers   scope = iota // dossiers itself: code_structure, archived ones excepted
	scopeStructure               // a table with code_structure (partenaires, offres_service)
	scopeViaDossier              // a table whose rows belong to a dossier (id_dossier)
)

// target is one column a transfer may change. The names are constants of
// this allow-list: they are the only identifiers that reach SQL, through
// warehouse.Ident.
type target struct {
	table, column, key string
	scope              scope
	element            string // what the source is, for the deletable list
}

// byType is the column each kind of transfer changes; reference takes its
// column from references.
var byType = map[string]target{
	"conseiller_referent": {"dossiers", "id_conseiller_referent", "id_dossier", scopeDossiers, ElementUser},
	"lieu_rattachement":   {"dossiers", "code_lieu_rattachement", "id_dossier", scopeDossiers, ElementLieu},
	"referent_partenaire": {"partenaires", "id_conseiller_referent", "id_partenaire", scopeStructure, ElementUser},
	"referent_offre":      {"offres_service", "id_referent", "id_offre", scopeStructure, ElementUser},
}

// references is the allow-list of table_reference for a reference transfer.
var references = map[string]target{
	"evenements.contexte":   {"evenements", "contexte", "id_evenement", scopeViaDossier, ElementValue},
	"rendez_vous.code_lieu": {"rendez_vous", "code_lieu", "id_rdv", scopeViaDossier, ElementLieu},
	"evenements.code_lieu":  {"evenements", "code_lieu", "id_evenement", scopeViaDossier, ElementLieu},
	"situations.organisme":  {"situations", "organisme", "id_situation", scopeViaDossier, ElementValue},
}

// impossible are the kinds rules.md refuses outright.
var impossible = map[string]string{
	"offre_vers_offre":           "le transfert d'une offre vers une autre offre n'est pas possible",
	"dossier_vers_dossier":       "le transfert d'un dossier vers un autre dossier n'est pas possible",
	"partenaire_vers_partenaire": "le transfert d'un partenaire vers un autre partenaire n'est pas possible",
}

// Request is one row of transferts.
type Request struct {
	ID             string
	Structure      string
	Type           string
	TableReference string
	Source         string
	Destination    string
	Selection      []string // empty: every row holding source
	DateDemande    time.Time
	Due            bool
}

// Outcome is one printed line: id_transfert, statut, raison, lignes_modifiees.
type Outcome struct {
	IDTransfert string
	Statut      string
	Raison      string
	Lignes      int64
}

// Deletable is a source element of an executed request that nothing live
// references any more.
type Deletable struct {
	CodeStructure string
	Element       string // utilisateur, lieu or valeur
	Table, Column string // for valeur (and lieu of a reference), the column it was read from
	Value         string
	IDTransfert   string
}

// Options drive a transfer run.
type Options struct {
	At     time.Time // the run's instant N; its Europe/Paris wall-clock time is what counts
	RunID  int64
	DryRun bool // check and count as a run would, then roll everything back
	// afterRequest, when set (tests), is called once each request's
	// transaction committed.
	afterRequest func(Outcome)
	// inRequest, when set (tests), is called inside each request's
	// transaction once the request was processed, before the commit.
	inRequest func(Outcome)
}

// Result is what a run did.
type Result struct {
	RunID     int64 // the run recording it (0 in a dry run)
	Outcomes  []Outcome
	Deletable []Deletable
}

// Count returns how many outcomes have statut s.
func (r *Result) Count(s string) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Statut == s {
			n++
		}
	}
	return n
}

// Lines returns the total of rows changed.
func (r *Result) Lines() int64 {
	var n int64
	for _, o := range r.Outcomes {
		n += o.Lignes
	}
	return n
}

// targetOf returns the column a request changes, or a French refusal reason.
func targetOf(r Request) (target, string) {
	if why, ok := impossible[r.Type]; ok {
		return target{}, why
	}
	if r.Type == "reference" {
		ref := strings.ToLower(strings.TrimSpace(r.TableReference))
		t, ok := references[ref]
		if !ok {
			return target{}, "la table de référence « " + r.TableReference + " » n'est pas autorisée : seules evenements.contexte, rendez_vous.code_lieu, evenements.code_lieu et situations.organisme peuvent être transférées"
		}
		return t, ""
	}
	t, ok := byType[r.Type]
	if !ok {
		return target{}, "type de transfert « " + r.Type + " » inconnu"
	}
	return t, ""
}
