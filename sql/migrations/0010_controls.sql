-- 0010_controls: what `vigie controls` records with each run (rules.md: findings and indicators).
--
-- Every table is keyed by run_id = runs.id of the controls run. To read the latest run of a
-- structure:   SELECT max(run_id) FROM control_runs
--              WHERE structures IS NULL OR list_contains(structures, 'ML-16001')
--
-- control_runs       one row per successful controls run: the as-of date D, the indicator period
--                    [date_debut, date_fin] and the structures it covered (NULL = all).
-- findings           the findings of a run, the columns of cli.md plus:
--                      id_lie              a second object completing the identity (PCJ: the pacea of
--                                          the pair; PAC-06/07: the programme of the allocation)
--                      suivi               nouveau (not in the previous run of that structure) or
--                                          persistant (found by it too)
--                      premiere_detection  the as-of date of the first run that found it
--                      nb_runs             how many consecutive runs have found it, this one included
--                    A finding's identity is (rule, code_structure, objet, id_objet, id_lie); the
--                    previous run of a structure is the latest earlier control_runs row covering it.
-- findings_resolved  findings of the previous run of a structure that this run no longer finds
--                    (suivi « résolu »), as last seen, with previous_run_id.
-- indicator_rdv      appointments by statut over [date_debut, date_fin] (local date of date_heure),
--                    per structure (niveau = 'structure', id_utilisateur NULL) and per counsellor
--                    (niveau = 'conseiller', id_utilisateur NULL for appointments without one);
--                    taux_absence = absent / (present + absent), NULL when both are 0.
--                    Archived dossiers are counted (aggregate).
-- upcoming_rdv       the appointments dated in [D, D + 6] per counsellor, archived dossiers left out.
-- indicator_siene    active partners and those attached to SIENE, per structure and per referent
--                    counsellor (niveau as above); taux_rattachement = rattaches / partenaires.
CREATE TABLE control_runs (
    run_id     BIGINT PRIMARY KEY,
    as_of      DATE NOT NULL,
    date_debut DATE NOT NULL,
    date_fin   DATE NOT NULL,
    structures VARCHAR[]
);

CREATE TABLE findings (
    run_id             BIGINT NOT NULL,
    rule               VARCHAR NOT NULL,
    gravite            VARCHAR NOT NULL,
    code_structure     VARCHAR NOT NULL,
    objet              VARCHAR NOT NULL,
    id_objet           VARCHAR NOT NULL,
    id_lie             VARCHAR,
    id_dossier         VARCHAR,
    detail             VARCHAR NOT NULL,
    suivi              VARCHAR NOT NULL,
    premiere_detection DATE NOT NULL,
    nb_runs            INTEGER NOT NULL
);

CREATE TABLE findings_resolved (
    run_id             BIGINT NOT NULL,
    previous_run_id    BIGINT NOT NULL,
    rule               VARCHAR NOT NULL,
    gravite            VARCHAR NOT NULL,
    code_structure     VARCHAR NOT NULL,
    objet              VARCHAR NOT NULL,
    id_objet           VARCHAR NOT NULL,
    id_lie             VARCHAR,
    id_dossier         VARCHAR,
    detail             VARCHAR NOT NULL,
    premiere_detection DATE NOT NULL,
    nb_runs            INTEGER NOT NULL
);

CREATE TABLE indicator_rdv (
    run_id         BIGINT NOT NULL,
    niveau         VARCHAR NOT NULL,
    code_structure VARCHAR NOT NULL,
    id_utilisateur VARCHAR,
    prevu          BIGINT NOT NULL,
    present        BIGINT NOT NULL,
    absent         BIGINT NOT NULL,
    annule         BIGINT NOT NULL,
    reporte        BIGINT NOT NULL,
    non_precise    BIGINT NOT NULL,
    total          BIGINT NOT NULL,
    taux_absence   DOUBLE
);

CREATE TABLE upcoming_rdv (
    run_id         BIGINT NOT NULL,
    code_structure VARCHAR NOT NULL,
    id_utilisateur VARCHAR,
    id_rdv         VARCHAR NOT NULL,
    id_dossier     VARCHAR NOT NULL,
    date_heure     TIMESTAMP NOT NULL,
    code_lieu      VARCHAR,
    statut         VARCHAR NOT NULL
);

CREATE TABLE indicator_siene (
    run_id            BIGINT NOT NULL,
    niveau            VARCHAR NOT NULL,
    code_structure    VARCHAR NOT NULL,
    id_utilisateur    VARCHAR,
    partenaires       BIGINT NOT NULL,
    rattaches         BIGINT NOT NULL,
    taux_rattachement DOUBLE
);
