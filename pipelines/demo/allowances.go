package demo

// Monthly allowances of the PACEA and CEJ, and the young people's own
// resources that the PACEA allowance depends on.

type resource struct {
	typ      string
	cents    int
	from, to day // to is noDay when open-ended
}

func monthStart(mi int) day { return mkday(mi/12, mi%12+1, 1) }

func monthEnd(mi int) day { return monthStart(mi+1) - 1 }

// resourcesIn returns the total of the resources that meet month mi.
func (d *dossier) resourcesIn(mi int) int {
	from, to := monthStart(mi), monthEnd(mi)
	total := 0
	for _, r := range d.res {
		if r.from <= to && (r.to == noDay || r.to >= from) {
			total += r.cents
		}
	}
	return total
}

// allocations writes the monthly allowances of the dossier's PACEA (some
// months, when the resources of the month before stay under 300 €) and CEJ
// (every month, claimed during the month). Resources are drawn first.
func (g *gen) allocations(d *dossier) {
	if g.chance(0.2) {
		for n := 1 + g.r.IntN(2); n > 0; n-- {
			d.res = append(d.res, g.resource(d))
		}
	}
	D := g.asOf
	dm := D.monthIndex()
	for _, p := range d.progs {
		first, last := p.entree.monthIndex(), min(p.end(D), D).monthIndex()
		switch {
		case p.code == "pacea" && g.chance(0.4):
			k := 1 + g.r.IntN(4)
			for mi := first; mi <= last; mi++ {
				if g.r.IntN(last-first+1) >= k {
					continue
				}
				if d.resourcesIn(mi-1) >= 30000 {
					continue // not entitled
				}
				if g.hit(aPAC06, 0.03) {
					// Resources of the month before not taken into account.
					d.res = append(d.res, resource{typ: "Salaire", cents: g.between(450, 1100) * 100,
						from: monthStart(mi - 1), to: monthEnd(mi - 1)})
				}
				cents := g.between(2, 10) * 5000
				if g.chance(0.2) {
					cents = g.between(5000, 50000)
				}
				g.writeAllocation(p, mi, cents, g.dayBetween(max(monthStart(mi), p.entree), min(monthEnd(mi), D)), dm)
			}
		case p.code == "cej" && g.chance(0.85):
			for mi := first; mi <= last; mi++ {
				cents := 50000
				switch {
				case mi >= 2025*12+3:
					cents = 56168
				case mi >= 2024*12+3:
					cents = 55229
				}
				if g.chance(0.15) {
					cents = cents * g.between(30, 90) / 100
				}
				asked := g.dayBetween(max(monthStart(mi), p.entree), min(monthEnd(mi), D))
				if mi < dm && g.hit(aPAC07, 0.01) {
					asked = g.dayBetween(monthStart(mi+1), min(monthEnd(mi+1), D)) // an elapsed month claimed
				}
				g.writeAllocation(p, mi, cents, asked, dm)
			}
		}
	}
}

func (g *gen) writeAllocation(p *prog, mi, cents int, asked day, dm int) {
	g.seq.alloc++
	statut := "transmise_asp"
	switch {
	case mi >= dm:
		statut = pick(g, []string{"enregistree", "soumise"})
	case mi == dm-1 && g.chance(0.5):
		statut = "validee"
	}
	w := g.out.allocations
	w.id("A", g.seq.alloc, 8)
	w.str(p.id)
	w.month(mi)
	w.decimal(cents, true)
	w.str(statut)
	w.date(asked, frDate)
	w.end()
}

// resource draws one of a young person's own resources.
func (g *gen) resource(d *dossier) resource {
	r := resource{typ: pick(g, typesRessource)}
	switch r.typ {
	case "Salaire":
		r.cents = g.between(400, 1400) * 100
	case "Indemnités chômage":
		r.cents = g.between(300, 900) * 100
	case "Pension alimentaire":
		r.cents = g.between(8, 25) * 1000
	case "Bourse d'études":
		r.cents = g.between(100, 450) * 100
	case "Prime d'activité":
		r.cents = g.between(80, 200) * 100
	default:
		r.cents = g.between(300, 600)*100 + g.r.IntN(100)
	}
	r.from = g.dayBetween(d.inscription, g.asOf-1)
	r.to = noDay
	if g.chance(0.7) {
		r.to = r.from + day(g.between(30, 240))
	}
	return r
}

func (g *gen) writeResources(d *dossier) {
	for _, r := range d.res {
		g.seq.res++
		w := g.out.ressources
		w.id("RS", g.seq.res, 8)
		w.str(d.id)
		w.str(r.typ)
		w.decimal(r.cents, g.seq.res%2 == 0)
		w.date(r.from, frDate)
		w.date(r.to, frDate)
		w.end()
	}
}
