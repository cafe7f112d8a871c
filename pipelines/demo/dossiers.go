package demo

import (
	"context"
	"strings"
)

// The dossiers of the young people and everything that hangs from them:
// programmes, allowances, resources, situations, appointments and events.
// One dossier is built in memory at a time and streamed to the files.

// profile is the kind of path a dossier follows.
type profile int

const (
	pCurrent  profile = iota // followed over the last two years
	pRecent                  // registered this month
	pInactive                // no contact for more than 29 months (ARC inactif_29_mois)
	pAged                    // 27 to 30 years old (ARC age_27)
	pAged31                  // 31 or older (ARC age_31)
	pEAV                     // had an emploi d'avenir (ARC eav_moins_31)
	pPAC04                   // a PACEA left open beyond 24 months
	pPAC05                   // a PACEA left open after the 26th birthday
)

type dossier struct {
	id string
	s  *structure
	person
	kind              profile
	inscription, last day  // last: the last physical meeting
	active            bool // followed now: appointments are coming
	rdv03             bool // two recent absences and no presence since
	referent          *user
	lieu              lieu
	progs             []*prog
	res               []resource
	statut            string // partiel, complet or justifie
	situations        int    // situations written (all start before D)
}

// dossiers generates every structure's dossiers in turn.
func (g *gen) dossiers(ctx context.Context) error {
	for _, s := range g.structs {
		for i := 0; i < s.nDossiers; i++ {
			if g.nDossiers%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := g.out.err(); err != nil {
					return err
				}
			}
			g.nDossiers++
			d := g.newDossier(s, "D"+string(appendPadded(nil, g.nDossiers, 7)))
			g.writeDossier(d)
			g.writeProgrammes(d)
			g.allocations(d)
			g.writeResources(d)
			g.situations(d)
			g.contacts(d)
		}
	}
	return nil
}

// birthForAge returns a birth date making the person age years old at d.
func (g *gen) birthForAge(d day, age int) day {
	return d.addYears(-age) - day(g.between(0, 360))
}

// ageAtInscription draws the age of a young person at their first
// reception: mostly 18–21.
func (g *gen) ageAtInscription() int {
	switch x := g.r.IntN(100); {
	case x < 10:
		return g.between(16, 17)
	case x < 65:
		return g.between(18, 21)
	default:
		return g.between(22, 25)
	}
}

// workdayBefore moves a weekend day back to the Friday.
func workdayBefore(d day) day {
	switch d.weekday() {
	case 5:
		return d - 1
	case 6:
		return d - 2
	}
	return d
}

// workdayAfter moves a weekend day on to the Monday.
func workdayAfter(d day) day {
	switch d.weekday() {
	case 5:
		return d + 2
	case 6:
		return d + 1
	}
	return d
}

