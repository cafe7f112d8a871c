package demo

// Reference data of the synthetic region: the 43 Missions Locales of a
// Nouvelle-Aquitaine look-alike, their communes, French names and the French
// texts the rows carry. Lists, never maps: generation must not depend on map
// iteration order.

type commune struct{ insee, cp, nom string }

var communes = []commune{
	{"16015", "16000", "Angoulême"}, {"16374", "16800", "Soyaux"}, {"16113", "16400", "La Couronne"},
	{"16102", "16100", "Cognac"}, {"16167", "16200", "Jarnac"}, {"16106", "16500", "Confolens"},
	{"16070", "16150", "Chabanais"}, {"16292", "16700", "Ruffec"},
	{"17300", "17000", "La Rochelle"}, {"17028", "17440", "Aytré"}, {"17299", "17300", "Rochefort"},
	{"17415", "17100", "Saintes"}, {"17197", "17500", "Jonzac"}, {"17306", "17200", "Royan"},
	{"17434", "17700", "Surgères"}, {"17347", "17400", "Saint-Jean-d'Angély"},
	{"19031", "19100", "Brive-la-Gaillarde"}, {"19123", "19360", "Malemort"}, {"19272", "19000", "Tulle"},
	{"19073", "19300", "Égletons"}, {"19275", "19200", "Ussel"},
	{"23096", "23000", "Guéret"}, {"23008", "23200", "Aubusson"}, {"23176", "23300", "La Souterraine"},
	{"23030", "23400", "Bourganeuf"},
	{"24322", "24000", "Périgueux"}, {"24053", "24750", "Boulazac Isle Manoire"}, {"24037", "24100", "Bergerac"},
	{"24520", "24200", "Sarlat-la-Canéda"}, {"24547", "24120", "Terrasson-Lavilledieu"}, {"24352", "24600", "Ribérac"},
	{"24311", "24300", "Nontron"},
	{"33063", "33000", "Bordeaux"}, {"33039", "33130", "Bègles"}, {"33522", "33400", "Talence"},
	{"33192", "33170", "Gradignan"}, {"33550", "33140", "Villenave-d'Ornon"}, {"33281", "33700", "Mérignac"},
	{"33318", "33600", "Pessac"}, {"33449", "33160", "Saint-Médard-en-Jalles"}, {"33200", "33185", "Le Haillan"},
	{"33119", "33150", "Cenon"}, {"33249", "33310", "Lormont"}, {"33243", "33500", "Libourne"},
	{"33240", "33340", "Lesparre-Médoc"}, {"33009", "33120", "Arcachon"}, {"33529", "33260", "La Teste-de-Buch"},
	{"33227", "33210", "Langon"}, {"33058", "33390", "Blaye"},
	{"40192", "40000", "Mont-de-Marsan"}, {"40001", "40800", "Aire-sur-l'Adour"}, {"40088", "40100", "Dax"},
	{"40279", "40990", "Saint-Paul-lès-Dax"}, {"40312", "40220", "Tarnos"}, {"40184", "40200", "Mimizan"},
	{"47001", "47000", "Agen"}, {"47201", "47520", "Le Passage"}, {"47195", "47600", "Nérac"},
	{"47323", "47300", "Villeneuve-sur-Lot"}, {"47157", "47200", "Marmande"}, {"47310", "47400", "Tonneins"},
	{"64445", "64000", "Pau"}, {"64348", "64140", "Lons"}, {"64102", "64100", "Bayonne"},
	{"64024", "64600", "Anglet"}, {"64122", "64200", "Biarritz"}, {"64483", "64500", "Saint-Jean-de-Luz"},
	{"64430", "64300", "Orthez"}, {"64422", "64400", "Oloron-Sainte-Marie"},
	{"79191", "79000", "Niort"}, {"79174", "79500", "Melle"}, {"79049", "79300", "Bressuire"},
	{"79202", "79200", "Parthenay"}, {"79329", "79100", "Thouars"},
	{"86194", "86000", "Poitiers"}, {"86041", "86180", "Buxerolles"}, {"86066", "86100", "Châtellerault"},
	{"86137", "86200", "Loudun"}, {"86165", "86500", "Montmorillon"}, {"86078", "86400", "Civray"},
	{"87085", "87000", "Limoges"}, {"87114", "87350", "Panazol"}, {"87154", "87200", "Saint-Junien"},
	{"87011", "87300", "Bellac"}, {"87187", "87500", "Saint-Yrieix-la-Perche"},
}

