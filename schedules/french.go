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
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 jour"
		}
		return fmt.Sprintf("%d jours", n)
	}
	return fmt.Sprintf("%.0f heures", d.Hours())
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
