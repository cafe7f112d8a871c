package demo

import (
	"math"
	"strconv"
	"strings"
)

// The region's fixed part: structures, sites, user accounts, partners,
// service offers and signature certificates. It is small (a few thousand
// rows at scale 1) and kept in memory, since dossiers and transfers refer to
// it.

type structure struct {
	idx  int
	def  structureDef
	dept string

	lieux       []lieu // the active ones first
	nActifs     int    // active lieux
	users       []*user
	director    *user
	counsellors []*user // actif accounts with the function conseiller_referent
	staff       []*user // every actif account of a natural person
	reception   *user   // actif, without the function conseiller_referent
	departed    *user   // desactive counsellor still referent of dossiers (USR-04), or nil
	inactive    *user   // desactive account referent of nothing, or nil

	partners  []heldBy
	offers    []heldBy
	nDossiers int

	// A few dossier ids per referent and per site, for the selections of
	// transfer requests.
	byReferent map[string][]string
	byLieu     map[string][]string
}

type lieu struct {
	code, nom, insee string
	actif            bool
}

type user struct {
	id, login, email, profil string
	person
	fonctions       []string
	etat            string
	created, pwd    day
	deactivated     day
	isCounsellor    bool
	hasDirection    bool
	naturalPerson   bool
	referentAllowed bool // may be referent of dossiers
}

// heldBy is a partner or an offer and its referent account.
type heldBy struct{ id, referent string }

func (s *structure) activeLieux() []lieu { return s.lieux[:s.nActifs] }

// region builds and writes the fixed part of the region.
func (g *gen) region() error {
	var totalWeight float64
	for _, d := range structureDefs {
		totalWeight += d.weight
	}
	shares := g.apportion(g.scaled(dossiersAtScale1, len(structureDefs)), totalWeight)
	for i, def := range structureDefs {
		s := &structure{idx: i, def: def, dept: strings.TrimPrefix(def.code, "ML-")[:2],
			nDossiers: shares[i], byReferent: map[string][]string{}, byLieu: map[string][]string{}}
		share := def.weight / totalWeight
		g.structs = append(g.structs, s)
		g.writeStructure(s)
		g.lieuxOf(s, g.scaled(lieuxAtScale1*share, 2))
		g.usersOf(s, g.scaled(usersAtScale1*share, 6))
	}
	logins := map[string]int{}
	for _, s := range g.structs {
		for _, u := range s.users {
			g.writeUser(s, u, logins)
		}
	}
	for _, s := range g.structs {
		share := s.def.weight / totalWeight
		g.partnersOf(s, g.scaled(partnersAtScale1*share, 8))
		g.offersOf(s, g.scaled(offersAtScale1*share, 2))
	}
	return g.certificates()
}

// apportion splits n among the structures by weight (largest remainders).
func (g *gen) apportion(n int, totalWeight float64) []int {
	out := make([]int, len(structureDefs))
	rest := make([]float64, len(structureDefs))
	given := 0
	for i, d := range structureDefs {
		exact := float64(n) * d.weight / totalWeight
		out[i] = int(math.Floor(exact))
		rest[i] = exact - float64(out[i])
		given += out[i]
	}
	for ; given < n; given++ {
		best := 0
		for i := range rest {
			if rest[i] > rest[best] {
				best = i
			}
		}
		out[best]++
		rest[best] = -1
	}
	return out
}

func (g *gen) writeStructure(s *structure) {
	w := g.out.structures
	w.str(s.def.code)
	w.str(s.def.nom)
	w.str(s.dept)
	w.str("Nouvelle-Aquitaine")
	w.str("direction@ml-" + s.def.slug + ".fr")
	w.end()
}

func communeByINSEE(insee string) commune {
	for _, c := range communes {
		if c.insee == insee {
			return c
		}
	}
	panic("demo: unknown commune " + insee)
}