// structureDef describes one Mission Locale: its code, name, the slug of its
// e-mail domain, a relative size and the INSEE codes of the communes it
// serves (the first one holds its head office).
type structureDef struct {
	code, nom, slug string
	weight          float64
	communes        []string
}

var structureDefs = []structureDef{
	{"ML-16001", "Mission Locale de l'Angoumois", "angoumois", 1.8, []string{"16015", "16374", "16113"}},
	{"ML-16002", "Mission Locale Arc Charente", "arc-charente", 1.0, []string{"16102", "16167", "16292"}},
	{"ML-16003", "Mission Locale de la Charente Limousine", "charente-limousine", 0.5, []string{"16106", "16070"}},
	{"ML-17001", "Mission Locale La Rochelle Ré Pays d'Aunis", "larochelle", 1.8, []string{"17300", "17028", "17434"}},
	{"ML-17002", "Mission Locale du Pays Rochefortais", "rochefort", 0.9, []string{"17299"}},
	{"ML-17003", "Mission Locale de la Saintonge", "saintonge", 1.0, []string{"17415", "17347"}},
	{"ML-17004", "Mission Locale de la Haute-Saintonge", "haute-saintonge", 0.6, []string{"17197"}},
	{"ML-17005", "Mission Locale du Pays Royannais", "royannais", 0.8, []string{"17306"}},
	{"ML-19001", "Mission Locale de l'arrondissement de Brive", "brive", 1.2, []string{"19031", "19123"}},
	{"ML-19002", "Mission Locale de Tulle", "tulle", 0.7, []string{"19272", "19073"}},
	{"ML-19003", "Mission Locale de la Haute-Corrèze", "haute-correze", 0.5, []string{"19275"}},
	{"ML-23001", "Mission Locale de la Creuse", "creuse", 0.8, []string{"23096", "23008", "23176", "23030"}},
	{"ML-24001", "Mission Locale du Grand Périgueux", "grand-perigueux", 1.3, []string{"24322", "24053"}},
	{"ML-24002", "Mission Locale du Bergeracois", "bergeracois", 1.0, []string{"24037"}},
	{"ML-24003", "Mission Locale du Périgord Noir", "perigord-noir", 0.8, []string{"24520", "24547"}},
	{"ML-24004", "Mission Locale du Ribéracois et de la Vallée de l'Isle", "riberacois", 0.5, []string{"24352", "24311"}},
	{"ML-33001", "Mission Locale de Bordeaux", "bordeaux", 3.0, []string{"33063"}},
	{"ML-33002", "Mission Locale des Graves", "graves", 1.6, []string{"33039", "33522", "33192", "33550"}},
	{"ML-33003", "Mission Locale Technowest", "technowest", 1.5, []string{"33281", "33318", "33449", "33200"}},
	{"ML-33004", "Mission Locale des Hauts de Garonne", "hauts-de-garonne", 2.0, []string{"33119", "33249"}},
	{"ML-33005", "Mission Locale du Libournais", "libournais", 1.3, []string{"33243"}},
	{"ML-33006", "Mission Locale du Médoc", "medoc", 1.0, []string{"33240"}},
	{"ML-33007", "Mission Locale du Bassin d'Arcachon et du Val de l'Eyre", "bassin-arcachon", 1.2, []string{"33009", "33529"}},
	{"ML-33008", "Mission Locale Sud Gironde", "sud-gironde", 1.1, []string{"33227"}},
	{"ML-33009", "Mission Locale de la Haute Gironde", "haute-gironde", 0.9, []string{"33058"}},
	{"ML-40001", "Mission Locale des Landes", "landes", 1.5, []string{"40192", "40001", "40184"}},
	{"ML-40002", "Mission Locale du Grand Dax", "grand-dax", 1.0, []string{"40088", "40279"}},
	{"ML-40003", "Mission Locale du Seignanx et du Sud Landes", "seignanx", 0.6, []string{"40312"}},
	{"ML-47001", "Mission Locale de l'Agenais, de l'Albret et du Confluent", "agenais", 1.2, []string{"47001", "47201", "47195"}},
	{"ML-47002", "Mission Locale du Pays Villeneuvois", "villeneuvois", 0.8, []string{"47323"}},
	{"ML-47003", "Mission Locale de la Moyenne Garonne", "moyenne-garonne", 0.8, []string{"47157", "47310"}},
	{"ML-64001", "Mission Locale Pau Pyrénées", "pau-pyrenees", 1.6, []string{"64445", "64348"}},
	{"ML-64002", "Mission Locale Avenir Jeunes Pays Basque", "pays-basque", 1.5, []string{"64102", "64024", "64122", "64483"}},
	{"ML-64003", "Mission Locale du Béarn des Gaves", "bearn-gaves", 0.7, []string{"64430"}},
	{"ML-64004", "Mission Locale du Haut-Béarn", "haut-bearn", 0.5, []string{"64422"}},
	{"ML-79001", "Mission Locale du Sud Deux-Sèvres", "sud-deux-sevres", 1.3, []string{"79191", "79174"}},
	{"ML-79002", "Mission Locale du Nord Deux-Sèvres", "nord-deux-sevres", 0.9, []string{"79049", "79329"}},
	{"ML-79003", "Mission Locale de Gâtine", "gatine", 0.5, []string{"79202"}},
	{"ML-86001", "Mission Locale d'Insertion du Poitou", "poitou", 1.6, []string{"86194", "86041"}},
	{"ML-86002", "Mission Locale du Nord Vienne", "nord-vienne", 0.9, []string{"86066", "86137"}},
	{"ML-86003", "Mission Locale Rurale Centre et Sud Vienne", "sud-vienne", 0.6, []string{"86165", "86078"}},
	{"ML-87001", "Mission Locale de l'Agglomération de Limoges", "limoges", 1.6, []string{"87085", "87114"}},
	{"ML-87002", "Mission Locale Rurale de la Haute-Vienne", "rurale-haute-vienne", 0.8, []string{"87154", "87011", "87187"}},
}

