package schedules

import (
	"fmt"
	"time"
)

var frenchWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frenchDate writes t as « lundi 6 avril 2026 à 07:00 » (Europe/Paris).
func frenchDate(t time.Time) string {
	l := t.In(paris)
	return fmt.Sprintf("%s %d %s %d à %s", frenchWeekdays[l.Weekday()], l.Day(), frenchMonths[l.Month()-1], l.Year(), l.Format("15:04"))
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
