-- 0001_schema: the warehouse tables of extract-format.md, plus the run record.
--
-- Data tables carry the names and columns of the extract format, with native
-- types. Date-times are TIMESTAMP without zone and mean Europe/Paris local
-- time, as the extractions give them. Keys are unique by construction (the
-- ingestion quarantines duplicate keys and upserts by key); no index is
-- declared so that bulk upserts stay fast.

CREATE TABLE structures (
    code_structure  VARCHAR NOT NULL,
    nom             VARCHAR NOT NULL,
    departement     VARCHAR NOT NULL,
    region          VARCHAR,
    email_direction VARCHAR
);

CREATE TABLE lieux (
    code_lieu      VARCHAR NOT NULL,
    code_structure VARCHAR NOT NULL,
    nom            VARCHAR NOT NULL,
    commune_insee  VARCHAR,
    actif          BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE utilisateurs (
    id_utilisateur               VARCHAR NOT NULL,
    identifiant                  VARCHAR NOT NULL,
    code_structure               VARCHAR NOT NULL,
    civilite                     VARCHAR,
    prenom                       VARCHAR NOT NULL,
    nom                          VARCHAR NOT NULL,
    date_naissance               DATE,
    email                        VARCHAR,
    profil                       VARCHAR,
    fonctions                    VARCHAR[],
    etat                         VARCHAR NOT NULL,
    date_creation                DATE,
    date_desactivation           DATE,
    date_changement_mot_de_passe DATE
);

CREATE TABLE dossiers (
    id_dossier             VARCHAR NOT NULL,
    code_structure         VARCHAR NOT NULL,
    civilite               VARCHAR NOT NULL,
    prenom                 VARCHAR,
    nom_usage              VARCHAR,
    nom_naissance          VARCHAR,
    date_naissance         DATE,
    statut                 VARCHAR,
    identite_justifiee     BOOLEAN,
    nir                    VARCHAR,
    nir_certifie           BOOLEAN,
    email                  VARCHAR,
    telephone_mobile       VARCHAR,
    telephone_fixe         VARCHAR,
    adresse_voie           VARCHAR,
    adresse_complement     VARCHAR,
    code_postal            VARCHAR,
    commune_insee          VARCHAR,
    adresse_normalisee     BOOLEAN,
    npai                   BOOLEAN,
    qpv                    BOOLEAN,
    zrr                    BOOLEAN,
    numero_france_travail  VARCHAR,
    numero_allocataire     VARCHAR,
    id_conseiller_referent VARCHAR,
    code_lieu_rattachement VARCHAR,
    date_inscription       DATE NOT NULL,
    date_derniere_maj      TIMESTAMP,
    -- kept by vigie, never read from an extraction
    annee_naissance        INTEGER,
    archive                BOOLEAN NOT NULL DEFAULT false,
    date_archivage         DATE,
    motif_archivage        VARCHAR
);

CREATE TABLE dispositifs (
    id_dispositif      VARCHAR NOT NULL,
    id_dossier         VARCHAR NOT NULL,
    code_dispositif    VARCHAR NOT NULL,
    etat               VARCHAR NOT NULL,
    date_entree        DATE NOT NULL,
    date_sortie        DATE,
    motif_sortie       VARCHAR,
    date_saisie_sortie TIMESTAMP,
    id_prescripteur    VARCHAR,
    numero_cerfa       VARCHAR
);

CREATE TABLE evenements (
    id_evenement   VARCHAR NOT NULL,
    id_dossier     VARCHAR NOT NULL,
    date_evenement TIMESTAMP NOT NULL,
    nature         VARCHAR NOT NULL,
    id_utilisateur VARCHAR,
    code_lieu      VARCHAR,
    contexte       VARCHAR,
    commentaire    VARCHAR
);

CREATE TABLE rendez_vous (
    id_rdv         VARCHAR NOT NULL,
    id_dossier     VARCHAR NOT NULL,
    date_heure     TIMESTAMP NOT NULL,
    id_utilisateur VARCHAR,
    code_lieu      VARCHAR,
    objet          VARCHAR,
    statut         VARCHAR NOT NULL,
    motif_absence  VARCHAR,
    date_creation  TIMESTAMP
);

CREATE TABLE situations (
    id_situation              VARCHAR NOT NULL,
    id_dossier                VARCHAR NOT NULL,
    type_situation            VARCHAR NOT NULL,
    date_debut                DATE NOT NULL,
    date_fin_prevue           DATE,
    date_fin_reelle           DATE,
    origine                   VARCHAR,
    objectif_formation        VARCHAR,
    validation_preparee       VARCHAR,
    niveau                    VARCHAR,
    financeur                 VARCHAR,
    prestation_france_travail BOOLEAN,
    organisme                 VARCHAR,
    intitule                  VARCHAR,
    motif_interruption        VARCHAR,
    commentaire               VARCHAR
);

CREATE TABLE partenaires (
    id_partenaire          VARCHAR NOT NULL,
    code_structure         VARCHAR NOT NULL,
    raison_sociale         VARCHAR NOT NULL,
    enseigne               VARCHAR,
    siret                  VARCHAR,
    rattache_siene         BOOLEAN NOT NULL,
    id_conseiller_referent VARCHAR,
    date_creation          DATE,
    actif                  BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE offres_service (
    id_offre       VARCHAR NOT NULL,
    code_structure VARCHAR NOT NULL,
    intitule       VARCHAR NOT NULL,
    id_referent    VARCHAR,
    etat           VARCHAR NOT NULL
);

CREATE TABLE allocations (
    id_allocation VARCHAR NOT NULL,
    id_dispositif VARCHAR NOT NULL,
    mois          VARCHAR NOT NULL,
    montant       DECIMAL(12, 2) NOT NULL,
    statut        VARCHAR NOT NULL,
    date_demande  DATE NOT NULL
);

CREATE TABLE ressources (
    id_ressource    VARCHAR NOT NULL,
    id_dossier      VARCHAR NOT NULL,
    type_ressource  VARCHAR NOT NULL,
    montant_mensuel DECIMAL(12, 2) NOT NULL,
    date_debut      DATE NOT NULL,
    date_fin        DATE
);

CREATE TABLE certificats_rgs (
    code_structure VARCHAR NOT NULL,
    id_porteur     VARCHAR,
    date_echeance  DATE NOT NULL
);

CREATE TABLE transferts (
    id_transfert     VARCHAR NOT NULL,
    code_structure   VARCHAR NOT NULL,
    type_transfert   VARCHAR NOT NULL,
    table_reference  VARCHAR,
    source           VARCHAR NOT NULL,
    destination      VARCHAR NOT NULL,
    selection        VARCHAR[],
    date_demande     TIMESTAMP NOT NULL,
    demandeur        VARCHAR
);

-- The run record: every command that changed the warehouse.
CREATE SEQUENCE runs_id_seq START 1;

CREATE TABLE runs (
    id            BIGINT PRIMARY KEY DEFAULT nextval('runs_id_seq'),
    command       VARCHAR NOT NULL,
    arguments     VARCHAR NOT NULL,
    as_of         DATE,
    job           VARCHAR,
    scheduled_for TIMESTAMP,
    started_at    TIMESTAMP NOT NULL,
    ended_at      TIMESTAMP,
    -- running, done, refused, failed, cancelled, timed_out
    status        VARCHAR NOT NULL,
    error         VARCHAR
);

-- Per-file counts of an ingestion: rows_read = rows_loaded + rows_quarantined.
CREATE TABLE run_files (
    run_id             BIGINT NOT NULL,
    table_name         VARCHAR NOT NULL,
    file               VARCHAR NOT NULL,
    format             VARCHAR NOT NULL,
    encoding           VARCHAR,
    rows_read          BIGINT NOT NULL,
    rows_loaded        BIGINT NOT NULL,
    rows_quarantined   BIGINT NOT NULL,
    -- rows whose transferred column kept the transfer's destination
    rows_transfer_kept BIGINT NOT NULL DEFAULT 0
);

-- Rows an ingestion refused, kept whole with the first reason found.
CREATE TABLE quarantine (
    run_id      BIGINT NOT NULL,
    table_name  VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    line        BIGINT NOT NULL,
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL,
    row_data    JSON NOT NULL
);

-- Transfers: the outcome of each request and the journal of every changed row.
CREATE TABLE transfer_status (
    id_transfert     VARCHAR NOT NULL,
    statut           VARCHAR NOT NULL,
    raison           VARCHAR,
    lignes_modifiees BIGINT NOT NULL DEFAULT 0,
    checked_at       TIMESTAMP NOT NULL,
    run_id           BIGINT
);

CREATE TABLE transfer_journal (
    id_transfert VARCHAR NOT NULL,
    table_name   VARCHAR NOT NULL,
    column_name  VARCHAR NOT NULL,
    row_id       VARCHAR NOT NULL,
    old_value    VARCHAR,
    new_value    VARCHAR,
    executed_at  TIMESTAMP NOT NULL,
    run_id       BIGINT
);
