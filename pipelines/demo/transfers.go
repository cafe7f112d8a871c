package demo

// Transfer requests of every kind, most entered yesterday (due at 04:00 on
// the as-of day), some earlier, some today (still waiting), including the
// kinds and destinations the batch refuses. Then a handful of bad rows that
// the ingestion quarantines.

type transferReq struct {
	typ, tableRef, source, dest string
	selection                   []string
}

// transferCase makes one request in a structure; ok is false when the
// structure cannot hold that case.
type transferCase func(g *gen, s *structure) (transferReq, bool)

// showcase holds one request of each kind and each refusal, so that even
// the smallest region shows them all.
var showcase = []transferCase{
	tConseiller, tLieu, tPartenaire, tOffre, tReferenceTexte, tReferenceLieu,
	tOffreVersOffre, tDossierVersDossier, tPartenaireVersPartenaire, tSameSourceDestination,
	tConseillerInactive, tConseillerWithoutFunction, tConseillerOtherStructure, tLieuInactive,
	tBadReference, tOffreInactive,
}

// usual are the requests counsellors usually make, by weight.
var usual = []transferCase{
	tConseiller, tConseiller, tConseiller, tConseiller, tConseiller, tLieu, tLieu, tPartenaire, tPartenaire,
	tOffre, tReferenceTexte, tReferenceLieu, tReferenceTexte,
}

// refusals are the mistakes, a small share of the usual requests.
var refusals = []transferCase{
	tOffreVersOffre, tDossierVersDossier, tPartenaireVersPartenaire, tSameSourceDestination, tConseillerInactive,
	tConseillerWithoutFunction, tConseillerOtherStructure, tLieuInactive, tBadReference, tOffreInactive,
}

func (g *gen) transfers() {
	n := g.scaled(transfersAtScale1, 2*len(showcase)+8)
	D := g.asOf
	seq := 0
	for i := 0; i < n; i++ {
		var c transferCase
		switch {
		case i < len(showcase):
			c = showcase[i]
		case g.chance(0.1):
			c = pick(g, refusals)
		default:
			c = pick(g, usual)
		}
		// Find a structure that can hold the case, from a random one on.
		start := g.r.IntN(len(g.structs))
		var req transferReq
		var s *structure
		for k := 0; k < len(g.structs); k++ {
			cand := g.structs[(start+k)%len(g.structs)]
			if r, ok := c(g, cand); ok {
				req, s = r, cand
				break
			}
		}
		if s == nil {
			continue
		}
		when := D - 1 // due at 04:00 today
		switch x := g.r.IntN(100); {
		case i < len(showcase):
		case x < 20:
			when = D // still waiting
		case x < 35:
			when = D - day(g.between(2, 7))
		}
		if i == len(showcase) || i == len(showcase)+1 {
			when = D // at least two waiting
		}
		seq++
		w := g.out.transferts
		w.id("T", seq, 6)
		w.str(s.def.code)
		w.str(req.typ)
		w.str(req.tableRef)
		w.str(req.source)
		w.str(req.dest)
		sel := ""
		for j, id := range req.selection {
			if j > 0 {
				sel += "|"
			}
			sel += id
		}
		w.str(sel)
		w.dateTime(when, g.officeMinute()+g.r.IntN(15), g.r.IntN(60), frSeconds)
		demandeur := s.director.id
		if len(s.counsellors) > 0 && g.chance(0.6) {
			demandeur = pick(g, s.counsellors).id
		}
		w.str(demandeur)
		w.end()
	}
}

// other returns an element of list different from not, or false.
func other[T comparable](g *gen, list []T, not T) (T, bool) {
	var zero T
	if len(list) < 2 {
		return zero, false
	}
	for {
		if v := pick(g, list); v != not {
			return v, true
		}
	}
}

func (g *gen) sample(ids []string, share float64) []string {
	if len(ids) == 0 || !g.chance(share) {
		return nil
	}
	n := 1 + g.r.IntN(min(3, len(ids)))
	return append([]string(nil), ids[:n]...)
}

