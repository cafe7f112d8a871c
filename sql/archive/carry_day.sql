-- carry_day: fills archive_selection with the carried dossiers archived on one day, for
-- anonymise.sql (rules.md ARC). Parameter of the second statement: that day. Statements end with
-- ";" at a line end.
DELETE FROM archive_selection;

INSERT INTO archive_selection (id_dossier, motif)
SELECT id_dossier, motif FROM archive_carry WHERE date_archivage = CAST(? AS DATE);