var prenomsF = []string{
	"Chloé", "Léa", "Maëlys", "Anaïs", "Éloïse", "Zoé", "Hélène", "Gaëlle", "Thérèse", "Cécile", "Emma", "Jade",
	"Louise", "Inès", "Manon", "Camille", "Sarah", "Lucie", "Océane", "Mélissa", "Clémence", "Noémie", "Aurélie",
	"Élodie", "Agathe", "Laïla", "Yasmine", "Fatoumata", "Amélie", "Célia", "Maëva", "Juliette", "Lina", "Ambre",
	"Énora", "Héloïse", "Solène", "Margaux", "Nadège", "Anne-Sophie", "Marie-Lou", "Aïcha", "Björk", "Josiane",
}

var prenomsM = []string{
	"Jérôme", "François", "Noël", "Benoît", "Loïc", "Lucas", "Hugo", "Théo", "Nathan", "Mathéo", "Enzo", "Raphaël",
	"Gaël", "Maël", "Aurélien", "Sébastien", "Frédéric", "Clément", "Rémi", "Jérémy", "Cédric", "Adrien", "Bastien",
	"Mehdi", "Yanis", "Mamadou", "Karim", "Kévin", "Timothée", "Éric", "Stéphane", "Joël", "Valentin", "Alexis",
	"Léo", "Noé", "Côme", "Anthony", "Dylan", "Jean-Baptiste", "Iñaki", "Ibrahim", "Thibault", "Grégoire",
}

