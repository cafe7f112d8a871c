-- select_planned: fills archive_selection with the dossiers the plan archives (rules.md ARC).
-- The plan itself is plan.sql, spliced in by the caller at the plan placeholder (a constant file,
-- never user input). Parameter 1: D.
INSERT INTO archive_selection (id_dossier, motif)
SELECT id_dossier, motif FROM ({{plan}}) AS plan WHERE decision = 'archive'
