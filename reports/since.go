package reports

import "time"

// sinceLabel is the short label of the « nouveaux / résolus » figures: since
// the date of the reference run they compare with.
func sinceLabel(compared time.Time) string {
	if compared.IsZero() {
		return "(sans référence)"
	}
	return "depuis le " + frDate(compared)
}

// comparedSentence says in full which run the « nouveaux / résolus » compare
// with, by date.
func comparedSentence(compared time.Time) string {
	if compared.IsZero() {
		return "Nouveaux et résolus : aucun contrôle de référence antérieur, tous les constats sont comptés nouveaux."
	}
	return "Nouveaux et résolus comparés au contrôle de référence du " + frDate(compared) + "."
}

// regionCompared is the latest reference date the structures compare with.
func regionCompared(r *RegionReport) time.Time {
	var latest time.Time
	for _, s := range r.Structures {
		if s.ComparedAsOf.After(latest) {
			latest = s.ComparedAsOf
		}
	}
	return latest
}
