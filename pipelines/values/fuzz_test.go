package values

import (
	"testing"
	"time"
)

// The fuzzers check properties that hold for every input: no panic, and a
// value that parses prints back to a form that parses to the same value.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"15/01/2024", "2024-01-15", "29/02/2024", "31/02/2024", "1/1/0001", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		for _, layout := range []string{"02/01/2006", time.DateOnly} {
			back, err := ParseDate(d.Format(layout))
			if err != nil || !back.Equal(d) {
				t.Fatalf("%q → %v → %q → %v, %v", s, d, d.Format(layout), back, err)
			}
		}
	})
}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"15/01/2024 10:30", "2024-01-15T10:30:05", "2024-01-15 23:59:59.123456", "2024-01-15 24:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDateTime(s)
		if err != nil {
			return
		}
		back, err := ParseDateTime(d.Format("2006-01-02 15:04:05.000000"))
		if err != nil || !back.Equal(d) {
			t.Fatalf("%q → %v → %v, %v", s, d, back, err)
		}
		if _, err := ParseDate(s); err == nil {
			t.Fatalf("%q parses both as a date and as a date-time", s)
		}
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"561,68", "-0.005", "9999999999.99", "12", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseDecimal(s)
		if err != nil {
			return
		}
		if c >= 1e12 || c <= -1e12 {
			t.Fatalf("%q → %d out of DECIMAL(12,2)", s, c)
		}
		neg := ""
		if c < 0 {
			neg, c = "-", -c
		}
		text := neg + itoa(c/100) + "," + pad2(c%100)
		back, err := ParseDecimal(text)
		if neg != "" {
			back = -back
		}
		if err != nil || back != c {
			t.Fatalf("%q → %s → %d, %v", s, text, back, err)
		}
	})
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

func pad2(v int64) string { return string([]byte{byte('0' + v/10), byte('0' + v%10)}) }