func (g *gen) newDossier(s *structure, id string) *dossier {
	D := g.asOf
	d := &dossier{id: id, s: s}
	d.person = g.person(g.chance(0.48))
	switch x := g.r.Float64(); {
	case x < 0.06:
		d.kind = pRecent
	case x < 0.84:
		d.kind = pCurrent
	case x < 0.885:
		d.kind = pInactive
	case x < 0.93:
		d.kind = pAged
	case x < 0.94:
		d.kind = pAged31
	case x < 0.955:
		d.kind = pEAV
	}
	if d.kind == pCurrent {
		if g.hit(aPAC04, 0.004) {
			d.kind = pPAC04
		} else if g.hit(aPAC05, 0.004) {
			d.kind = pPAC05
		}
	}
	switch d.kind {
	case pRecent:
		d.inscription = workdayBefore(D - day(g.between(1, 30)))
		d.birth = g.birthForAge(d.inscription, g.ageAtInscription())
		if g.chance(0.5) {
			g.programmePath(d, d.inscription+day(g.between(0, 10)))
		}
		d.last = g.dayBetween(d.inscription, D-1)
		d.active = true
	case pCurrent:
		d.inscription = workdayBefore(D - day(g.between(31, 700)))
		a := g.ageAtInscription()
		if lim := 25 - int(D-d.inscription)/365; a > lim {
			a = lim
		}
		d.birth = g.birthForAge(d.inscription, a)
		g.programmePath(d, d.inscription+day(g.between(0, 21)))
		d.active = true
		d.last = D - day(g.between(8, 100))
		if g.chance(0.3) {
			d.last = D - day(g.between(1, 7))
		}
		switch {
		case d.inscription < D-200 && g.hit(aDOS01, 0.04): // dormant
			d.last = D - day(g.between(160, min(300, int(D-d.inscription))))
			d.active = false
		case d.inscription < D-60 && g.hit(aRDV03, 0.01):
			d.last = D - day(g.between(31, 60))
			d.rdv03 = true
		}
	case pInactive:
		d.inscription = workdayBefore(D - day(g.between(31*31, 6*365)))
		a := g.between(16, 21)
		if lim := 26 - int(D-d.inscription)/365 - 1; a > lim {
			a = max(16, lim)
		}
		d.birth = g.birthForAge(d.inscription, a)
		g.oldPath(d)
		d.last = d.inscription + day(g.between(0, 180))
		d.last = max(d.last, g.lastProgrammeDay(d)-day(g.between(0, 20)))
	case pAged, pAged31:
		age := g.between(27, 30)
		if d.kind == pAged31 {
			age = g.between(31, 33)
		}
		d.birth = g.birthForAge(D, age)
		d.inscription = workdayBefore(d.birth.addYears(g.between(17, 24)) + day(g.between(0, 300)))
		if d.inscription > D-2*365 {
			d.inscription = D - 2*365 - day(g.between(0, 100))
		}
		g.oldPath(d)
		d.last = g.lastProgrammeDay(d) + day(g.between(0, 200))
		if d.kind == pAged && g.chance(0.6) { // still coming now and then
			d.last = D - day(g.between(1, 150))
		}
	case pEAV:
		d.birth = g.birthForAge(D, g.between(27, 30))
		entry := d.birth.addYears(g.between(18, 20)) + day(g.between(0, 300))
		entry = min(entry, mkday(2017, 12, 31)-day(g.between(0, 200)))
		d.inscription = workdayBefore(entry - day(g.between(10, 120)))
		p := g.addProg(d, "eav", entry)
		g.closeProg(p, entry+day(g.between(365, 3*365)), "autre")
		d.last = p.sortie + day(g.between(0, 300))
	case pPAC04:
		d.inscription = workdayBefore(D.addMonths(-24) - day(g.between(70, 200)))
		d.birth = g.birthForAge(d.inscription, g.between(17, 21))
		g.forgottenPACEA(d, d.inscription)
		d.last = D - day(g.between(1, 60))
		d.active = true
	case pPAC05:
		d.birth = g.birthForAge(D, 26)
		entry := d.birth.addYears(26) - day(g.between(60, 300))
		d.inscription = workdayBefore(entry - day(g.between(20, 40)))
		g.forgottenPACEA(d, d.inscription)
		d.last = D - day(g.between(1, 60))
		d.active = true
	}
	d.last = workdayBefore(min(max(d.last, d.inscription), D-1))
	if d.last < d.inscription {
		d.last = d.inscription
	}
	g.assign(d)
	return d
}

// assign chooses the dossier's referent counsellor and site.
func (g *gen) assign(d *dossier) {
	s := d.s
	d.lieu = s.lieux[0]
	if n := len(s.activeLieux()); n > 1 && g.chance(0.6) {
		d.lieu = s.lieux[1+g.r.IntN(n-1)]
	}
	enCours := false
	open := false
	for _, p := range d.progs {
		enCours = enCours || p.etat == "en_cours"
		open = open || p.sortie == noDay
	}
	if len(s.counsellors) > 0 {
		d.referent = pick(g, s.counsellors)
	}
	switch {
	case enCours && g.hit(aDOS05, 0.015):
		d.referent = nil
	case s.departed != nil && g.chance(0.05):
		d.referent = s.departed // USR-04: still referent after leaving
	case !open && g.chance(0.08):
		d.referent = nil
	}
	if d.referent != nil {
		if l := s.byReferent[d.referent.id]; len(l) < 5 {
			s.byReferent[d.referent.id] = append(l, d.id)
		}
	}
	if l := s.byLieu[d.lieu.code]; len(l) < 5 {
		s.byLieu[d.lieu.code] = append(l, d.id)
	}
}

