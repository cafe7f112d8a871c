package demo

import (
	"context"
	"strings"
)

// The dossiers of the young people and everything that hangs from them:
// programmes, allowances, resources, situations, appointments and events.
// One dossier is built in memory at a time and streamed to the files.

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

type resource struct {
	typ      string
	cents    int
	from, to day // to is noDay when open-ended
}

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
		if mon := weekBefore(D); mon > entry+1 && g.hit(aASP, 0.025) {
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

// Human forms of codes, as i-milo's exports write them; ingest normalises
// them (case, accents, spaces).
var humanCodes = map[string]string{
	"pacea": "PACEA", "cej": "CEJ", "diagnostic_approfondi": "Diagnostic approfondi", "garantie_jeunes": "Garantie jeunes",
	"eav": "EAV", "parrainage": "Parrainage", "cui": "CUI", "en_cours": "En cours", "clos": "Clos", "initialise": "Initialisé",
	"suspendu": "Suspendu", "reorientation_autre_dispositif": "Réorientation autre dispositif", "abandon": "Abandon",
	"demenagement": "Déménagement", "duree_maximale": "Durée maximale", "orientation_interne": "Orientation interne",
	"orientation_partenaire": "Orientation partenaire", "autre": "Autre",
	"entretien_individuel": "Entretien individuel", "atelier": "Atelier", "information_collective": "Information collective",
	"telephone": "Téléphone", "email": "Email", "sms": "SMS", "courrier": "Courrier", "visite": "Visite",
	"prevu": "Prévu", "present": "Présent", "absent": "Absent", "annule": "Annulé", "reporte": "Reporté", "non_precise": "Non précisé",
	"formation": "Formation", "emploi": "Emploi", "alternance": "Alternance",
	"scolarite": "Scolarité", "immersion": "Immersion",
	"rafael": "Rafael", "ouiform": "Ouiform", "intercarif": "Intercarif", "catalogue_interne": "Catalogue interne",
	"saisie_directe": "Saisie directe", "certification": "Certification", "professionnalisation": "Professionnalisation",
	"perfectionnement": "Perfectionnement", "remobilisation": "Remobilisation", "remise_a_niveau": "Remise à niveau",
	"region": "Région", "etat": "État", "france_travail": "France Travail", "opco": "OPCO", "entreprise": "Entreprise",
	"complet": "Complet", "partiel": "Partiel", "justifie": "Justifié",
}

// code writes a code, in its human form one time in share when it has one.
func (g *gen) code(w *tableWriter, c string, share float64) {
	if h, ok := humanCodes[c]; ok && g.chance(share) {
		w.str(h)
		return
	}
	w.str(c)
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
	w.end()
}

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

func monthStart(mi int) day { return mkday(mi/12, mi%12+1, 1) }
func monthEnd(mi int) day   { return monthStart(mi+1) - 1 }

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