func tConseiller(g *gen, s *structure) (transferReq, bool) {
	if len(s.counsellors) < 2 {
		return transferReq{}, false
	}
	src := pick(g, s.counsellors)
	if s.departed != nil && g.chance(0.7) {
		src = s.departed
	}
	dst, _ := other(g, s.counsellors, src)
	return transferReq{typ: "conseiller_referent", source: src.id, dest: dst.id, selection: g.sample(s.byReferent[src.id], 0.4)}, true
}

func tLieu(g *gen, s *structure) (transferReq, bool) {
	src := pick(g, s.activeLieux())
	dst, ok := other(g, s.activeLieux(), src)
	return transferReq{typ: "lieu_rattachement", source: src.code, dest: dst.code, selection: g.sample(s.byLieu[src.code], 0.3)}, ok
}

func tPartenaire(g *gen, s *structure) (transferReq, bool) {
	return g.referentTransfer("referent_partenaire", s.partners, s.counsellors)
}

func tOffre(g *gen, s *structure) (transferReq, bool) {
	return g.referentTransfer("referent_offre", s.offers, s.staff)
}

// referentTransfer hands one of the held objects' referent over to another
// account, sometimes for that object only.
func (g *gen) referentTransfer(typ string, held []heldBy, to []*user) (transferReq, bool) {
	if len(held) == 0 || len(to) < 2 {
		return transferReq{}, false
	}
	h := pick(g, held)
	dst := pick(g, to)
	for dst.id == h.referent {
		dst = pick(g, to)
	}
	req := transferReq{typ: typ, source: h.referent, dest: dst.id}
	if g.chance(0.5) {
		req.selection = []string{h.id}
	}
	return req, true
}

var textReferences = []struct{ table, source, dest string }{
	{"evenements.contexte", "Atelier CV", "Atelier CV et lettre de motivation"},
	{"evenements.contexte", "Relance", "Relance téléphonique"},
	{"evenements.contexte", "Santé", "Accès aux soins"},
	{"situations.organisme", "CLPS", "CLPS Formation"},
	{"situations.organisme", "GRETA Nord-Aquitaine", "GRETA-CFA Aquitaine"},
}

func tReferenceTexte(g *gen, _ *structure) (transferReq, bool) {
	r := pick(g, textReferences)
	return transferReq{typ: "reference", tableRef: r.table, source: r.source, dest: r.dest}, true
}

func tReferenceLieu(g *gen, s *structure) (transferReq, bool) {
	src := pick(g, s.activeLieux())
	dst, ok := other(g, s.activeLieux(), src)
	return transferReq{typ: "reference", tableRef: pick(g, []string{"rendez_vous.code_lieu", "evenements.code_lieu"}),
		source: src.code, dest: dst.code}, ok
}

func tOffreVersOffre(g *gen, s *structure) (transferReq, bool) {
	return g.objectToObject("offre_vers_offre", s.offers)
}

func tPartenaireVersPartenaire(g *gen, s *structure) (transferReq, bool) {
	return g.objectToObject("partenaire_vers_partenaire", s.partners)
}

// objectToObject asks for one object to be transferred to another of the
// same kind: a request the batch refuses.
func (g *gen) objectToObject(typ string, held []heldBy) (transferReq, bool) {
	if len(held) < 2 {
		return transferReq{}, false
	}
	a := pick(g, held)
	b, _ := other(g, held, a)
	return transferReq{typ: typ, source: a.id, dest: b.id}, true
}

func tDossierVersDossier(g *gen, s *structure) (transferReq, bool) {
	ids := s.byLieu[s.lieux[0].code]
	if len(ids) < 2 {
		return transferReq{}, false
	}
	return transferReq{typ: "dossier_vers_dossier", source: ids[0], dest: ids[1]}, true
}