func (g *gen) writeDossier(d *dossier) {
	s := d.s
	w := g.out.dossiers
	w.str(d.id)
	w.str(s.def.code)
	civ := "M"
	if d.female {
		civ = "Mme"
	}
	if g.chance(0.3) {
		civ = strings.ToLower(civ)
	}
	w.str(civ)
	w.str(d.prenom)
	w.str(d.nom)
	switch x := g.r.IntN(100); {
	case x < 55:
		w.empty()
	case x < 58 && d.female:
		w.str(pick(g, noms))
	default:
		w.str(d.nom)
	}
	w.date(d.birth, frDate)
	statut := "complet"
	switch x := g.r.IntN(100); {
	case x < 25:
		statut = "justifie"
	case x < 40:
		statut = "partiel"
	}
	d.statut = statut
	g.code(w, statut, 0.5)
	w.optBool(statut == "justifie", statut != "partiel", ouiNon)
	nir, certifiable := "", false
	if g.chance(0.75) {
		first := byte('1')
		if d.female {
			first = '2'
		}
		n13 := g.nir13(first, d.birth, s.dept)
		switch {
		case g.hit(aDOS04, 0.008):
			nir = nirWithKey(n13)
			if g.chance(0.3) {
				nir = nir[:14] // a digit missing
			} else {
				key, _ := NIRKey(n13)
				nir = string(appendPadded([]byte(n13), key%97+1, 2))
			}
		case g.hit(aDOS04Temp, 0.004):
			nir = nirWithKey(string(byte('7'+g.r.IntN(2))) + n13[1:])
		default:
			nir, certifiable = nirWithKey(n13), true
		}
	}
	w.str(nir)
	w.optBool(certifiable && g.chance(0.7), nir != "", ouiNon)
	email, mob := "", ""
	if !g.hit(aDOS03, 0.02) {
		if g.chance(0.85) {
			email = g.youngEmail(d.person)
		}
		if email == "" || g.chance(0.9) {
			mob = g.mobile()
		}
	}
	w.str(email)
	w.str(mob)
	if g.chance(0.1) {
		w.str(g.phone("05"))
	} else {
		w.empty()
	}
	c := communeByINSEE(pick(g, s.def.communes))
	num := g.between(1, 140)
	voie := string(appendPadded(nil, num, 1)) + " " + pick(g, voies)
	if g.chance(0.05) {
		voie = string(appendPadded(nil, num, 1)) + " bis " + pick(g, voies)
	}
	w.str(voie)
	if g.chance(0.1) {
		w.str(pick(g, complements))
	} else {
		w.empty()
	}
	w.str(c.cp)
	w.str(c.insee)
	normalised, known, npai := true, true, false
	switch x := g.r.IntN(100); {
	case g.hit(aDOS02, 0.02):
		normalised = false
	case x < 6:
		known = false
	case x < 10:
		normalised, npai = false, true
	}
	w.optBool(normalised, known, ouiNon)
	w.optBool(npai, npai || g.chance(0.5), ouiNon)
	w.boolean(g.chance(0.15), ouiNon)
	w.boolean(g.chance(0.1), ouiNon)
	if g.chance(0.45) {
		b := appendPadded(nil, g.r.IntN(10_000_000), 7)
		w.str(string(append(b, byte('A'+g.r.IntN(26)))))
	} else {
		w.empty()
	}
	if g.chance(0.3) {
		w.str(string(appendPadded(nil, g.r.IntN(10_000_000), 7)))
	} else {
		w.empty()
	}
	if d.referent != nil {
		w.str(d.referent.id)
	} else {
		w.empty()
	}
	w.str(d.lieu.code)
	w.date(d.inscription, frDate)
	maj := d.last + day(g.between(0, int(g.asOf-1-d.last)))
	w.dateTime(maj, g.officeMinute()+g.r.IntN(15), g.r.IntN(60), isoTSeconds)
	if g.chance(0.8) {
		w.str(pick(g, niveauxFormation))
	} else {
		w.empty()
	}
	if statut == "justifie" {
		g.identityUpdate(d, w.row)
	}
	w.end()
}
