package ingest

// The table specifications of extract-format.md: columns, types, required
// columns, keys, allowed codes and references. They are the allow-list every
// identifier spliced into the staging SQL comes from.

// Kind is the type of an extract column.
type Kind int

// Column kinds of the extract format.
const (
	Text         Kind = iota
	Date              // dd/mm/yyyy or yyyy-mm-dd
	DateTime          // a date and a local time
	DateOrTime        // a date, or a date and a local time
	Decimal           // 1234,56 or 1234.56
	Bool              // oui/non, o/n, vrai/faux, true/false, 1/0
	Code              // normalised, checked against Codes
	CodeList          // codes separated by |
	TextList          // values separated by |
	Month             // yyyy-mm
	Identifier        // letters, digits, - and _ (structure codes)
	SpacedDigits      // digits, spaces removed on the way in (SIRET)
)

// Column is one column of an extract table.
type Column struct {
	Name     string
	Kind     Kind
	Required bool
	Codes    []string // allowed codes, for Code and CodeList
	Ref      string   // referenced table ("" when none); its key is the target
	// Identity marks a column holding a person's identity: never printed
	// outside reports, dropped for archived dossiers.
	Identity bool
	// FreeText marks the free text dropped for archived dossiers' rows.
	FreeText bool
	// Transferable marks a column that a transfer can change.
	Transferable bool
	// Default is the value of an empty boolean ("" for none).
	Default string
}

// Table is one table of the extract format.
type Table struct {
	Name string
	// Key is the key column; for a composite key, its first column.
	Key string
	// CompositeKey lists the key's columns when there are more than one
	// (zones_couverture); such a table is referenced by no other.
	CompositeKey []string
	Columns      []Column
	// Dossier is the column linking a row to its dossier, for the rows whose
	// free text is dropped when the dossier is archived.
	Dossier string
}

// Column returns the named column.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// KeyColumns returns the columns of the table's key.
func (t *Table) KeyColumns() []string {
	if len(t.CompositeKey) > 0 {
		return t.CompositeKey
	}
	return []string{t.Key}
}

// ArchivedDrops tells whether column c is dropped from the rows of an
// archived dossier: identity columns on dossiers, free text elsewhere
// (rules.md ARC).
func (t *Table) ArchivedDrops(c Column) bool {
	if t.Name == "dossiers" {
		return c.Identity
	}
	return c.FreeText
}

var (
	civilites       = []string{"m", "mme"}
	fonctionsCodes  = []string{"direction", "conseiller_referent", "prescripteur_dispositif", "referent_dispositif", "validateur"}
	etatsUtil       = []string{"actif", "desactive", "desabonne"}
	statutsDossier  = []string{"partiel", "complet", "justifie"}
	codesDispositif = []string{"pacea", "cej", "diagnostic_approfondi", "garantie_jeunes", "eav", "cui", "parrainage", "autre"}
	etatsDispositif = []string{"initialise", "en_cours", "suspendu", "clos"}
	motifsSortie    = []string{"abandon", "non_respect_engagements", "acces_autonomie", "duree_maximale", "limite_age",
		"reorientation_autre_dispositif", "demenagement", "deces", "orientation_interne", "orientation_partenaire",
		"pacea", "cej", "autre"}
	natures        = []string{"entretien_individuel", "atelier", "information_collective", "telephone", "email", "sms", "courrier", "visite", "autre"}
	statutsRdv     = []string{"prevu", "present", "absent", "annule", "reporte", "non_precise"}
	typesSituation = []string{"formation", "emploi", "alternance", "demandeur_emploi", "scolarite", "immersion", "autre"}
	origines       = []string{"rafael", "ouiform", "intercarif", "catalogue_interne", "saisie_directe"}
	objectifs      = []string{"certification", "professionnalisation", "preparation_qualification", "perfectionnement",
		"remobilisation", "remise_a_niveau", "creation_entreprise"}
	financeurs        = []string{"region", "etat", "france_travail", "opco", "entreprise", "autre"}
	etatsOffre        = []string{"en_cours", "permanent", "terminee"}
	statutsAllocation = []string{"enregistree", "soumise", "validee", "transmise_asp"}
	niveauxFormation  = []string{"infra_3", "3", "4", "5", "6", "7", "8"}
	prestationsJ2     = []string{"activ_crea", "autre"}
	resultatsJ2       = []string{"a_poursuivi", "n_a_pas_poursuivi"}
	statutsRGPD       = []string{"accord_numerique", "accord_papier", "en_attente", "refus"}
	typesActionJ2     = []string{"individuelle", "collective", "absence"}
	presencesJ2       = []string{"prevue", "presente", "absente", "excusee"}
	typesTransfert    = []string{"conseiller_referent", "lieu_rattachement", "referent_partenaire", "referent_offre", "reference",
		"offre_vers_offre", "dossier_vers_dossier", "partenaire_vers_partenaire"}
)

