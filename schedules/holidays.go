package schedules

import "time"

// Easter returns Easter Sunday of year (Gregorian calendar), by the
// Anonymous Gregorian algorithm (Meeus/Jones/Butcher). The result is a date
// at midnight UTC.
func Easter(year int) time.Time {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Holidays returns the French public holidays of year (metropolitan list,
// without the Alsace-Moselle extras), keyed by date at midnight UTC, with
// their French names.
func Holidays(year int) map[time.Time]string {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	easter := Easter(year)
	return map[time.Time]string{
		d(time.January, 1):       "Jour de l'an",
		easter.AddDate(0, 0, 1):  "Lundi de Pâques",
		d(time.May, 1):           "Fête du travail",
		d(time.May, 8):           "Victoire 1945",
		easter.AddDate(0, 0, 39): "Ascension",
		easter.AddDate(0, 0, 50): "Lundi de Pentecôte",
		d(time.July, 14):         "Fête nationale",
		d(time.August, 15):       "Assomption",
		d(time.November, 1):      "Toussaint",
		d(time.November, 11):     "Armistice 1918",
		d(time.December, 25):     "Noël",
	}
}

// HolidayName returns the name of the public holiday falling on the local
// date of t in Europe/Paris, or "" when that day is not a holiday.
func HolidayName(t time.Time) string {
	y, m, d := t.In(paris).Date()
	return Holidays(y)[time.Date(y, m, d, 0, 0, 0, 0, time.UTC)]
}

// IsWorkingDay tells whether the local date of t (Europe/Paris) is a working
// day: Monday to Friday and not a public holiday.
func IsWorkingDay(t time.Time) bool {
	wd := t.In(paris).Weekday()
	return wd != time.Saturday && wd != time.Sunday && HolidayName(t) == ""
}

// NextWorkingDay returns t itself when its local date is a working day,
// otherwise the same wall-clock time on the next working day.
func NextWorkingDay(t time.Time) time.Time {
	t = t.In(paris)
	for i := 0; i < 14 && !IsWorkingDay(t); i++ {
		y, m, d := t.Date()
		t = wallToInstant(time.Date(y, m, d+1, t.Hour(), t.Minute(), t.Second(), 0, time.UTC))
	}
	return t
}
