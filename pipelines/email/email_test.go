package email

import "testing"

func TestBare(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"claire.martin@ml16.fr":           true,
		"":                                false,
		"claire@":                         false,
		"a@b@c.fr":                        false,
		"Claire Martin <claire@ml16.fr>":  false,
		"<claire@ml16.fr>":                false,
		"claire@ml16.fr, paul@ml16.fr":    false,
		"claire@ml16.fr\nBcc: x@evil.org": false,
		"claire\t@ml16.fr":                false,
		"claire @ml16.fr":                 false,
	} {
		if got := Bare(s); got != want {
			t.Errorf("Bare(%q) = %v, want %v", s, got, want)
		}
	}
}
