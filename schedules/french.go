package schedules

import (
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/french"
)

// frenchDate writes t as « lundi 6 avril 2026 à 07:00 » (Europe/Paris).
func frenchDate(t time.Time) string {
	l := t.In(paris)
	return fmt.Sprintf("%s %d %s %d à %s", french.Weekday(l.Weekday()), l.Day(), french.Month(l.Month()), l.Year(), l.Format("15:04"))
}

// FrenchDate is frenchDate, for the cmd layer.
func FrenchDate(t time.Time) string { return frenchDate(t) }

func frenchDuration(d time.Duration) string {
	for _, u := range []struct {
		unit      time.Duration
		one, many string
	}{
		{24 * time.Hour, "jour", "jours"}, {time.Hour, "heure", "heures"}, {time.Minute, "minute", "minutes"},
		{time.Second, "seconde", "secondes"}, {time.Millisecond, "milliseconde", "millisecondes"},
	} {
		if d >= u.unit && d%u.unit == 0 {
			return french.Count(int64(d/u.unit), u.one, u.many)
		}
	}
	return d.String()
}

func frenchJob(j *Job) string {
	if j.Description != "" {
		return j.Description
	}
	return j.Name
}

func subject(j *Job, at time.Time) string {
	t := j.Title
	if t == "" {
		t = j.Name
	}
	return "vigie : " + t + " — " + frenchDate(at)
}
