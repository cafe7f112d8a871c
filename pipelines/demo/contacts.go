package demo

import "sort"

// Appointments and events: the first reception, appointments up to the last
// physical meeting (each one attended gives an individual interview), calls,
// messages and workshops in between, and appointments in the coming two
// weeks for the young people followed now.

type natureWeight struct {
	code     string
	weight   int
	physical bool
}

var extraNatures = []natureWeight{
	{"telephone", 28, false}, {"sms", 15, false}, {"email", 12, false}, {"atelier", 12, true},
	{"information_collective", 6, true}, {"entretien_individuel", 12, true}, {"courrier", 5, false},
	{"visite", 5, false}, {"autre", 5, false},
}

func (g *gen) nature() natureWeight {
	x := g.r.IntN(100)
	for _, n := range extraNatures {
		if x < n.weight {
			return n
		}
		x -= n.weight
	}
	return extraNatures[0]
}

func (g *gen) counsellorOf(d *dossier) string {
	if d.referent != nil && d.referent.etat == "actif" {
		return d.referent.id
	}
	if len(d.s.counsellors) == 0 {
		return ""
	}
	return pick(g, d.s.counsellors).id
}

func (g *gen) siteOf(d *dossier) lieu {
	if g.chance(0.8) {
		return d.lieu
	}
	return pick(g, d.s.activeLieux())
}

func (g *gen) contacts(d *dossier) {
	D := g.asOf
	I, L := d.inscription, d.last
	// The first reception.
	g.event(d, I, g.officeMinute(), "entretien_individuel", "Premier accueil", true)
	span := int(L - I)
	if span > 0 {
		n := 1 + g.r.IntN(1+span/75)
		if n > 14 {
			n = 14
		}
		days := make([]int, n)
		for i := range days {
			days[i] = int(max(I, workdayBefore(I+1+day(g.r.IntN(span)))))
		}
		days[n-1] = int(L)
		sort.Ints(days)
		for i, dd := range days {
			statut := "present"
			if i < n-1 {
				switch x := g.r.IntN(100); {
				case g.hit(aRDV01, 0.02): // outcome never entered
					statut = pick(g, []string{"prevu", "prevu", "non_precise"})
				case x < 13:
					statut = "absent"
				case x < 21:
					statut = "annule"
				case x < 28:
					statut = "reporte"
				}
			}
			g.appointment(d, day(dd), statut)
		}
	}
	if d.rdv03 {
		g.appointment(d, workdayBefore(D-day(g.between(16, 27))), "absent")
		g.appointment(d, workdayBefore(D-day(g.between(2, 15))), "absent")
	}
	if d.active {
		for k := 0; k < 2 && g.chance(0.6-0.45*float64(k)); k++ {
			g.appointment(d, workdayAfter(D+day(g.between(0, 13))), "prevu")
		}
	}
	// Calls, messages, workshops.
	for n := g.r.IntN(2 + span/30); n > 0; n-- {
		nw := g.nature()
		hi := L
		if !nw.physical {
			hi = min(D-1, L+45)
		}
		dd := g.dayBetween(I, max(I, hi))
		if nw.physical {
			dd = max(I, workdayBefore(dd))
		}
		g.event(d, dd, g.officeMinute(), nw.code, pick(g, contextes), g.chance(0.5))
	}
}

// appointment writes an appointment with its outcome; an attended one also
// gives an individual interview.
func (g *gen) appointment(d *dossier, dd day, statut string) {
	g.seq.rdv++
	minute := g.officeMinute()
	counsellor := g.counsellorOf(d)
	site := g.siteOf(d)
	w := g.out.rendezVous
	w.id("R", g.seq.rdv, 8)
	w.str(d.id)
	w.dateTime(dd, minute, 0, isoSeconds)
	w.str(counsellor)
	w.str(site.code)
	if dd == d.inscription {
		w.str("Premier rendez-vous")
	} else {
		w.str(pick(g, objetsRdv))
	}
	g.code(w, statut, 0.5)
	if statut == "absent" && !g.hit(aRDV02, 0.15) {
		w.str(pick(g, motifsAbsence))
	} else {
		w.empty()
	}
	created, cmin := min(dd-day(g.between(1, 21)), g.asOf-1), g.officeMinute() // never after the extraction
	if created < d.inscription {
		created = d.inscription
	}
	if created >= dd { // booked on the day, before it
		created, cmin = dd, max(0, minute-60)
	}
	w.dateTime(created, cmin, g.r.IntN(60), isoT)
	w.end()
	if statut == "present" {
		g.eventAt(d, dd, minute, "entretien_individuel", pick(g, contextes), g.chance(0.6), counsellor, site.code, true)
	}
}

// event writes an event of the dossier's counsellor at its site.
func (g *gen) event(d *dossier, dd day, minute int, nature, contexte string, comment bool) {
	lieu := ""
	if nature == "entretien_individuel" || nature == "atelier" || nature == "information_collective" {
		lieu = g.siteOf(d).code
	}
	g.eventAt(d, dd, minute, nature, contexte, comment, g.counsellorOf(d), lieu, g.chance(0.5))
}

func (g *gen) eventAt(d *dossier, dd day, minute int, nature, contexte string, comment bool, user, lieu string, withTime bool) {
	g.seq.evt++
	w := g.out.evenements
	w.id("E", g.seq.evt, 9)
	w.str(d.id)
	if withTime {
		w.dateTime(dd, minute, 0, frMinutes)
	} else {
		w.date(dd, frDate)
	}
	g.code(w, nature, 0.5)
	w.str(user)
	w.str(lieu)
	w.str(contexte)
	if comment {
		w.str(pick(g, commentaires))
	} else {
		w.empty()
	}
	w.end()
}