// lieuxOf makes n active sites (the head office, then antennas in the
// structure's communes) and, in one structure in four, a closed one.
func (g *gen) lieuxOf(s *structure, n int) {
	num := strings.TrimPrefix(s.def.code, "ML-")
	for i := 0; i < n; i++ {
		c := communeByINSEE(s.def.communes[i%len(s.def.communes)])
		nom := "Antenne de " + c.nom
		switch {
		case i == 0:
			nom = "Siège – " + c.nom
		case i >= len(s.def.communes):
			nom = "Permanence " + strconv.Itoa(i/len(s.def.communes)+1) + " – " + c.nom
		}
		s.lieux = append(s.lieux, lieu{code: "L-" + num + "-" + string(appendPadded(nil, i+1, 2)), nom: nom, insee: c.insee, actif: true})
	}
	s.nActifs = n
	if s.idx%4 == 0 {
		c := communeByINSEE(s.def.communes[len(s.def.communes)-1])
		s.lieux = append(s.lieux, lieu{code: "L-" + num + "-" + string(appendPadded(nil, n+1, 2)), nom: "Ancienne permanence – " + c.nom, insee: c.insee})
	}
	for _, l := range s.lieux {
		w := g.out.lieux
		w.str(l.code)
		w.str(s.def.code)
		w.str(l.nom)
		w.str(l.insee)
		w.boolean(l.actif, ouiNon)
		w.end()
	}
}

// usersOf makes the structure's accounts: a director, a receptionist, a
// sector manager in the bigger ones, counsellors, and the accounts that some
// structures get wrong (two directors, a generic account, a departed
// counsellor still referent, a deactivated director).
func (g *gen) usersOf(s *structure, n int) {
	add := func(u *user) *user {
		u.id = "U" + strings.TrimPrefix(s.def.code, "ML-") + string(appendPadded(nil, len(s.users)+1, 3))
		if u.etat == "" {
			u.etat = "actif"
		}
		u.created = g.asOf - day(g.between(60, 3600))
		if u.etat == "actif" {
			u.pwd = g.asOf - day(g.between(1, 85))
		} else {
			u.pwd = u.created + day(g.between(0, 400))
			u.deactivated = g.asOf - day(g.between(10, 150))
			if u.pwd > u.deactivated {
				u.pwd = u.deactivated
			}
		}
		if u.prenom == "" {
			u.person = g.person(g.chance(0.7))
		}
		u.birth = g.asOf - day(g.between(23*365, 62*365))
		s.users = append(s.users, u)
		if u.etat == "actif" && u.naturalPerson {
			s.staff = append(s.staff, u)
			if u.isCounsellor {
				s.counsellors = append(s.counsellors, u)
			} else if s.reception == nil && !u.hasDirection {
				s.reception = u
			}
		}
		return u
	}
	fem := func(u *user, m, f string) string {
		if u.female {
			return f
		}
		return m
	}
	dir := &user{hasDirection: true, fonctions: []string{"direction", "validateur"}, naturalPerson: true}
	dir.person = g.person(g.chance(0.5))
	dir.profil = fem(dir, "Directeur", "Directrice")
	s.director = add(dir)
	acc := &user{naturalPerson: true}
	acc.person = g.person(g.chance(0.8))
	acc.profil = fem(acc, "Chargé d'accueil", "Chargée d'accueil")
	add(acc)
	rest := n - 2
	if n >= 9 {
		add(&user{profil: "Responsable de secteur", fonctions: []string{"validateur", "referent_dispositif"}, naturalPerson: true})
		rest--
	}
	for i := 0; i < rest; i++ {
		u := &user{isCounsellor: true, naturalPerson: true, fonctions: []string{"conseiller_referent"}}
		u.person = g.person(g.chance(0.7))
		u.profil = fem(u, "Conseiller", "Conseillère")
		if g.chance(0.6) {
			u.fonctions = append(u.fonctions, "prescripteur_dispositif")
		}
		if g.chance(0.2) {
			u.fonctions = append(u.fonctions, "referent_dispositif")
		}
		add(u)
	}
	// Accounts that some structures get wrong, and ordinary old ones.
	if s.idx%14 == 3 { // USR-01: a deputy with the function direction
		u := &user{hasDirection: true, fonctions: []string{"direction", "conseiller_referent"}, isCounsellor: true, naturalPerson: true}
		u.person = g.person(g.chance(0.5))
		u.profil = fem(u, "Directeur adjoint", "Directrice adjointe")
		add(u)
	}
	if s.idx%13 == 6 { // USR-05 (and USR-01): a former director deactivated with the function
		u := &user{hasDirection: true, fonctions: []string{"direction"}, etat: "desactive", naturalPerson: true}
		u.person = g.person(g.chance(0.5))
		u.profil = fem(u, "Directeur", "Directrice")
		add(u)
	}
	if s.idx%5 == 1 { // USR-04: a counsellor who left, still referent of dossiers
		u := &user{fonctions: []string{"conseiller_referent", "prescripteur_dispositif"}, etat: "desactive", naturalPerson: true}
		u.person = g.person(g.chance(0.7))
		u.profil = fem(u, "Conseiller", "Conseillère")
		s.departed = add(u)
	}
	if s.idx%4 == 2 { // a counsellor who left properly: nothing refers to it
		u := &user{fonctions: []string{"conseiller_referent"}, etat: "desactive", naturalPerson: true}
		u.person = g.person(g.chance(0.7))
		u.profil = fem(u, "Conseiller", "Conseillère")
		s.inactive = add(u)
	}
	if s.idx%3 == 0 { // an old unsubscribed account
		u := &user{etat: "desabonne", naturalPerson: true}
		u.person = g.person(g.chance(0.6))
		u.profil = fem(u, "Conseiller", "Conseillère")
		add(u)
	}
	switch s.idx % 9 {
	case 4: // USR-03: a shared reception account
		c := communeByINSEE(s.def.communes[0])
		add(&user{person: person{prenom: "Accueil", nom: c.nom}, login: "accueil." + slug(c.nom), profil: "Accueil"})
	case 7: // USR-03: a trainee account without a name
		add(&user{person: person{prenom: "Stagiaire", nom: "Équipe " + s.def.slug}, login: "stagiaire." + s.def.slug, profil: "Stagiaire"})
	}
}