var noms = []string{
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
	"Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
	"André", "Mercier", "Dupont", "Lambert", "Bonnet", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
	"Blanc", "Guérin", "Muller", "Henry", "Perrin", "Morin", "Mathieu", "Gauthier", "Dumont", "Lopez", "Fontaine",
	"Chevalier", "Robin", "Debout", "Bégaudeau", "Lévêque", "Ménard", "Bréchet", "Gréau", "Séguin", "Hérault",
	"Dufrêne", "Lacôte", "Bouché", "Castéra", "Etchegaray", "Iriart", "Larrère", "Darrigrand", "Labèque",
	"Peyrègne", "Lagardère", "Brémond", "Fénelon", "N'Diaye", "Le Goff", "Da Silva", "Nguyen", "Benali",
	"Traoré", "Mendès", "Chastaing", "Delpech", "Faucher", "Mérillou", "Vergnaud", "Lacroix", "Combeau",
	"Peyrot", "Lapeyre", "Sauvé", "Coëffé", "Barthélemy",
}

var voies = []string{
	"rue Victor Hugo", "avenue Jean Jaurès", "rue de la République", "place du Marché", "allée des Châtaigniers",
	"chemin des Vignes", "rue Émile Zola", "impasse des Lilas", "boulevard Gambetta", "rue Pasteur",
	"cours de l'Yser", "rue du Général de Gaulle", "route de Périgueux", "rue des Écoles", "avenue de la Libération",
	"rue Jean Moulin", "rue du Château d'Eau", "résidence Les Érables", "rue Sainte-Catherine", "quai des Chartrons",
}

var complements = []string{"Bât. B", "Appartement 12", "Résidence Les Pins, appt 4", "Chez M. et Mme Lacroix", "Escalier C, 3e étage", "Foyer de jeunes travailleurs"}

var contextes = []string{
	"Premier accueil", "Suivi PACEA", "Suivi CEJ", "Diagnostic approfondi", "Atelier CV", "Recherche d'emploi",
	"Accès au logement", "Santé", "Mobilité – permis de conduire", "Relance", "Projet de formation",
	"Information collective CEJ", "Entretien de situation",
}

var commentaires = []string{
	"Le jeune souhaite s'orienter vers les métiers de la restauration.",
	"Point fait sur les démarches de recherche d'emploi ; relance prévue la semaine prochaine.",
	"A déposé trois candidatures en boulangerie, attend des réponses.",
	"Difficultés de mobilité : pas de permis, horaires de bus incompatibles.",
	"Orientation vers le CFA pour un CAP cuisine en alternance.",
	"Demande d'aide financière pour l'achat d'une tenue de travail.",
	"Logement précaire, hébergé chez un ami. Orientation vers le FJT.",
	"Entretien motivé, projet clair : aide-soignant(e).",
	"Ne s'est pas présenté(e) à l'atelier ; appel sans réponse.",
	"Immersion en entreprise réussie, l'employeur propose un contrat.",
	"Bilan du mois : assiduité correcte, objectifs atteints.",
	"Souhaite passer le code de la route ; inscription à l'auto-école sociale.",
	"Besoin d'un accompagnement santé (rendez-vous médecin à prévoir).",
	"Travaille en intérim depuis deux semaines, très satisfait(e).",
	"Projet de reprise d'études : BTS \"Management commercial opérationnel\".",
	"Rencontre avec le conseiller France Travail en tripartite.",
	"Signature de l'engagement, présentation du planning des quinze heures hebdomadaires.",
	"Atelier « Se présenter à un employeur » : participation active.",
}

var objetsRdv = []string{
	"Point sur le projet professionnel", "Signature du contrat d'engagement", "Bilan mensuel CEJ",
	"Préparation d'un entretien d'embauche", "Recherche de formation", "Aide à la rédaction du CV",
	"Point logement", "Suivi PACEA", "Premier rendez-vous", "Demande d'allocation", "Bilan de fin de parcours",
	"Accompagnement santé", "Préparation de l'immersion",
}

