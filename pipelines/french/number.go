package french

import (
	"strconv"
	"strings"
)

// Int writes n with French digit grouping: a narrow no-break space (U+202F)
// between thousands, so that a count never breaks across lines.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Plural returns one when n is singular in French (0 and 1, unlike
// English: « 0 dossier archivé »), many otherwise.
func Plural(n int64, one, many string) string {
	if n > -2 && n < 2 {
		return one
	}
	return many
}

// Count writes n (as Int) followed by the words that agree with it: one or
// many as Plural chooses. Give the whole group that agrees, « dossier
// archivé » / « dossiers archivés ».
func Count(n int64, one, many string) string {
	return Int(n) + " " + Plural(n, one, many)
}