// writeUser writes one account; logins are unique in the region.
func (g *gen) writeUser(s *structure, u *user, logins map[string]int) {
	if u.login == "" {
		base := slug(u.prenom)[:1] + "." + slug(u.nom)
		logins[base]++
		u.login = base
		if k := logins[base]; k > 1 {
			u.login = base + strconv.Itoa(k)
		}
	}
	if u.etat != "actif" || !g.hit(aUSR02, 0.02) {
		u.email = u.login + "@ml-" + s.def.slug + ".fr"
	}
	if u.etat == "actif" && g.hit(aUSR06, 0.05) {
		u.pwd = g.asOf - day(g.between(95, 500))
	}
	w := g.out.utilisateurs
	w.str(u.id)
	w.str(u.login)
	w.str(s.def.code)
	if !u.naturalPerson {
		w.empty()
	} else if u.female {
		w.str("Mme")
	} else {
		w.str("M")
	}
	w.str(u.prenom)
	w.str(u.nom)
	if u.naturalPerson && g.chance(0.7) {
		w.date(u.birth, frDate)
	} else {
		w.empty()
	}
	if u.email == "" {
		w.empty()
	} else {
		w.str(u.email)
	}
	w.str(u.profil)
	w.str(strings.Join(u.fonctions, "|"))
	switch u.etat {
	case "desactive":
		w.str("Désactivé")
	case "desabonne":
		w.str("Désabonné")
	default:
		w.str("Actif")
	}
	w.date(u.created, frDate)
	if u.etat == "actif" {
		w.empty()
	} else {
		w.date(u.deactivated, frDate)
	}
	w.date(u.pwd, frDate)
	w.end()
}

