-- identity_blanked: IDJ, rules.md. Run inside the load transaction of an ingest run, after
-- identity_changes.sql and before the dossiers are upserted. Two statements, ending with ";" at a
-- line end: the justified identity columns that the staged rows bring a value for again are
-- forgotten; those they empty, on a dossier held with identite_justifiee true and not archived,
-- keep the SHA-256 of the value held so far (vigie_idj_form), for the next extraction to be
-- compared with. Never the values.
DELETE FROM identity_blanked
WHERE (id_dossier, colonne) IN (
    SELECT (s.p_id_dossier, u.colonne)
    FROM (SELECT p_id_dossier, unnest([
              {'colonne': 'civilite', 'v': vigie_idj_form(p_civilite)},
              {'colonne': 'prenom', 'v': vigie_idj_form(p_prenom)},
              {'colonne': 'nom_naissance', 'v': vigie_idj_form(p_nom_naissance)},
              {'colonne': 'date_naissance', 'v': vigie_idj_form(p_date_naissance)}]) AS u
          FROM stg_dossiers
          WHERE err IS NULL AND p_id_dossier IN (SELECT id_dossier FROM identity_blanked)) s
    WHERE u.v IS NOT NULL
);

INSERT INTO identity_blanked (id_dossier, colonne, empreinte)
SELECT id_dossier, u.colonne, sha256(u.stored)
FROM (SELECT d.id_dossier, unnest([
          {'colonne': 'civilite', 'stored': vigie_idj_form(d.civilite), 'incoming': vigie_idj_form(s.p_civilite)},
          {'colonne': 'prenom', 'stored': vigie_idj_form(d.prenom), 'incoming': vigie_idj_form(s.p_prenom)},
          {'colonne': 'nom_naissance', 'stored': vigie_idj_form(d.nom_naissance), 'incoming': vigie_idj_form(s.p_nom_naissance)},
          {'colonne': 'date_naissance', 'stored': vigie_idj_form(d.date_naissance), 'incoming': vigie_idj_form(s.p_date_naissance)}]) AS u
      FROM dossiers d
      JOIN stg_dossiers s ON s.p_id_dossier = d.id_dossier AND s.err IS NULL
      WHERE d.identite_justifiee AND NOT d.archive
        -- a cheap first cut: the staged and stored values are NULL when empty
        AND (s.p_civilite IS NULL AND d.civilite IS NOT NULL OR s.p_prenom IS NULL AND d.prenom IS NOT NULL
             OR s.p_nom_naissance IS NULL AND d.nom_naissance IS NOT NULL
             OR s.p_date_naissance IS NULL AND d.date_naissance IS NOT NULL))
WHERE u.stored IS NOT NULL AND u.incoming IS NULL;
