-- anonymise: archives the dossiers of archive_selection (rules.md ARC), run in one transaction.
--
-- Parameter of the first statement: D, the date_archivage. The identity columns become NULL (the
-- birth year is kept in annee_naissance), then the free text of the dossier's other rows, then the
-- identity a quarantined row of such a dossier may still hold. Statements end with ";" at a line end.
--
-- Which columns are identity or free text is said once, in the extract format's declaration
-- (pipelines/ingest/spec.go: Identity, FreeText); the lines marked @ below are written from it
-- (pipelines/archive/identity.go), so that ingest's drops, its masks and this anonymisation never
-- disagree.
UPDATE dossiers AS x SET
    annee_naissance       = coalesce(x.annee_naissance, year(x.date_naissance)),
    -- @identity: "column = NULL," for each identity column of dossiers
    archive               = true,
    date_archivage        = CAST(? AS DATE),
    motif_archivage       = s.motif
FROM archive_selection s
WHERE x.id_dossier = s.id_dossier;

-- @free_text: one UPDATE per table linked to a dossier, its free-text columns NULL

UPDATE quarantine SET
    value    = NULL,
    row_data = json_object('id_dossier', json_extract_string(row_data, '$.id_dossier'))
WHERE table_name IN (/* @dossier_tables */)
  AND json_extract_string(row_data, '$.id_dossier') IN (SELECT id_dossier FROM archive_selection);
