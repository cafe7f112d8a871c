package demo

import (
	"strings"
)

// The programmes of a dossier (dispositifs): the diagnostic → PACEA → CEJ
// paths, sponsorships alongside, old programmes of older young people, and
// the mistakes the PAC and PCJ controls look for.

type prog struct {
	id, code, etat, motif, cerfa, prescripteur string
	entree, sortie                             day // sortie is noDay while open
	saisie                                     day
	saisieMin                                  int
}

// end returns the programme's exit, or asOf while it is open.
func (p *prog) end(asOf day) day {
	if p.sortie == noDay {
		return asOf
	}
	return p.sortie
}

func (g *gen) addProg(d *dossier, code string, entree day) *prog {
	g.seq.disp++
	p := &prog{id: "P" + string(appendPadded(nil, g.seq.disp, 8)), code: code, entree: entree, sortie: noDay, saisie: noDay}
	if len(d.s.counsellors) > 0 {
		p.prescripteur = pick(g, d.s.counsellors).id
	}
	d.progs = append(d.progs, p)
	return p
}

// closeProg closes p on exit (before the as-of day) with its motif; the exit
// is entered in the system within a week.
func (g *gen) closeProg(p *prog, exit day, motif string) {
	p.etat, p.sortie, p.motif = "clos", exit, motif
	p.saisie = min(exit+day(g.between(0, 6)), g.asOf-1)
	if p.saisie < exit {
		p.saisie = exit
	}
	p.saisieMin = g.officeMinute() + g.r.IntN(15)
}

// openProg leaves p running at the as-of day.
func (g *gen) openProg(p *prog) {
	p.etat = "en_cours"
	switch {
	case p.entree >= g.asOf-7 && g.chance(0.5):
		p.etat = "initialise"
	case g.chance(0.04):
		p.etat = "suspendu"
	}
}

func (g *gen) lastProgrammeDay(d *dossier) day {
	last := d.inscription
	for _, p := range d.progs {
		last = max(last, p.end(g.asOf))
	}
	return last
}

// programmePath draws the programmes of a dossier followed now, from its
// first weeks on: none, a diagnostic then PACEA (sometimes on to CEJ), a
// diagnostic then CEJ, a diagnostic alone, or a sponsorship.
func (g *gen) programmePath(d *dossier, start day) {
	if start >= g.asOf {
		start = g.asOf - 1
	}
	switch x := g.r.IntN(100); {
	case x < 16: // followed without a programme
	case x < 42:
		g.paceaPath(d, start, false)
	case x < 64:
		g.paceaPath(d, start, true)
	case x < 88:
		if x0, ok := g.diagnostic(d, start, "cej"); ok {
			g.cejFrom(d, x0+day(g.between(0, 20)))
		}
	default:
		g.diagnostic(d, start, pick(g, []string{"orientation_partenaire", "orientation_interne", "abandon", "demenagement"}))
	}
	// Alongside: a sponsorship, a subsidised contract or another scheme.
	if g.chance(0.2) {
		g.sideProgramme(d, "parrainage", start)
	}
	if g.chance(0.08) {
		g.sideProgramme(d, pick(g, []string{"cui", "autre"}), start)
	}
}

// sideProgramme adds a programme of a few months entered after start.
func (g *gen) sideProgramme(d *dossier, code string, start day) {
	entry := start + day(g.between(0, 200))
	if entry >= g.asOf {
		return
	}
	p := g.addProg(d, code, entry)
	if end := entry + day(g.between(90, 360)); end < g.asOf {
		g.closeProg(p, end, "autre")
	} else {
		g.openProg(p)
	}
}

// oldPath draws the closed programmes of a dossier from years ago.
func (g *gen) oldPath(d *dossier) {
	start := d.inscription + day(g.between(0, 30))
	switch x := g.r.IntN(100); {
	case x < 35:
		g.paceaPath(d, start, false)
	case x < 45:
		g.paceaPath(d, start, true)
	case x < 70 && start < mkday(2022, 1, 1):
		p := g.addProg(d, "garantie_jeunes", start+day(g.between(15, 60)))
		g.closeProg(p, p.entree.addMonths(12)-1, pick(g, []string{"autre", "acces_autonomie", "abandon"}))
	}
}

// diagnostic adds a diagnostic approfondi from start, closed with motif
// (usually within the month), and returns its exit; ok is false while it is
// still open.
func (g *gen) diagnostic(d *dossier, start day, motif string) (exit day, ok bool) {
	p := g.addProg(d, "diagnostic_approfondi", start)
	dur := g.between(5, 28)
	if start < g.asOf-200 && g.hit(aPAC02, 0.02) {
		dur = g.between(33, 85)
		if g.chance(0.25) {
			dur = g.between(100, 160) // beyond three months
		}
	}
	exit = start + day(dur)
	if exit >= g.asOf {
		g.openProg(p)
		return noDay, false
	}
	g.closeProg(p, exit, motif)
	return exit, true
}