func tSameSourceDestination(g *gen, s *structure) (transferReq, bool) {
	if len(s.counsellors) == 0 {
		return transferReq{}, false
	}
	c := pick(g, s.counsellors)
	return transferReq{typ: "conseiller_referent", source: c.id, dest: c.id}, true
}

func tConseillerInactive(g *gen, s *structure) (transferReq, bool) {
	if s.inactive == nil || len(s.counsellors) == 0 {
		return transferReq{}, false
	}
	return transferReq{typ: "conseiller_referent", source: pick(g, s.counsellors).id, dest: s.inactive.id}, true
}

func tConseillerWithoutFunction(g *gen, s *structure) (transferReq, bool) {
	if s.reception == nil || len(s.counsellors) == 0 {
		return transferReq{}, false
	}
	return transferReq{typ: "conseiller_referent", source: pick(g, s.counsellors).id, dest: s.reception.id}, true
}

func tConseillerOtherStructure(g *gen, s *structure) (transferReq, bool) {
	o := g.structs[(s.idx+1)%len(g.structs)]
	if len(s.counsellors) == 0 || len(o.counsellors) == 0 {
		return transferReq{}, false
	}
	return transferReq{typ: "conseiller_referent", source: pick(g, s.counsellors).id, dest: pick(g, o.counsellors).id}, true
}

func tLieuInactive(g *gen, s *structure) (transferReq, bool) {
	if len(s.lieux) == s.nActifs {
		return transferReq{}, false
	}
	return transferReq{typ: "lieu_rattachement", source: pick(g, s.activeLieux()).code, dest: s.lieux[len(s.lieux)-1].code}, true
}

func tBadReference(g *gen, _ *structure) (transferReq, bool) {
	return transferReq{typ: "reference", tableRef: "dossiers.nom_usage", source: "Dupont", dest: "Dupond"}, true
}

func tOffreInactive(g *gen, s *structure) (transferReq, bool) {
	if len(s.offers) == 0 || s.inactive == nil {
		return transferReq{}, false
	}
	o := pick(g, s.offers)
	return transferReq{typ: "referent_offre", source: o.referent, dest: s.inactive.id}, true
}

// badRows appends the rows an extraction of the real system sometimes
// carries and that the ingestion must quarantine: an event of a dossier that
// does not exist, impossible dates, an unknown code, an amount with a
// thousands separator.
func (g *gen) badRows() {
	y, _, _ := g.asOf.ymd()
	year := string(appendPadded(nil, y, 4))
	first := "D0000001"
	user := g.structs[0].counsellors[0].id
	for _, e := range []struct{ dossier, date string }{
		{"D9999999", "02/01/" + year},
		{"D9999998", "03/01/" + year + " 10:30"},
		{first, "31/04/" + year},
	} {
		g.seq.evt++
		w := g.out.evenements
		w.id("E", g.seq.evt, 9)
		w.str(e.dossier)
		w.str(e.date)
		w.str("Téléphone")
		w.str(user)
		w.empty()
		w.str("Relance")
		w.empty()
		w.end()
	}
	for _, r := range []struct{ date, statut string }{
		{"30/02/" + year + " 10:00", "Présent"},
		{year + "-01-05 14:00:00", "Excusé"},
	} {
		g.seq.rdv++
		w := g.out.rendezVous
		w.id("R", g.seq.rdv, 8)
		w.str(first)
		w.str(r.date)
		w.str(user)
		w.empty()
		w.str("Point sur le projet professionnel")
		w.str(r.statut)
		w.empty()
		w.empty()
		w.end()
	}
	g.seq.sit++
	w := g.out.situations
	w.id("S", g.seq.sit, 8)
	w.str(first)
	w.str("Service civique") // not a code of the contract
	w.str(year + "-01-04")
	for i := 0; i < 12; i++ {
		w.empty()
	}
	w.end()
	g.seq.res++
	w = g.out.ressources
	w.id("RS", g.seq.res, 8)
	w.str(first)
	w.str("Salaire")
	w.str("1 200,00")
	w.str("01/01/" + year)
	w.empty()
	w.end()
}
