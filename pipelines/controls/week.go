package controls

import "time"

// WeekBefore returns the Monday and the Sunday of the ISO week just before
// the week that contains d (rules.md, Conventions), as dates.
func WeekBefore(d time.Time) (monday, sunday time.Time) {
	d = Day(d)
	back := (int(d.Weekday()) + 6) % 7 // days since Monday
	monday = d.AddDate(0, 0, -back-7)
	return monday, monday.AddDate(0, 0, 6)
}
