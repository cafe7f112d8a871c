package demo

// Situations: trainings during a PACEA or CEJ (with the charter's usual
// mistakes), jobs, work-study, immersions and the like.

var merOrigins = []string{"rafael", "ouiform", "intercarif", "catalogue_interne", "ouiform", "rafael"}

var okObjectives = []string{"certification", "professionnalisation", "preparation_qualification", "remobilisation",
	"remise_a_niveau", "creation_entreprise", "certification", "professionnalisation"}

var funders = []string{"region", "region", "region", "etat", "france_travail", "opco", "entreprise", "autre"}

func (g *gen) situations(d *dossier) {
	D := g.asOf
	covered := false
	for _, p := range d.progs {
		if p.code != "pacea" && p.code != "cej" {
			continue
		}
		covered = true
		end := min(p.end(D), D-1)
		if end >= p.entree && g.chance(0.45) {
			g.formation(d, g.dayBetween(p.entree, end))
		}
	}
	if !covered && (d.kind == pCurrent || d.kind == pRecent) && d.inscription < D-20 && g.hit(aFOR08, 0.05) {
		// A training outside any PACEA or CEJ.
		g.formation(d, g.dayBetween(max(d.inscription, D-300), D-1))
	}
	if g.chance(0.75) {
		g.otherSituation(d)
		if g.chance(0.4) {
			g.otherSituation(d)
		}
	}
	// A complete dossier has its situation entered, but for a few (DOS-06).
	if d.statut != "partiel" && d.situations == 0 && !g.hit(aDOS06, 0.02) {
		g.otherSituation(d)
	}
}

// formation writes a training starting on start; trainings of the last year
// carry the charter's mistakes at a small rate.
func (g *gen) formation(d *dossier, start day) {
	D := g.asOf
	dur := g.between(20, 270)
	prevue, reelle := start+day(dur), noDay
	motif := ""
	if prevue < D {
		switch x := g.r.IntN(10); {
		case x < 7:
			reelle = prevue
		case x < 8: // left early
			reelle, motif = start+day(dur/2), pick(g, interruptions)
		}
	} else if start+day(dur/3) < D && g.chance(0.05) {
		reelle, motif = start+day(dur/3), pick(g, interruptions)
	}
	origine := pick(g, merOrigins)
	objectif := pick(g, okObjectives)
	validation := pick(g, validations)
	intitule := pick(g, intitulesFormation)
	prestation := false
	if start >= D-360 { // in the scope of the FOR controls
		if g.hit(aFOR01, 0.03) {
			objectif = ""
		}
		if g.hit(aFOR02, 0.02) {
			prevue, reelle = noDay, noDay
		}
		if g.hit(aFOR03, 0.015) {
			prestation, intitule = true, "Prestation France Travail – Activ'Projet"
		}
		if objectif != "" && g.hit(aFOR04, 0.02) {
			objectif = "perfectionnement"
		}
		if g.hit(aFOR05, 0.01) {
			validation = "Attestation de qualification et aptitude (AQA)"
		}
		if g.hit(aFOR06, 0.015) {
			motif = pick(g, interruptions)
			if reelle != noDay && prevue != noDay && reelle < prevue {
				reelle = prevue
			}
		}
		if g.hit(aFOR07, 0.04) {
			origine = pick(g, []string{"", "saisie_directe"})
		}
		if prevue != noDay && g.hit(aFOR09, 0.01) {
			prevue, reelle = start-day(g.between(1, 40)), noDay
		}
	}
	g.seq.sit++
	w := g.out.situations
	w.id("S", g.seq.sit, 8)
	w.str(d.id)
	g.code(w, "formation", 0.5)
	w.date(start, isoDate)
	w.date(prevue, isoDate)
	w.date(reelle, isoDate)
	if origine == "" {
		w.empty()
	} else {
		g.code(w, origine, 0.3)
	}
	if objectif == "" {
		w.empty()
	} else {
		g.code(w, objectif, 0.3)
	}
	w.str(validation)
	w.str(pick(g, niveaux))
	g.code(w, pick(g, funders), 0.3)
	w.boolean(prestation, vraiFaux)
	w.str(pick(g, organismesFormation))
	w.str(intitule)
	w.str(motif)
	if origine == "rafael" {
		g.rafaelComment(w, start, prevue, reelle)
	} else {
		g.comment(w, 0.3)
	}
	w.end()
	d.situations++
}

// comment writes a counsellor's free text, or nothing.
func (g *gen) comment(w *tableWriter, share float64) {
	if g.chance(share) {
		w.str(pick(g, commentaires))
	} else {
		w.empty()
	}
}

var otherSituationTypes = []string{"emploi", "emploi", "emploi", "alternance", "immersion", "immersion",
	"demandeur_emploi", "demandeur_emploi", "scolarite", "autre"}

// otherSituation writes a situation that is not a training.
func (g *gen) otherSituation(d *dossier) {
	D := g.asOf
	typ := pick(g, otherSituationTypes)
	start := g.dayBetween(d.inscription, max(d.inscription, D-1))
	var dur int
	intitule, organisme := "", ""
	switch typ {
	case "emploi":
		dur = g.between(14, 365)
		intitule, organisme = pick(g, intitulesEmploi), pick(g, employeurs)
	case "alternance":
		dur = g.between(365, 730)
		intitule, organisme = "Apprentissage – "+pick(g, intitulesFormation), pick(g, employeurs)
	case "immersion":
		dur = g.between(5, 14)
		intitule, organisme = "PMSMP – "+pick(g, intitulesEmploi), pick(g, employeurs)
	case "demandeur_emploi":
		dur = g.between(30, 300)
		organisme = "France Travail"
	case "scolarite":
		dur = g.between(120, 300)
		organisme = pick(g, []string{"Lycée professionnel Jean Moulin", "Lycée Gustave Eiffel", "Université de Bordeaux", "Université de Poitiers"})
	default:
		dur = g.between(30, 200)
		intitule = pick(g, []string{"Service civique", "Bénévolat associatif", "Garde d'enfant"})
	}
	prevue, reelle := start+day(dur), noDay
	if prevue < D && g.chance(0.8) {
		reelle = prevue
	}
	g.seq.sit++
	w := g.out.situations
	w.id("S", g.seq.sit, 8)
	w.str(d.id)
	g.code(w, typ, 0.5)
	w.date(start, isoDate)
	if typ == "demandeur_emploi" && g.chance(0.5) {
		w.empty()
	} else {
		w.date(prevue, isoDate)
	}
	w.date(reelle, isoDate)
	for i := 0; i < 5; i++ { // origine, objectif, validation, niveau, financeur
		w.empty()
	}
	w.boolean(false, vraiFaux)
	w.str(organisme)
	w.str(intitule)
	w.empty()
	g.comment(w, 0.2)
	w.end()
	d.situations++
}
