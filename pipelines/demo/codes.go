package demo

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
