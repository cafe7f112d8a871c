package console

import (
	"testing"
	"time"
)

// Dates on the pages are Paris's: a subscription taken at 00:30 in Paris
// (23:30 UTC the day before) is of its Paris day, whatever the server's
// zone; a calendar date (midnight UTC) keeps its day.
func TestDateIsParisDay(t *testing.T) {
	t.Parallel()
	date := funcs["date"].(func(time.Time) string)
	for in, want := range map[time.Time]string{
		time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC): "25/11/2026",
		time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC):  "15/07/2026",
		time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC):   "23/11/2026",
	} {
		if got := date(in); got != want {
			t.Errorf("date(%s) = %s, want %s", in, got, want)
		}
	}
}