var motifsAbsence = []string{"Malade", "Oubli", "Problème de transport", "Entretien d'embauche le même jour", "Garde d'enfant", "Non excusé"}

var organismesFormation = []string{
	"AFPA Bordeaux-Bègles", "GRETA Nord-Aquitaine", "GRETA Sud-Aquitaine", "CFA BTP de la Charente",
	"CFA des métiers de Limoges", "IRFA Sud-Ouest", "Institut de formation d'aides-soignants de Périgueux",
	"École de la 2e Chance de Bordeaux", "EPIDE de Bordeaux", "CLPS", "Lycée professionnel Jean Moulin",
	"Maison Familiale Rurale de Saint-Yrieix",
}

var intitulesFormation = []string{
	"Titre professionnel Agent de restauration", "CAP Cuisine", "CAP Accompagnant éducatif petite enfance",
	"Titre professionnel Préparateur de commandes en entrepôt", "Remise à niveau savoirs de base",
	"Préparation au concours d'aide-soignant(e)", "Titre professionnel Employé commercial en magasin",
	"Habilitation électrique et CACES R489", "Formation « Compétences clés numériques »",
	"Titre professionnel Serveur en restauration", "Parcours de remobilisation « Déclic »",
	"BTS Management commercial opérationnel",
}

var validations = []string{
	"Titre professionnel de niveau 3", "CAP", "Certificat de qualification professionnelle", "Aucune",
	"Baccalauréat professionnel", "Habilitation", "CléA",
}

var niveaux = []string{"3 (CAP, BEP)", "4 (Bac)", "5 (Bac+2)", "Infra 3", "6 (Licence)"}

var intitulesEmploi = []string{
	"Employé(e) polyvalent(e) de restauration", "Agent d'entretien", "Vendeur(se) en boulangerie",
	"Préparateur(trice) de commandes", "Aide à domicile", "Ouvrier(ère) agricole – vendanges",
	"Animateur(trice) périscolaire", "Manœuvre BTP", "Hôte(sse) de caisse", "Serveur(se)",
}

var employeurs = []string{
	"Boulangerie Dupré", "Transports Lévêque", "Garage Martinez", "EHPAD Les Tilleuls", "Supermarché Côté Marché",
	"Château Lagardère", "Menuiserie Bréchet", "Hôtel du Lac", "Commune de Bègles", "Crêperie Ty Breizh",
	"Élevage Peyrègne", "Pharmacie Centrale", "Le Fournil d'Éloïse", "Entreprise Séguin Bâtiment",
	"Association Aide à Domicile 33", "Café de la Gare", "Coopérative Agricole du Périgord", "Logistique Atlantique",
	"Chocolaterie Fénelon", "Imprimerie Gréau", "Plomberie Lacôte", "Pizzeria Da Silva", "Restaurant \"L'Étable\"",
	"Clinique Sainte-Anne", "Jardinerie Les Érables", "Auto-école Combeau", "Librairie Mérillou",
}

var formesJuridiques = []string{"SARL", "SAS", "SASU", "EURL", "SA", "Association", "EI"}

var offresIntitules = []string{
	"Atelier CV et lettre de motivation", "Permanence santé", "Accompagnement au permis de conduire",
	"Job dating saisonnier", "Aide à l’accès au logement", "Cœur de métier : découverte de l’artisanat", "Parrainage vers l'emploi", "Atelier « Bien-être et confiance en soi »",
	"Découverte des métiers du numérique", "Point information Garantie jeunes", "Club emploi", "Atelier budget",
}

var typesRessource = []string{"Salaire", "Indemnités chômage", "Pension alimentaire", "Bourse d'études", "Prime d'activité", "Revenu de stage"}

var interruptions = []string{"Abandon", "Problème de santé", "Accès à l'emploi", "Déménagement", "Exclusion de la formation"}
