// Package french holds the French names vigie writes dates with: the one
// list of weekday and month names.
package french

import "time"

var weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Weekday returns the French name of d, in lower case (« lundi »).
func Weekday(d time.Weekday) string { return weekdays[d] }

// Month returns the French name of m, in lower case (« février »).
func Month(m time.Month) string { return months[m-1] }
