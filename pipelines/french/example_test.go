package french_test

import (
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/french"
)

func ExampleWeekday() {
	d := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	fmt.Println(french.Weekday(d.Weekday()), d.Day(), french.Month(d.Month()), d.Year())
	// Output: lundi 23 novembre 2026
}
