package schedules

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	t.Parallel()
	// domain-facts.md, plus two published dates outside 2025-2027.
	for year, want := range map[int]string{2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2019: "2019-04-21", 2038: "2038-04-25"} {
		if got := Easter(year).Format(time.DateOnly); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
}

func TestHolidays(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	cases := []struct {
		date, name string
	}{
		{"2025-01-01", "Jour de l'an"},
		{"2025-04-21", "Lundi de Pâques"},
		{"2025-05-29", "Ascension"},
		{"2025-06-09", "Lundi de Pentecôte"},
		{"2026-04-06", "Lundi de Pâques"},
		{"2026-05-14", "Ascension"},
		{"2026-05-25", "Lundi de Pentecôte"},
		{"2026-07-14", "Fête nationale"},
		{"2027-03-29", "Lundi de Pâques"},
		{"2027-05-06", "Ascension"},
		{"2027-05-17", "Lundi de Pentecôte"},
		{"2027-11-11", "Armistice 1918"},
		{"2026-04-05", ""}, // Easter Sunday is no public holiday of its own
		{"2026-04-07", ""},
		{"2027-05-18", ""},
	}
	for _, c := range cases {
		if got := HolidayName(day(c.date)); got != c.name {
			t.Errorf("HolidayName(%s) = %q, want %q", c.date, got, c.name)
		}
	}
	// The Mondays among the holidays. domain-facts.md lists the Easter-based
	// ones; in 2027 All Saints' Day (1 November) is a Monday too.
	for year, want := range map[int][]string{2026: {"2026-04-06", "2026-05-25"}, 2027: {"2027-03-29", "2027-05-17", "2027-11-01"}} {
		var got []string
		for d := range Holidays(year) {
			if d.Weekday() == time.Monday {
				got = append(got, d.Format(time.DateOnly))
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d: Monday holidays %v, want %v", year, got, want)
			continue
		}
		for _, w := range want {
			if HolidayName(day(w)) == "" {
				t.Errorf("%s should be a holiday", w)
			}
		}
	}
	if IsWorkingDay(day("2026-04-06")) || IsWorkingDay(day("2026-04-04")) || !IsWorkingDay(day("2026-04-07")) {
		t.Error("IsWorkingDay wrong around Easter 2026")
	}
}
