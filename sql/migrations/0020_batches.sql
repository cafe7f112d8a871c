-- 0020_batches: what the archiving and transfer batches record (rules.md ARC, TRF).
--
-- archive_batches          one row per archiving that changed the warehouse (`vigie archive apply`
--                          or `vigie archive dossier`), keyed by the run id: mode automatique or
--                          manuel, the as-of date D, how many dossiers, the backup « Sauvegarde avant
--                          archivage » (its path and SHA-256, hex).
-- archive_batch_motifs     the count of dossiers per motif of a batch.
-- archive_batch_dossiers   which dossier a batch archived, with its motif (ids only).
-- transfer_deletable       after a transfer run, the source elements of the requests it executed that
--                          nothing live references any more, so they can be removed in i-milo
--                          (the transfer itself never deletes them): type_element utilisateur, lieu or
--                          valeur (a value of a table_reference column), with the structure.
CREATE TABLE archive_batches (
    run_id        BIGINT PRIMARY KEY,
    mode          VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    nb_dossiers   BIGINT NOT NULL,
    backup_path   VARCHAR NOT NULL,
    backup_sha256 VARCHAR NOT NULL,
    recorded_at   TIMESTAMP NOT NULL
);

CREATE TABLE archive_batch_motifs (
    run_id      BIGINT NOT NULL,
    motif       VARCHAR NOT NULL,
    nb_dossiers BIGINT NOT NULL
);

CREATE TABLE archive_batch_dossiers (
    run_id     BIGINT NOT NULL,
    id_dossier VARCHAR NOT NULL,
    motif      VARCHAR NOT NULL
);

CREATE TABLE transfer_deletable (
    run_id         BIGINT,
    code_structure VARCHAR NOT NULL,
    type_element   VARCHAR NOT NULL,
    table_name     VARCHAR,
    column_name    VARCHAR,
    valeur         VARCHAR NOT NULL,
    id_transfert   VARCHAR NOT NULL
);
