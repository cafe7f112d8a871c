package demo

import (
	"encoding/csv"
	"strings"
)

// The tables and anomalies of the second wave of rules (rules.md DOS-06,
// IDJ, RAF, TER, ACR): the coverage zones, the Rafael requests in training
// comments, a later extraction changing a few justified identities, and the
// J2 (Jungo) Activ'Créa tables of a few structures.

// UpdateDir is the folder, inside the extraction, of the later extraction
// (dossiers.csv only) in which a few justified identities changed upstream
// (IDJ-01); ingest reads it as an extraction of its own.
const UpdateDir = "maj"

var niveauxFormation = []string{"infra_3", "3", "3", "4", "4", "4", "5", "6", "7", "8"}

// identityUpdate writes, for a few dossiers whose identity is justified,
// their row again in the later extraction: with another birth date (a
// change, IDJ-01), or with the first name in capitals without accents (not
// a change). row is the dossier's row as written (no line end).
func (g *gen) identityUpdate(d *dossier, row []byte) {
	change := g.hit(aIDJ01, 0.01)
	if !change && !g.chance(0.01) {
		return
	}
	r := csv.NewReader(strings.NewReader(string(row)))
	r.Comma = ';'
	fields, err := r.Read()
	if err != nil || len(fields) < 7 {
		return // the row is the generator's own: this does not happen
	}
	if change {
		fields[6] = string(appendDate(nil, d.birth+1, frDate))
	} else {
		fields[3] = strings.ToUpper(unaccent.Replace(fields[3]))
	}
	w := g.out.update
	for _, f := range fields {
		w.str(f)
	}
	w.end()
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "î", "i", "ï", "i",
	"ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ç", "c", "É", "E", "È", "E")

// rafaelComment writes the comment of a Rafael training: a few vague ones
// (RAF-01), a few explicit requests for the ARML's monthly file (never
// already satisfied), otherwise the usual comments.
func (g *gen) rafaelComment(w *tableWriter, start, prevue, reelle day) {
	date := func(d day) string { return string(appendDate(nil, d, frDate)) }
	other := func(not day) day {
		d := start + day(g.between(5, 60))
		if d == not {
			d++
		}
		return d
	}
	switch {
	case g.hit(aRAF01, 0.08):
		w.str(pick(g, []string{"Le jeune a abandonné la formation.", "Arrêt de la formation, dates à modifier.",
			"Erreur sur la date de fin, merci de corriger."}))
	case g.hit(aRAFRequest, 0.15):
		switch g.r.IntN(4) {
		case 0:
			w.str("Abandon : fin réelle au " + date(other(reelle)) + ".")
		case 1:
			w.str("Formation suspendue le " + date(other(reelle)) + " ; reprise prévue plus tard.")
		case 2:
			w.str("Fin prévue au " + date(other(prevue)+60) + " et fin réelle au " + date(other(reelle)) + ".")
		default:
			w.str("Doublon de la situation précédente : merci de supprimer.")
		}
	default:
		g.comment(w, 0.3)
	}
}

// coverage writes each structure's communes; the second structure's last
// commune is also listed under the first (TER-01).
func (g *gen) coverage() {
	w := g.out.zones
	for i, s := range g.structs {
		communes := s.def.communes
		if i == 0 && len(g.structs) > 1 {
			c2 := g.structs[1].def.communes
			communes = append(append([]string(nil), communes...), c2[len(c2)-1])
			g.quota[aTER01].hits++
		}
		for _, c := range communes {
			w.str(s.def.code)
			w.str(c)
			w.end()
		}
	}
}

// workshop is a collective action j2 wrote.
type workshop struct {
	id string
	d  day
}

// j2 writes the Activ'Créa tables of a few structures (10 at scale 1, at
// least 3): entrepreneurs, their three-month parcours, collective workshops
// and individual interviews, and who took part.
func (g *gen) j2() {
	n := min(len(g.structs), g.scaled(10, 3))
	for k := 0; k < n; k++ {
		s := g.structs[k*len(g.structs)/n]
		g.j2Structure(s, g.scaled(300, 12))
	}
}