// Tables lists the extract tables in load order: a table comes after every
// table it references.
var Tables = []*Table{
	{Name: "structures", Key: "code_structure", Columns: []Column{
		{Name: "code_structure", Kind: Identifier, Required: true},
		{Name: "nom", Kind: Text, Required: true},
		{Name: "departement", Kind: Text, Required: true},
		{Name: "region", Kind: Text},
		{Name: "email_direction", Kind: Text, Identity: true}, // a person's address: never printed, not in the lake
	}},
	{Name: "lieux", Key: "code_lieu", Columns: []Column{
		{Name: "code_lieu", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "nom", Kind: Text, Required: true},
		{Name: "commune_insee", Kind: Text},
		{Name: "actif", Kind: Bool, Default: "true"},
	}},
	{Name: "utilisateurs", Key: "id_utilisateur", Columns: []Column{
		{Name: "id_utilisateur", Kind: Text, Required: true},
		{Name: "identifiant", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "civilite", Kind: Code, Codes: civilites},
		{Name: "prenom", Kind: Text, Required: true, Identity: true},
		{Name: "nom", Kind: Text, Required: true, Identity: true},
		{Name: "date_naissance", Kind: Date, Identity: true},
		{Name: "email", Kind: Text, Identity: true},
		{Name: "profil", Kind: Text},
		{Name: "fonctions", Kind: CodeList, Codes: fonctionsCodes},
		{Name: "etat", Kind: Code, Required: true, Codes: etatsUtil},
		{Name: "date_creation", Kind: Date},
		{Name: "date_desactivation", Kind: Date},
		{Name: "date_changement_mot_de_passe", Kind: Date},
	}},
	{Name: "dossiers", Key: "id_dossier", Columns: []Column{
		{Name: "id_dossier", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "civilite", Kind: Code, Required: true, Codes: civilites},
		{Name: "prenom", Kind: Text, Required: true, Identity: true},
		{Name: "nom_usage", Kind: Text, Required: true, Identity: true},
		{Name: "nom_naissance", Kind: Text, Identity: true},
		{Name: "date_naissance", Kind: Date, Required: true, Identity: true},
		{Name: "statut", Kind: Code, Codes: statutsDossier},
		{Name: "identite_justifiee", Kind: Bool},
		{Name: "nir", Kind: Text, Identity: true},
		{Name: "nir_certifie", Kind: Bool},
		{Name: "email", Kind: Text, Identity: true},
		{Name: "telephone_mobile", Kind: Text, Identity: true},
		{Name: "telephone_fixe", Kind: Text, Identity: true},
		{Name: "adresse_voie", Kind: Text, Identity: true},
		{Name: "adresse_complement", Kind: Text, Identity: true},
		{Name: "code_postal", Kind: Text},
		{Name: "commune_insee", Kind: Text},
		{Name: "adresse_normalisee", Kind: Bool},
		{Name: "npai", Kind: Bool},
		{Name: "qpv", Kind: Bool},
		{Name: "zrr", Kind: Bool},
		{Name: "numero_france_travail", Kind: Text, Identity: true},
		{Name: "numero_allocataire", Kind: Text, Identity: true},
		{Name: "id_conseiller_referent", Kind: Text, Ref: "utilisateurs", Transferable: true},
		{Name: "code_lieu_rattachement", Kind: Text, Ref: "lieux", Transferable: true},
		{Name: "date_inscription", Kind: Date, Required: true},
		{Name: "niveau_formation", Kind: Code, Codes: niveauxFormation},
		{Name: "date_derniere_maj", Kind: DateTime},
	}},
	{Name: "dispositifs", Key: "id_dispositif", Dossier: "id_dossier", Columns: []Column{
		{Name: "id_dispositif", Kind: Text, Required: true},
		{Name: "id_dossier", Kind: Text, Required: true, Ref: "dossiers"},
		{Name: "code_dispositif", Kind: Code, Required: true, Codes: codesDispositif},
		{Name: "etat", Kind: Code, Required: true, Codes: etatsDispositif},
		{Name: "date_entree", Kind: Date, Required: true},
		{Name: "date_sortie", Kind: Date},
		{Name: "motif_sortie", Kind: Code, Codes: motifsSortie},
		{Name: "date_saisie_sortie", Kind: DateTime},
		{Name: "id_prescripteur", Kind: Text, Ref: "utilisateurs"},
		{Name: "numero_cerfa", Kind: Text},
	}},
	{Name: "evenements", Key: "id_evenement", Dossier: "id_dossier", Columns: []Column{
		{Name: "id_evenement", Kind: Text, Required: true},
		{Name: "id_dossier", Kind: Text, Required: true, Ref: "dossiers"},
		{Name: "date_evenement", Kind: DateOrTime, Required: true},
		{Name: "nature", Kind: Code, Required: true, Codes: natures},
		{Name: "id_utilisateur", Kind: Text, Ref: "utilisateurs"},
		{Name: "code_lieu", Kind: Text, Ref: "lieux", Transferable: true},
		{Name: "contexte", Kind: Text, Transferable: true},
		{Name: "commentaire", Kind: Text, FreeText: true},
	}},
	{Name: "rendez_vous", Key: "id_rdv", Dossier: "id_dossier", Columns: []Column{
		{Name: "id_rdv", Kind: Text, Required: true},
		{Name: "id_dossier", Kind: Text, Required: true, Ref: "dossiers"},
		{Name: "date_heure", Kind: DateTime, Required: true},
		{Name: "id_utilisateur", Kind: Text, Ref: "utilisateurs"},
		{Name: "code_lieu", Kind: Text, Ref: "lieux", Transferable: true},
		{Name: "objet", Kind: Text, FreeText: true},
		{Name: "statut", Kind: Code, Required: true, Codes: statutsRdv},
		{Name: "motif_absence", Kind: Text, FreeText: true},
		{Name: "date_creation", Kind: DateTime},
	}},
	{Name: "situations", Key: "id_situation", Dossier: "id_dossier", Columns: []Column{
		{Name: "id_situation", Kind: Text, Required: true},
		{Name: "id_dossier", Kind: Text, Required: true, Ref: "dossiers"},
		{Name: "type_situation", Kind: Code, Required: true, Codes: typesSituation},
		{Name: "date_debut", Kind: Date, Required: true},
		{Name: "date_fin_prevue", Kind: Date},
		{Name: "date_fin_reelle", Kind: Date},
		{Name: "origine", Kind: Code, Codes: origines},
		{Name: "objectif_formation", Kind: Code, Codes: objectifs},
		{Name: "validation_preparee", Kind: Text},
		{Name: "niveau", Kind: Text},
		{Name: "financeur", Kind: Code, Codes: financeurs},
		{Name: "prestation_france_travail", Kind: Bool},
		{Name: "organisme", Kind: Text, Transferable: true},
		{Name: "intitule", Kind: Text},
		{Name: "motif_interruption", Kind: Text},
		{Name: "commentaire", Kind: Text, FreeText: true},
	}},
	{Name: "partenaires", Key: "id_partenaire", Columns: []Column{
		{Name: "id_partenaire", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "raison_sociale", Kind: Text, Required: true},
		{Name: "enseigne", Kind: Text},
		{Name: "siret", Kind: SpacedDigits},
		{Name: "rattache_siene", Kind: Bool, Required: true},
		{Name: "id_conseiller_referent", Kind: Text, Ref: "utilisateurs", Transferable: true},
		{Name: "date_creation", Kind: Date},
		{Name: "actif", Kind: Bool, Default: "true"},
	}},
	{Name: "offres_service", Key: "id_offre", Columns: []Column{
		{Name: "id_offre", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "intitule", Kind: Text, Required: true},
		{Name: "id_referent", Kind: Text, Ref: "utilisateurs", Transferable: true},
		{Name: "etat", Kind: Code, Required: true, Codes: etatsOffre},
	}},
	{Name: "allocations", Key: "id_allocation", Columns: []Column{
		{Name: "id_allocation", Kind: Text, Required: true},
		{Name: "id_dispositif", Kind: Text, Required: true, Ref: "dispositifs"},
		{Name: "mois", Kind: Month, Required: true},
		{Name: "montant", Kind: Decimal, Required: true},
		{Name: "statut", Kind: Code, Required: true, Codes: statutsAllocation},
		{Name: "date_demande", Kind: Date, Required: true},
	}},
	{Name: "ressources", Key: "id_ressource", Dossier: "id_dossier", Columns: []Column{
		{Name: "id_ressource", Kind: Text, Required: true},
		{Name: "id_dossier", Kind: Text, Required: true, Ref: "dossiers"},
		{Name: "type_ressource", Kind: Text, Required: true},
		{Name: "montant_mensuel", Kind: Decimal, Required: true},
		{Name: "date_debut", Kind: Date, Required: true},
		{Name: "date_fin", Kind: Date},
	}},
	{Name: "certificats_rgs", Key: "code_structure", Columns: []Column{
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "id_porteur", Kind: Text, Ref: "utilisateurs"},
		{Name: "date_echeance", Kind: Date, Required: true},
	}},
	{Name: "transferts", Key: "id_transfert", Columns: []Column{
		{Name: "id_transfert", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "type_transfert", Kind: Code, Required: true, Codes: typesTransfert},
		{Name: "table_reference", Kind: Text},
		{Name: "source", Kind: Text, Required: true},
		{Name: "destination", Kind: Text, Required: true},
		{Name: "selection", Kind: TextList},
		{Name: "date_demande", Kind: DateTime, Required: true},
		{Name: "demandeur", Kind: Text, Ref: "utilisateurs"},
	}},
	{Name: "zones_couverture", Key: "code_structure", CompositeKey: []string{"code_structure", "commune_insee"}, Columns: []Column{
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "commune_insee", Kind: Text, Required: true},
	}},
	// The J2 (Jungo) tables of Activ'Créa.
	{Name: "j2_entrepreneurs", Key: "id_entrepreneur", Columns: []Column{
		{Name: "id_entrepreneur", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "civilite", Kind: Code, Codes: civilites},
		{Name: "prenom", Kind: Text, Required: true, Identity: true},
		{Name: "nom", Kind: Text, Required: true, Identity: true},
		{Name: "date_naissance", Kind: Date, Identity: true},
		{Name: "email", Kind: Text, Identity: true},
		{Name: "telephone", Kind: Text, Identity: true},
		{Name: "accepte_contact_email", Kind: Bool},
		{Name: "accepte_contact_sms", Kind: Bool},
		{Name: "statut_rgpd", Kind: Code, Codes: statutsRGPD},
	}},
	{Name: "j2_parcours", Key: "id_parcours", Columns: []Column{
		{Name: "id_parcours", Kind: Text, Required: true},
		{Name: "id_entrepreneur", Kind: Text, Required: true, Ref: "j2_entrepreneurs"},
		{Name: "prestation", Kind: Code, Required: true, Codes: prestationsJ2},
		{Name: "date_debut", Kind: Date, Required: true},
		{Name: "date_fin_theorique", Kind: Date},
		{Name: "resultat_entretien_initial", Kind: Code, Codes: resultatsJ2},
		{Name: "date_entretien_final", Kind: Date},
		{Name: "date_abandon", Kind: Date},
	}},
	{Name: "j2_actions", Key: "id_action", Columns: []Column{
		{Name: "id_action", Kind: Text, Required: true},
		{Name: "code_structure", Kind: Text, Required: true, Ref: "structures"},
		{Name: "intitule", Kind: Text},
		{Name: "type_action", Kind: Code, Required: true, Codes: typesActionJ2},
		{Name: "date_debut", Kind: DateOrTime, Required: true},
		{Name: "date_fin", Kind: DateOrTime},
		{Name: "lieu", Kind: Text},
		{Name: "id_intervenant", Kind: Text},
	}},
	{Name: "j2_participations", Key: "id_participation", Columns: []Column{
		{Name: "id_participation", Kind: Text, Required: true},
		{Name: "id_action", Kind: Text, Required: true, Ref: "j2_actions"},
		{Name: "id_entrepreneur", Kind: Text, Required: true, Ref: "j2_entrepreneurs"},
		{Name: "id_parcours", Kind: Text, Ref: "j2_parcours"},
		{Name: "presence", Kind: Code, Required: true, Codes: presencesJ2},
	}},
}

// TableByName returns the spec of an extract table.
func TableByName(name string) (*Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}