func (g *gen) cerfa(d *dossier, entry day) string {
	g.seq.cerfa++
	y, _, _ := entry.ymd()
	b := append([]byte(strings.TrimPrefix(d.s.def.code, "ML-")), '-')
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	return string(appendPadded(b, g.seq.cerfa, 6))
}

// paceaPath adds a diagnostic closed with motif pacea, then a PACEA; toCEJ
// continues with a CEJ after a « réorientation autre dispositif ».
func (g *gen) paceaPath(d *dossier, start day, toCEJ bool) {
	D := g.asOf
	var entry day
	if start < D-90 && g.hit(aPAC01, 0.03) {
		entry = start // entered without a diagnostic closed with motif pacea
		if g.chance(0.5) {
			p := g.addProg(d, "diagnostic_approfondi", start)
			g.closeProg(p, start+day(g.between(5, 25)), "orientation_interne")
			entry = p.sortie + day(g.between(0, 20))
		}
	} else {
		x0, ok := g.diagnostic(d, start, "pacea")
		if !ok {
			return
		}
		entry = x0 + day(g.between(0, 25))
		if x0 < D-90 && g.hit(aPAC03, 0.02) {
			entry = x0 + day(g.between(35, 70))
		}
	}
	if entry >= D || ageAt(d.birth, entry) >= 26 {
		return
	}
	p := g.addProg(d, "pacea", entry)
	p.cerfa = g.cerfa(d, entry)
	if toCEJ {
		x1 := entry + day(g.between(30, 300))
		if mon := weekBefore(D); mon > entry+1 && g.hit(aASP, 0.008) {
			x1 = mon + day(g.between(0, 4))
		}
		if x1 < D && ageAt(d.birth, x1+1) < 26 {
			cej := x1 + 1
			switch {
			case x1 > D-400 && g.hit(aPCJ01, 0.02): // PACEA closed on or after the CEJ entry
				cej = max(entry+1, x1-day(g.between(0, 5)))
				g.closeProg(p, x1, "reorientation_autre_dispositif")
			case entry > D-600 && ageAt(d.birth, D) < 26 && g.hit(aPCJ02, 0.01): // PACEA left open
				g.openProg(p)
			default:
				g.closeProg(p, x1, "reorientation_autre_dispositif")
			}
			g.cejFrom(d, cej)
			return
		}
	}
	x1 := entry + day(g.between(60, 760))
	motif := pick(g, paceaExits)
	if lim := entry.addMonths(24); x1 >= lim {
		x1, motif = lim, "duree_maximale"
	}
	if b26 := d.birth.addYears(26); x1 >= b26 {
		x1, motif = b26, "limite_age"
	}
	if x1 >= D {
		g.openProg(p)
		return
	}
	g.closeProg(p, x1, motif)
}

var paceaExits = []string{"acces_autonomie", "acces_autonomie", "acces_autonomie", "acces_autonomie", "abandon", "abandon",
	"non_respect_engagements", "demenagement", "reorientation_autre_dispositif", "autre"}

// forgottenPACEA adds a diagnostic and a PACEA still open at the as-of day
// although it should have ended (PAC-04, PAC-05).
func (g *gen) forgottenPACEA(d *dossier, start day) {
	p := g.addProg(d, "diagnostic_approfondi", start)
	g.closeProg(p, start+day(g.between(5, 20)), "pacea")
	pa := g.addProg(d, "pacea", p.sortie+day(g.between(0, 15)))
	pa.cerfa = g.cerfa(d, pa.entree)
	pa.etat = "en_cours"
}

// cejFrom adds a CEJ entered on entry: 12 months, sometimes extended to 18,
// sometimes left early.
func (g *gen) cejFrom(d *dossier, entry day) {
	if entry >= g.asOf || ageAt(d.birth, entry) >= 26 {
		return
	}
	p := g.addProg(d, "cej", entry)
	months := 12
	if g.chance(0.2) {
		months = 18
	}
	end := entry.addMonths(months) - 1
	if g.chance(0.2) {
		end = entry + day(g.between(30, 300))
	}
	if end >= g.asOf {
		g.openProg(p)
		return
	}
	g.closeProg(p, end, "autre")
}

// weekBefore returns the Monday of the ISO week before the week holding d.
func weekBefore(d day) day { return d - day(d.weekday()) - 7 }

func (g *gen) writeProgrammes(d *dossier) {
	for _, p := range d.progs {
		w := g.out.dispositifs
		w.str(p.id)
		w.str(d.id)
		g.code(w, p.code, 0.4)
		g.code(w, p.etat, 0.4)
		w.date(p.entree, isoDate)
		w.date(p.sortie, isoDate)
		if p.motif == "" {
			w.empty()
		} else {
			g.code(w, p.motif, 0.4)
		}
		w.dateTime(p.saisie, p.saisieMin, 0, frMinutes)
		w.str(p.prescripteur)
		w.str(p.cerfa)
		w.end()
	}
}
