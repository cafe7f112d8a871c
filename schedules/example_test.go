package schedules_test

import (
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
)

// The Monday control moves to Tuesday when Monday is a public holiday.
func ExampleJob_Next() {
	defs, _ := schedules.LoadDefinitions("") // the shipped defaults
	weekly := defs.Job("weekly_control")
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, warehouse.Paris)
	for i := 0; i < 3; i++ {
		in := weekly.Next(from)
		fmt.Print(in.At.Format("Mon 2006-01-02 15:04 MST"))
		if in.Holiday != "" {
			fmt.Printf(" (moved from %s: %s)", in.Moved.Format("Mon 01-02"), in.Holiday)
		}
		fmt.Println()
		from = in.At
	}
	// Output:
	// Tue 2026-04-07 07:00 CEST (moved from Mon 04-06: Lundi de Pâques)
	// Mon 2026-04-13 07:00 CEST
	// Mon 2026-04-20 07:00 CEST
}

// A job at 02:30 runs once on the spring-forward day (when the gap ends) and
// once on the fall-back day (at the first 02:30).
func ExampleSpec_Next() {
	spec, _ := schedules.ParseSpec("30 2 * * *")
	for _, day := range []time.Time{
		time.Date(2026, 3, 29, 0, 0, 0, 0, warehouse.Paris),
		time.Date(2026, 10, 25, 0, 0, 0, 0, warehouse.Paris),
	} {
		first := spec.Next(day)
		second := spec.Next(first)
		fmt.Println(first.Format("2006-01-02 15:04 MST"), "then", second.Format("2006-01-02 15:04 MST"))
	}
	// Output:
	// 2026-03-29 03:00 CEST then 2026-03-30 02:30 CEST
	// 2026-10-25 02:30 CEST then 2026-10-26 02:30 CET
}

// The shipped schedule for a week.
func ExampleDefinitions_Upcoming() {
	defs, _ := schedules.LoadDefinitions("")
	from := time.Date(2026, 5, 24, 12, 0, 0, 0, warehouse.Paris) // Sunday before Whit Monday
	for _, in := range defs.Upcoming(from, 2) {
		if in.Job == "weekly_control" || in.Job == "monthly_report" {
			fmt.Println(in.Job, in.At.Format("Mon 2006-01-02 15:04"))
		}
	}
	// Output:
	// weekly_control Tue 2026-05-26 07:00
	// weekly_control Mon 2026-06-01 07:00
	// monthly_report Mon 2026-06-01 07:00
	// monthly_report Wed 2026-07-01 07:00
}
