// Package values parses the cell values of the extract format
// (extract-format.md, "Files and values"): dates, date-times, decimals,
// booleans, codes and lists. It is the Go twin of sql/ingest/macros.sql;
// a differential test in pipelines/ingest checks that both agree.
package values

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("invalid value")

var (
	dateRe     = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$|^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$`)
	dateTimeRe = regexp.MustCompile(`^(.+?)[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?$`)
	decimalRe  = regexp.MustCompile(`^[-+]?[0-9]+([.,][0-9]{1,2})?$`)
)

// ParseDate reads dd/mm/yyyy or yyyy-mm-dd. Surrounding spaces are ignored.
func ParseDate(s string) (time.Time, error) {
	m := dateRe.FindStringSubmatch(trim(s))
	if m == nil {
		return time.Time{}, ErrSyntax
	}
	var ys, ms, ds string
	if m[1] != "" {
		ds, ms, ys = m[1], m[2], m[3]
	} else {
		ys, ms, ds = m[4], m[5], m[6]
	}
	y, _ := strconv.Atoi(ys)
	mo, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	return validDate(y, mo, d)
}

func validDate(y, mo, d int) (time.Time, error) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, ErrSyntax
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, ErrSyntax // 31/02 and the like
	}
	return t, nil
}

// ParseDateTime reads a date followed by a local time hh:mm[:ss[.ffffff]],
// separated by a space or T. The result is a naive time (UTC location)
// meaning Europe/Paris local time.
func ParseDateTime(s string) (time.Time, error) {
	m := dateTimeRe.FindStringSubmatch(trim(s))
	if m == nil {
		return time.Time{}, ErrSyntax
	}
	d, err := ParseDate(m[1])
	if err != nil || trim(m[1]) != m[1] {
		return time.Time{}, ErrSyntax
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	sec := 0
	if m[4] != "" {
		sec, _ = strconv.Atoi(m[4])
	}
	nsec := 0
	if m[5] != "" {
		frac := m[5] + strings.Repeat("0", 9-len(m[5]))
		nsec, _ = strconv.Atoi(frac)
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, ErrSyntax
	}
	return d.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second + time.Duration(nsec)), nil
}

// ParseDateOrTime reads a date-time, or a date meaning midnight.
func ParseDateOrTime(s string) (time.Time, error) {
	if t, err := ParseDateTime(s); err == nil {
		return t, nil
	}
	return ParseDate(s)
}

// ParseDecimal reads 1234,56 or 1234.56 (two decimals at most: « 12.345 »
// is refused, not rounded, for it may be twelve thousand written with a
// thousands separator) and returns the amount in cents.
func ParseDecimal(s string) (int64, error) {
	s = trim(s)
	if !decimalRe.MatchString(s) {
		return 0, ErrSyntax
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	intPart, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 10 {
		return 0, ErrSyntax // DECIMAL(12,2) holds 10 integer digits
	}
	var cents int64
	if intPart != "" {
		v, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil {
			return 0, ErrSyntax
		}
		cents = v * 100
	}
	frac += "00"
	c, _ := strconv.ParseInt(frac[:2], 10, 64)
	cents += c
	if cents >= 1e12 {
		return 0, ErrSyntax
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// ParseBool reads oui/non, o/n, vrai/faux, true/false, 1/0 in any case.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(trim(s)) {
	case "oui", "o", "vrai", "true", "1":
		return true, nil
	case "non", "n", "faux", "false", "0":
		return false, nil
	}
	return false, ErrSyntax
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// StripAccents removes the diacritics of s (é → e, ç → c).
func StripAccents(s string) string {
	out, _, err := transform.String(stripMarks, s)
	if err != nil {
		return s
	}
	return out
}

// NormalizeCode turns a code as typed into its canonical form: lower case,
// accents removed, spaces and dashes turned into _ ("Réorientation autre
// dispositif" → "reorientation_autre_dispositif").
func NormalizeCode(s string) string {
	s = strings.ToLower(StripAccents(trim(s)))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// SplitList splits a |-separated list, trimming each value and dropping
// empty ones.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = trim(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// trim removes the spaces around a value, as the SQL macros' trim() does:
// DuckDB's trim removes the Unicode space separators (category Zs: U+0020,
// the no-break space U+00A0, U+2000 to U+200A, U+3000 …) and nothing else,
// not even a tab, so that both grammars agree on every input.
func trim(s string) string { return strings.TrimFunc(s, isSpace) }

func isSpace(r rune) bool { return unicode.Is(unicode.Zs, r) }
