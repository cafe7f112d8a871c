package data

import (
	"errors"
	"testing"
)

func TestScopeCheck(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		scope Scope
		asked string
		bind  any
		err   error
	}{
		{"zero scope reads nothing", Scope{}, "", nil, ErrNoScope},
		{"zero scope asking a structure", Scope{}, "ML-16001", nil, ErrNoScope},
		{"structure alone", StructureScope("ML-16001"), "", "ML-16001", nil},
		{"structure asking itself", StructureScope("ML-16001"), "ML-16001", "ML-16001", nil},
		{"structure asking another", StructureScope("ML-16001"), "ML-17002", nil, ErrForbidden},
		{"region", RegionScope(), "", nil, nil},
		{"region asking one", RegionScope(), "ML-17002", nil, nil},
	} {
		bind, err := c.scope.check(c.asked)
		if !errors.Is(err, c.err) || bind != c.bind {
			t.Errorf("%s: bind %v err %v, want %v %v", c.name, bind, err, c.bind, c.err)
		}
	}
	var bad *BadParamError
	if _, err := RegionScope().check("ML'; DROP"); !errors.As(err, &bad) {
		t.Errorf("malformed code: %v", err)
	}
	if err := StructureScope("ML-16001").checkRegion(); !errors.Is(err, ErrRegionOnly) {
		t.Errorf("structure on a regional page: %v", err)
	}
	if err := (Scope{}).checkRegion(); !errors.Is(err, ErrNoScope) {
		t.Errorf("zero scope on a regional page: %v", err)
	}
}

func TestFilterValidate(t *testing.T) {
	t.Parallel()
	for _, f := range []Filter{{Gravite: "grave"}, {Suivi: "ancien"}, {Sort: "nom; DROP"}, {Limit: MaxLimit + 1}, {Offset: -1},
		{Rule: "PCJ-01'"}, {Lieu: "a b"}, {Dossier: "../x"}} {
		var bad *BadParamError
		if err := f.Validate(); !errors.As(err, &bad) {
			t.Errorf("%+v: %v", f, err)
		}
	}
	f := Filter{}
	if err := f.Validate(); err != nil || f.Limit != 50 || f.Sort != "gravite" {
		t.Errorf("defaults: %+v %v", f, err)
	}
}
