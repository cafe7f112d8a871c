package schedules

import (
	"fmt"
	"testing"
	"time"
)

func local(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSpecDST(t *testing.T) {
	t.Parallel()
	spec, err := ParseSpec("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		day  string // the DST change day
		want []string
	}{
		// Spring forward: 02:30 does not exist; the run happens once, when the gap ends.
		{"2026-03-29", []string{"2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"2027-03-28", []string{"2027-03-27T02:30:00+01:00", "2027-03-28T03:00:00+02:00", "2027-03-29T02:30:00+02:00"}},
		// Fall back: 02:30 happens twice; the run happens once, at the first.
		{"2026-10-25", []string{"2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"2027-10-31", []string{"2027-10-30T02:30:00+02:00", "2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"}},
	}
	for _, c := range cases {
		t.Run(c.day, func(t *testing.T) {
			from := local(t, c.day+" 12:00").AddDate(0, 0, -2)
			var got []string
			at := from
			for range c.want {
				at = spec.Next(at)
				got = append(got, at.Format(time.RFC3339))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("runs %v\nwant %v", got, c.want)
			}
			// Asking from inside the repeated hour or the gap never gives the
			// day's run again.
			for _, probe := range []time.Duration{90 * time.Minute, 150 * time.Minute} {
				p := local(t, c.day+" 00:00").Add(probe)
				if n := spec.Next(p); n.Format(time.DateOnly) == c.day && !n.After(p) {
					t.Errorf("Next(%v) = %v, not after", p, n)
				}
			}
			// Exactly one run on the change day.
			day := local(t, c.day+" 00:00")
			n := 0
			for at := day; ; {
				at = spec.Next(at)
				if at.In(paris).Format(time.DateOnly) != c.day {
					break
				}
				n++
			}
			if n != 1 {
				t.Errorf("%d runs on %s, want 1", n, c.day)
			}
		})
	}
}

func TestSpecDSTEveryQuarter(t *testing.T) {
	t.Parallel()
	// An every-15-minutes job runs 4 times in a repeated hour? No: once per
	// wall-clock time, so 24*4 - 4 runs on fall-back day... every wall-clock
	// reading once: 96 on the fall-back day, 92 on the spring-forward day
	// (02:00-02:45 collapse into one run at 03:00, which is also 03:00's own).
	spec, err := ParseSpec("*/15 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]int{"2026-03-29": 92, "2026-10-25": 96, "2027-03-28": 92, "2027-10-31": 96, "2026-06-01": 96} {
		start := local(t, day+" 00:00").Add(-time.Second)
		n := 0
		seen := map[string]bool{}
		for at := spec.Next(start); at.In(paris).Format(time.DateOnly) == day; at = spec.Next(at) {
			n++
			w := at.In(paris).Format("15:04")
			if seen[w] {
				t.Errorf("%s: wall-clock %s twice", day, w)
			}
			seen[w] = true
		}
		if n != want {
			t.Errorf("%s: %d runs, want %d", day, n, want)
		}
	}
}

func TestWeeklyControlHolidayMoves(t *testing.T) {
	t.Parallel()
	defs, err := LoadDefinitions("")
	if err != nil {
		t.Fatal(err)
	}
	j := defs.Job("weekly_control")
	cases := []struct{ from, want, moved string }{
		{"2026-04-01 00:00", "2026-04-07 07:00", "2026-04-06 07:00"}, // Easter Monday
		{"2026-04-06 08:00", "2026-04-07 07:00", "2026-04-06 07:00"}, // asked on the holiday itself
		{"2026-04-07 07:00", "2026-04-13 07:00", ""},
		{"2026-05-20 00:00", "2026-05-26 07:00", "2026-05-25 07:00"}, // Whit Monday
		{"2027-03-25 00:00", "2027-03-30 07:00", "2027-03-29 07:00"},
		{"2027-05-12 00:00", "2027-05-18 07:00", "2027-05-17 07:00"},
		{"2026-11-23 06:00", "2026-11-23 07:00", ""},
	}
	for _, c := range cases {
		in := j.Next(local(t, c.from))
		if got := in.At.In(paris).Format("2006-01-02 15:04"); got != c.want {
			t.Errorf("Next(%s) = %s, want %s", c.from, got, c.want)
		}
		moved := ""
		if !in.Moved.IsZero() {
			moved = in.Moved.In(paris).Format("2006-01-02 15:04")
		}
		if moved != c.moved {
			t.Errorf("Next(%s) moved from %q, want %q", c.from, moved, c.moved)
		}
	}
	// Daily jobs do not move.
	if got := defs.Job("daily_ingest").Next(local(t, "2026-04-06 00:00")).At; !got.Equal(local(t, "2026-04-06 06:00")) {
		t.Errorf("daily_ingest on Easter Monday = %v", got)
	}
}

func TestParseDefinitionsErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"jobs:\n  - name: x\n    cron: \"61 * * * *\"\n    steps: [ingest]\n":                    "tâche x : cron \"61 * * * *\" : expression invalide",
		"jobs:\n  - name: x\n    cron: \"0 7 * * 1\"\n    steps: [nope]\n":                       `étape "nope" inconnue`,
		"jobs:\n  - name: X-1\n    cron: \"0 7 * * 1\"\n    steps: [ingest]\n":                   `name = "X-1"`,
		"jobs:\n  - name: x\n    cron: \"0 7 * * 1\"\n    steps: [ingest]\n    when: 1\n":        "ligne 5 : clé « when » inconnue",
		"jobs:\n  - name: x\n    cron: \"CRON_TZ=UTC 0 7 * * 1\"\n    steps: [ingest]\n":         "retirez le fuseau horaire",
		"jobs:\n  - name: x\n    cron: \"0 7 * * 1\"\n    holidays: skip\n    steps: [ingest]\n": `holidays = "skip"`,
	}
	for in, want := range cases {
		_, err := ParseDefinitions("s.yaml", []byte(in))
		if err == nil || !contains(err.Error(), want) {
			t.Errorf("ParseDefinitions(%q) = %v, want error containing %q", in, err, want)
		}
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// A run moved to the end of the spring-forward gap says so (vigie schedule
// list explains it); no other run does.
func TestInstantGap(t *testing.T) {
	t.Parallel()
	defs, err := ParseDefinitions("t.yaml", []byte("jobs:\n  - name: night\n    cron: \"30 2 * * *\"\n    steps: [transfers]\n  - name: three\n    cron: \"0 3 * * *\"\n    steps: [transfers]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range defs.Upcoming(local(t, "2026-03-28 12:00"), 2) {
		got = append(got, fmt.Sprintf("%s %s %v", in.Job, in.At.In(paris).Format("01-02 15:04"), in.Gap))
	}
	want := "[night 03-29 03:00 true three 03-29 03:00 false night 03-30 02:30 false three 03-30 03:00 false]"
	if fmt.Sprint(got) != want {
		t.Errorf("%v\nwant %s", got, want)
	}
	if in := defs.Job("night").Next(local(t, "2026-10-24 12:00")); in.Gap {
		t.Errorf("fall-back run marked as a gap: %+v", in)
	}
}
