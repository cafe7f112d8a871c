// Package data is the console's access to the warehouse: every function takes
// the caller's Scope and binds it into the SQL it runs, so that a page that
// forgets a check still cannot read another structure's rows. Handlers never
// build SQL; they pass filters, which are bound as parameters. The findings
// are read once for the region (FindingSet), and their rows reach a caller
// only through methods that take its Scope and cut the set to it first.
package data

import (
	"errors"
	"fmt"
	"regexp"
)

// Scope is what an account may read: one structure, or the whole region.
// The zero Scope reads nothing.
type Scope struct {
	structure string
	region    bool
}

// StructureScope is the scope of a standard or avance account.
func StructureScope(code string) Scope { return Scope{structure: code} }

// RegionScope is the scope of the regional profiles.
func RegionScope() Scope { return Scope{region: true} }

// Region tells whether the scope is the whole region.
func (s Scope) Region() bool { return s.region }

// Structure is the scope's structure ("" for the region).
func (s Scope) Structure() string { return s.structure }

// Errors of the data layer, decided by identity.
var (
	// ErrNoScope: the caller reads no young person's data (admin), or no scope was given.
	ErrNoScope = errors.New("ce profil ne donne pas accès aux données des structures")
	// ErrForbidden: a structure outside the caller's scope was asked for.
	ErrForbidden = errors.New("cette structure est hors de votre périmètre")
	// ErrNotFound: no such object in the caller's scope.
	ErrNotFound = errors.New("objet inconnu")
	// ErrUnknownStructure: a structure code no structure of the warehouse
	// has (a 404, as ErrNotFound).
	ErrUnknownStructure error = unknownStructure{}
	// ErrRegionOnly: a page for the regional profiles.
	ErrRegionOnly = errors.New("réservé aux profils régionaux")
)

// BadParamError is a filter value that is not well formed.
type BadParamError struct{ Param, Value string }

func (e *BadParamError) Error() string {
	return fmt.Sprintf("paramètre %s : valeur %q invalide", e.Param, e.Value)
}

var codeRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// check validates the scope and a structure asked for. It returns the
// structure to bind as the scope (nil for the region).
func (s Scope) check(asked string) (scope any, err error) {
	if !s.region && s.structure == "" {
		return nil, ErrNoScope
	}
	if asked != "" && !codeRe.MatchString(asked) {
		return nil, &BadParamError{Param: "structure", Value: asked}
	}
	if !s.region {
		if asked != "" && asked != s.structure {
			return nil, ErrForbidden
		}
		return s.structure, nil
	}
	return nil, nil
}

// checkRegion refuses a structure-scoped or empty scope.
func (s Scope) checkRegion() error {
	if !s.region {
		if s.structure == "" {
			return ErrNoScope
		}
		return ErrRegionOnly
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type unknownStructure struct{}

func (unknownStructure) Error() string        { return "aucune structure de l'entrepôt n'a ce code" }
func (unknownStructure) Is(target error) bool { return target == ErrNotFound }
