package reports

import "time"

// sinceLabel says which controls run the « nouveaux / résolus » compare with,
// by date: the reference run of the period before.
func sinceLabel(compared time.Time) string {
	if compared.IsZero() {
		return "(aucun contrôle de référence antérieur)"
	}
	return "depuis le contrôle de référence du " + frDate(compared)
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
