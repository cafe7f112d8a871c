package controls

import (
	"context"
	"testing"
	"time"
)

func TestWeekBefore(t *testing.T) {
	t.Parallel()
	cases := []struct{ d, mon, sun string }{
		{"2026-11-23", "2026-11-16", "2026-11-22"}, // Monday
		{"2026-11-29", "2026-11-16", "2026-11-22"}, // Sunday of the same week
		{"2026-11-30", "2026-11-23", "2026-11-29"},
		{"2027-01-01", "2026-12-21", "2026-12-27"}, // Friday, ISO week 53 of 2026
		{"2026-03-30", "2026-03-23", "2026-03-29"}, // week of the summer-time change
	}
	for _, c := range cases {
		mon, sun := WeekBefore(date(c.d))
		if got := mon.Format(time.DateOnly); got != c.mon {
			t.Errorf("WeekBefore(%s) Monday = %s, want %s", c.d, got, c.mon)
		}
		if got := sun.Format(time.DateOnly); got != c.sun {
			t.Errorf("WeekBefore(%s) Sunday = %s, want %s", c.d, got, c.sun)
		}
	}
	// a local instant late on Sunday in Paris still belongs to that Sunday
	d := time.Date(2026, 11, 29, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	if mon, _ := WeekBefore(d); mon.Format(time.DateOnly) != "2026-11-16" {
		t.Errorf("WeekBefore(Sunday 23:30) Monday = %s", mon.Format(time.DateOnly))
	}
}

func TestWeeklyASP(t *testing.T) {
	t.Parallel()
	w := rulesWarehouse(t)
	ctx := context.Background()
	rows, err := WeeklyASP(ctx, w, date("2026-11-23"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ASPRow{}
	for _, r := range rows {
		got[r.IDDispositif] = r
	}
	for _, id := range []string{"asp_in_exit_monday", "asp_in_exit_sunday", "asp_in_entered_sunday_2330"} {
		if _, ok := got[id]; !ok {
			t.Errorf("%s missing from the ASP list", id)
		}
	}
	for _, id := range []string{"asp_out_exit_previous_sunday", "asp_out_entered_monday_0010", "asp_out_other_motif", "arch_pacea"} {
		if _, ok := got[id]; ok {
			t.Errorf("%s in the ASP list", id)
		}
	}
	r := got["asp_in_exit_monday"]
	if r.DateEntreeCEJ.Format(time.DateOnly) != "2026-11-17" || r.NumeroCerfa != "CERFA-1" || r.CodeStructure != "ML-A" {
		t.Errorf("asp_in_exit_monday row = %+v", r)
	}
	if !got["asp_in_exit_sunday"].DateEntreeCEJ.IsZero() {
		t.Error("a CEJ entry date without a CEJ")
	}
	// a week later: the exits entered on Monday 00:10 and on Wednesday
	later, err := WeeklyASP(ctx, w, date("2026-11-30"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 2 || later[0].IDDispositif != "asp_in_exit_monday" || later[1].IDDispositif != "asp_out_entered_monday_0010" {
		t.Errorf("list of 2026-11-30: %+v", later)
	}
	if other, err := WeeklyASP(ctx, w, date("2026-11-23"), "ML-B"); err != nil || len(other) != 0 {
		t.Errorf("list of ML-B: %d rows, %v", len(other), err)
	}
	if _, err := WeeklyASP(ctx, w, date("2026-11-23"), "../x"); err == nil {
		t.Error("a structure code with a path accepted")
	}
}
