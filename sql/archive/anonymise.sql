-- anonymise: archives the dossiers of archive_selection (rules.md ARC), run in one transaction.
--
-- Parameter of the first statement: D, the date_archivage. The identity columns become NULL (the
-- birth year is kept in annee_naissance), then the free text of the dossier's other rows, then the
-- identity a quarantined row of such a dossier may still hold, line quarantined whole included.
-- Statements end with ";" at a line end.
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

-- The fingerprints of justified identity values an extraction emptied (IDJ) go with the identity.
DELETE FROM identity_blanked WHERE id_dossier IN (SELECT id_dossier FROM archive_selection);

UPDATE quarantine SET
    value    = NULL,
    row_data = json_object('id_dossier', json_extract_string(row_data, '$.id_dossier'))
WHERE table_name IN (/* @dossier_tables */)
  AND json_extract_string(row_data, '$.id_dossier') IN (SELECT id_dossier FROM archive_selection);

-- A line quarantined whole (wrong number of columns, bad quoting) has no columns, only the raw line:
-- it goes when one of its fields is the id of an archived dossier.
UPDATE quarantine SET
    value    = NULL,
    row_data = json_object('id_dossier', s.id_dossier)
FROM archive_selection s
WHERE quarantine.column_name IS NULL
  AND quarantine.table_name IN (/* @dossier_tables */)
  AND json_extract_string(quarantine.row_data, '$.ligne') IS NOT NULL
  AND list_contains(list_transform(regexp_split_to_array(replace(json_extract_string(quarantine.row_data, '$.ligne'), '"', ''), '[;,\t]'), f -> trim(f)), s.id_dossier);
