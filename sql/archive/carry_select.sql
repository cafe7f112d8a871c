-- carry_select: what a restored copy must take over from the former warehouse (rules.md ARC): every
-- dossier the former archived that the copy does not hold as archived, with its date and motif
-- (archive_carry); the archived rows the copy does not hold at all are inserted as they are (they hold
-- no identity any more), so that a later ingestion of an old extraction finds them archived.
-- Statements end with ";" at a line end.
CREATE OR REPLACE TEMP TABLE archive_carry AS
SELECT f.id_dossier, coalesce(f.date_archivage, current_date) AS date_archivage, coalesce(f.motif_archivage, 'restauration') AS motif
FROM vigie_former.dossiers f
WHERE f.archive AND f.id_dossier NOT IN (SELECT id_dossier FROM dossiers WHERE archive);

INSERT INTO dossiers BY NAME
SELECT * FROM vigie_former.dossiers f
WHERE f.archive AND f.id_dossier NOT IN (SELECT id_dossier FROM dossiers);
