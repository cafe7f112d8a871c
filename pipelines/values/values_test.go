package values

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" = invalid
	}{
		{"15/01/2024", "2024-01-15"},
		{"2024-01-15", "2024-01-15"},
		{" 1/2/2024 ", "2024-02-01"},
		{"29/02/2024", "2024-02-29"},
		{"29/02/2023", ""},
		{"31/04/2024", ""},
		{"2024-13-01", ""},
		{"15-01-2024", ""},
		{"24-01-15", ""},
		{"15/01/24", ""},
		{"2024-01-15 10:00", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want error", tt.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"15/01/2024 10:30", "2024-01-15 10:30:00"},
		{"15/01/2024 10:30:05", "2024-01-15 10:30:05"},
		{"2024-01-15 23:59", "2024-01-15 23:59:00"},
		{"2024-01-15T08:05:09", "2024-01-15 08:05:09"},
		{"2024-03-31 02:30", "2024-03-31 02:30:00"}, // a DST gap is kept as written: local, naive
		{"2024-01-15 24:00", ""},
		{"2024-01-15 10:60", ""},
		{"2024-01-15", ""},
		{"2024-01-15T", ""},
		{"15/01/2024  10:30", ""},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDateTime(%q) = %v, want error", tt.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.DateTime) != tt.want {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"561,68", 56168, true},
		{"561.68", 56168, true},
		{"300", 30000, true},
		{"-12,5", -1250, true},
		{"0,5", 50, true},
		{"0,005", 0, false},
		{"12,345", 0, false}, // twelve thousand with a separator, or a typo: not rounded to 12,35
		{"12.3456", 0, false},
		{"1 000", 0, false},
		{"1.000,50", 0, false},
		{"12,", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"oui", "OUI", "O", "vrai", "True", "1"} {
		if v, err := ParseBool(s); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v; want true", s, v, err)
		}
	}
	for _, s := range []string{"non", "N", "FAUX", "false", "0"} {
		if v, err := ParseBool(s); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v; want false", s, v, err)
		}
	}
	for _, s := range []string{"", "yes", "2", "ouais"} {
		if _, err := ParseBool(s); err == nil {
			t.Errorf("ParseBool(%q) accepted", s)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Réorientation autre dispositif": "reorientation_autre_dispositif",
		"reorientation_autre_dispositif": "reorientation_autre_dispositif",
		" Entretien individuel ":         "entretien_individuel",
		"Non-précisé":                    "non_precise",
		"Désabonné":                      "desabonne",
	}
	for in, want := range tests {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitList(t *testing.T) {
	t.Parallel()
	got := SplitList(" direction | conseiller_referent||")
	if len(got) != 2 || got[0] != "direction" || got[1] != "conseiller_referent" {
		t.Fatalf("SplitList = %q", got)
	}
}