func (g *gen) j2Structure(s *structure, nEnt int) {
	D := g.asOf
	o := g.out
	site := s.lieux[0].nom
	intervenant := "J2I-" + s.def.code
	// weekly workshops, from five months back to a month ahead
	var workshops []workshop
	for d := D - 160; d < D+30; d += 7 {
		lieu := site
		if d >= D && g.hit(aACR03, 0.1) { // not in the agendas
			lieu = ""
		}
		a := g.j2Action(s, "Atelier collectif Activ'Créa", "collective", d, 9*60+30, lieu, intervenant)
		workshops = append(workshops, workshop{id: a, d: d})
	}
	for i := 0; i < nEnt; i++ {
		g.seq.j2ent++
		ent := string(appendID(nil, "J2E", g.seq.j2ent, 6))
		p := g.person(g.chance(0.5))
		birth := g.birthForAge(D, g.between(22, 55))
		noEmail := g.hit(aACR05, 0.03)
		statut := pick(g, []string{"accord_numerique", "accord_numerique", "accord_numerique", "accord_papier", "en_attente"})
		if noEmail {
			statut = "en_attente"
		}
		g.j2Entrepreneur(s, ent, p, birth, noEmail, statut)
		if g.hit(aACR06, 0.01) { // entered twice
			g.seq.j2ent++
			twin := p
			twin.prenom, twin.nom = strings.ToUpper(p.prenom), strings.ToLower(p.nom)
			g.j2Entrepreneur(s, string(appendID(nil, "J2E", g.seq.j2ent, 6)), twin, birth, false, "accord_papier")
		}
		// the parcours
		g.seq.j2par++
		par := string(appendID(nil, "J2P", g.seq.j2par, 6))
		prestation := "activ_crea"
		if !noEmail && g.chance(0.1) {
			prestation = "autre"
		}
		poursuit := noEmail || g.chance(0.85)
		debut := D - day(g.between(1, 200))
		// ends within 7 days with nothing planned
		forgotten := poursuit && prestation == "activ_crea" && g.hit(aACR01, 0.03)
		if forgotten {
			debut = D - day(g.between(83, 89))
		}
		age := int(D - debut)
		final, abandon := noDay, noDay
		switch {
		case poursuit && age >= 90 && !g.hit(aACR02, 0.05):
			if g.chance(0.1) {
				abandon = debut + day(g.between(20, 80))
			} else {
				final = min(debut+day(g.between(80, 95)), D-1)
			}
		case poursuit && age < 90 && !forgotten && g.chance(0.05):
			abandon = debut + day(g.between(1, max(1, age-1)))
		}
		w := o.j2Parcours
		w.str(par)
		w.str(ent)
		g.code(w, prestation, 0)
		w.date(debut, frDate)
		w.date(debut+90, isoDate)
		if poursuit {
			w.str("a_poursuivi")
		} else {
			w.str("n_a_pas_poursuivi")
		}
		w.date(final, frDate)
		w.date(abandon, frDate)
		w.end()
		if !poursuit {
			continue
		}
		// individual interviews: past ones attended, one planned near the end
		last := D - 1
		if final != noDay {
			last = final
		} else if abandon != noDay {
			last = abandon
		}
		for _, off := range []int{0, 20, 45, 70} {
			d := debut + day(off)
			if d > last {
				break
			}
			a := g.j2Action(s, "Entretien individuel", "individuelle", d, g.officeMinute(), site, intervenant)
			g.j2Participation(a, ent, par, pick(g, []string{"presente", "presente", "presente", "absente"}))
		}
		if final == noDay && abandon == noDay && age >= 75 && age < 90 && !forgotten {
			lieu := site
			d := workdayAfter(D + day(g.between(0, 90-age)))
			if d > debut+90 {
				d = debut + 90
			}
			a := g.j2Action(s, "Entretien final", "individuelle", d, g.officeMinute(), lieu, intervenant)
			g.j2Participation(a, ent, par, "prevue")
		}
		// two workshops within the parcours, or one before it by mistake
		for k := 0; k < 2; k++ {
			var pickd []workshop
			for _, ws := range workshops {
				if ws.d >= debut && ws.d <= debut+90 && ws.d <= last+30 && (!forgotten || ws.d < D) {
					pickd = append(pickd, ws)
				}
			}
			if len(pickd) == 0 {
				break
			}
			ws := pick(g, pickd)
			presence := "presente"
			if ws.d >= D {
				presence = "prevue"
			}
			g.j2Participation(ws.id, ent, par, presence)
		}
		if debut > D-150 && g.hit(aACR04, 0.02) {
			for _, ws := range workshops {
				if ws.d < debut {
					g.j2Participation(ws.id, ent, par, "presente")
					break
				}
			}
		}
		if g.chance(0.05) {
			a := g.j2Action(s, "Absence justifiée", "absence", debut+day(g.between(1, 60)), 9*60, "", intervenant)
			g.j2Participation(a, ent, par, "excusee")
		}
	}
}

func (g *gen) j2Entrepreneur(s *structure, id string, p person, birth day, noEmail bool, statut string) {
	w := g.out.j2Entrepreneurs
	w.str(id)
	w.str(s.def.code)
	if p.female {
		g.code(w, "mme", 0)
	} else {
		g.code(w, "m", 0)
	}
	w.str(p.prenom)
	w.str(p.nom)
	w.date(birth, frDate)
	if noEmail {
		w.empty()
	} else {
		w.str(g.youngEmail(p))
	}
	w.str(g.mobile())
	w.boolean(!noEmail, ouiNon)
	w.boolean(g.chance(0.7), ouiNon)
	w.str(statut)
	w.end()
}

// j2Action writes an action at day d, minute min, and returns its id.
func (g *gen) j2Action(s *structure, intitule, typ string, d day, min int, lieu, intervenant string) string {
	g.seq.j2act++
	id := string(appendID(nil, "J2A", g.seq.j2act, 7))
	w := g.out.j2Actions
	w.str(id)
	w.str(s.def.code)
	w.str(intitule)
	w.str(typ)
	w.dateTime(d, min, 0, frMinutes)
	w.dateTime(d, min+60, 0, frMinutes)
	w.str(lieu)
	w.str(intervenant)
	w.end()
	return id
}

func (g *gen) j2Participation(action, ent, par, presence string) {
	g.seq.j2part++
	w := g.out.j2Participations
	w.id("J2X", g.seq.j2part, 7)
	w.str(action)
	w.str(ent)
	w.str(par)
	w.str(presence)
	w.end()
}
