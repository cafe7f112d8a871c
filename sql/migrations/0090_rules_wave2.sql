-- 0090_rules_wave2: the tables of the second wave of rules (rules.md DOS-06, IDJ, RAF, TER, ACR).
--
-- dossiers.niveau_formation   the highest level reached (extract-format.md): infra_3, 3 .. 8.
-- zones_couverture            the communes each Mission Locale covers; its key is the pair
--                             (code_structure, commune_insee): one commune may be listed under two
--                             structures (TER-01 finds them), never twice under one.
-- j2_entrepreneurs, j2_parcours, j2_actions, j2_participations
--                             the J2 (Jungo) extraction of Activ'Créa, columns of extract-format.md.
-- identity_changes            IDJ: one row per dossier whose justified identity an ingest run saw
--                             change upstream: the columns that changed (civilite, prenom,
--                             nom_naissance, date_naissance, identite_justifiee), the run and its
--                             local date. Never the values.
-- rafael_sent                 RAF: each request `vigie rafael` put in a month's file (mois yyyy-mm):
--                             situation, field (date_fin_reelle, date_fin_prevue, date_debut or
--                             suppression) and the requested date (NULL for a deletion), with the
--                             run that sent it. A request is sent once.
ALTER TABLE dossiers ADD COLUMN niveau_formation VARCHAR;

CREATE TABLE zones_couverture (
    code_structure VARCHAR NOT NULL,
    commune_insee  VARCHAR NOT NULL
);

CREATE TABLE j2_entrepreneurs (
    id_entrepreneur       VARCHAR NOT NULL,
    code_structure        VARCHAR NOT NULL,
    civilite              VARCHAR,
    prenom                VARCHAR,
    nom                   VARCHAR,
    date_naissance        DATE,
    email                 VARCHAR,
    telephone             VARCHAR,
    accepte_contact_email BOOLEAN,
    accepte_contact_sms   BOOLEAN,
    statut_rgpd           VARCHAR
);

CREATE TABLE j2_parcours (
    id_parcours                VARCHAR NOT NULL,
    id_entrepreneur            VARCHAR NOT NULL,
    prestation                 VARCHAR NOT NULL,
    date_debut                 DATE NOT NULL,
    date_fin_theorique         DATE,
    resultat_entretien_initial VARCHAR,
    date_entretien_final       DATE,
    date_abandon               DATE
);

CREATE TABLE j2_actions (
    id_action      VARCHAR NOT NULL,
    code_structure VARCHAR NOT NULL,
    intitule       VARCHAR,
    type_action    VARCHAR NOT NULL,
    date_debut     TIMESTAMP NOT NULL,
    date_fin       TIMESTAMP,
    lieu           VARCHAR,
    id_intervenant VARCHAR
);

CREATE TABLE j2_participations (
    id_participation VARCHAR NOT NULL,
    id_action        VARCHAR NOT NULL,
    id_entrepreneur  VARCHAR NOT NULL,
    id_parcours      VARCHAR,
    presence         VARCHAR NOT NULL
);

CREATE TABLE identity_changes (
    run_id         BIGINT NOT NULL,
    date_ingest    DATE NOT NULL,
    id_dossier     VARCHAR NOT NULL,
    code_structure VARCHAR NOT NULL,
    colonnes       VARCHAR[] NOT NULL
);

CREATE TABLE rafael_sent (
    run_id          BIGINT NOT NULL,
    mois            VARCHAR NOT NULL,
    code_structure  VARCHAR NOT NULL,
    id_dossier      VARCHAR NOT NULL,
    id_situation    VARCHAR NOT NULL,
    champ           VARCHAR NOT NULL,
    valeur_demandee DATE,
    sent_at         TIMESTAMP NOT NULL
);