// partnersOf writes the structure's partner companies: most attached to the
// SIENE base with a valid SIRET; a few not attached, with an invalid, empty
// or shared SIRET.
func (g *gen) partnersOf(s *structure, n int) {
	var lastValid string
	for i := 0; i < n; i++ {
		id := "PA" + strings.TrimPrefix(s.def.code, "ML-") + string(appendPadded(nil, i+1, 4))
		ref := ""
		if len(s.counsellors) > 0 && g.chance(0.85) {
			ref = pick(g, s.counsellors).id
		}
		if s.departed != nil && i == 1 {
			ref = s.departed.id // USR-04: a partner still followed by the counsellor who left
		}
		actif := g.chance(0.95)
		attached := true
		siret := g.siret()
		if actif {
			attached = !g.hit(aSIE01, 0.08)
			switch {
			case g.hit(aSIE02, 0.015):
				if siret[:9] == laPosteSIREN || g.chance(0.3) {
					siret = siret[:13] // a digit lost
				} else {
					siret = siret[:13] + string('0'+(siret[13]-'0'+1)%10) // a typo in the last digit
				}
			case g.hit(aSIE03, 0.03):
				siret = ""
			case lastValid != "" && g.hit(aSIE04, 0.01):
				siret = lastValid // the same establishment entered twice
			}
		}
		if actif && ValidSIRET(siret) {
			lastValid = siret
		}
		emp := pick(g, employeurs)
		w := g.out.partenaires
		w.str(id)
		w.str(s.def.code)
		w.str(emp + " " + pick(g, formesJuridiques))
		if g.chance(0.6) {
			w.str(emp)
		} else {
			w.empty()
		}
		if siret != "" && g.chance(0.3) {
			siret = spacedSIRET(siret)
		}
		w.str(siret)
		w.boolean(attached, oneZero)
		w.str(ref)
		w.date(g.asOf-day(g.between(30, 3000)), frDate)
		w.boolean(actif, oneZero)
		w.end()
		if actif && ref != "" {
			s.partners = append(s.partners, heldBy{id: id, referent: ref})
		}
	}
}

// offersOf writes the structure's service offers.
func (g *gen) offersOf(s *structure, n int) {
	for i := 0; i < n; i++ {
		id := "OF" + strings.TrimPrefix(s.def.code, "ML-") + string(appendPadded(nil, i+1, 3))
		ref := pick(g, s.staff).id
		etat := "en_cours"
		switch x := g.r.IntN(20); {
		case x < 7:
			etat = "permanent"
		case x < 10:
			etat = "terminee"
		}
		w := g.out.offres
		w.str(id)
		w.str(s.def.code)
		w.str(pick(g, offresIntitules))
		w.str(ref)
		switch etat {
		case "en_cours":
			w.str("En cours")
		case "permanent":
			w.str("Permanent")
		default:
			w.str("Terminée")
		}
		w.end()
		if etat != "terminee" {
			s.offers = append(s.offers, heldBy{id: id, referent: ref})
		}
	}
}

// certificates writes one RGS certificate per structure (as an XLSX
// workbook with real Excel dates): two expired, three to renew within 15
// days, five within 60 days, the others later.
func (g *gen) certificates() error {
	order := g.r.Perm(len(g.structs))
	due := make([]day, len(g.structs))
	for rank, i := range order {
		switch {
		case rank < 2:
			due[i] = g.asOf - day(g.between(1, 40))
		case rank < 5:
			due[i] = g.asOf + day(g.between(0, 15))
		case rank < 10:
			due[i] = g.asOf + day(g.between(16, 60))
		default:
			due[i] = g.asOf + day(g.between(61, 3*365))
		}
	}
	rows := make([][]any, len(g.structs))
	for i, s := range g.structs {
		rows[i] = []any{s.def.code, s.director.id, xlsxDate(due[i])}
	}
	x, err := writeXLSX(g.dir, "certificats_rgs", []string{"code_structure", "id_porteur", "date_echeance"}, rows)
	if err != nil {
		return err
	}
	g.out.workbooks = append(g.out.workbooks, x)
	return nil
}
