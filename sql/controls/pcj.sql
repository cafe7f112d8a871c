-- PCJ: PACEA / CEJ overlap (the Monday control), rules.md.
--
--   PCJ-01 erreur  a pacea and a cej of the same dossier overlap, whichever came first
--                  (pacea.date_entree <= cej.date_sortie and cej.date_entree <= pacea.date_sortie,
--                  an empty exit counting as open) and the PACEA has an exit date: it must be
--                  no later than the day before the CEJ entry
--   PCJ-02 erreur  as PCJ-01, but the PACEA has no exit date
--
-- One finding per (pacea, cej) pair: the object is the cej (id_objet), id_lie the pacea.
-- Parameter $1: the as-of date D (unused: the rule does not depend on it). Archived dossiers
-- are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH paires AS (
    SELECT d.code_structure, p.id_dossier,
           p.id_dispositif AS id_pacea, p.date_entree AS pacea_entree, p.date_sortie AS pacea_sortie,
           c.id_dispositif AS id_cej, c.date_entree AS cej_entree, c.date_sortie AS cej_sortie
    FROM dispositifs p
    JOIN dispositifs c ON c.id_dossier = p.id_dossier AND c.code_dispositif = 'cej'
    JOIN dossiers d ON d.id_dossier = p.id_dossier AND NOT d.archive
    WHERE p.code_dispositif = 'pacea'
      AND (c.date_sortie IS NULL OR p.date_entree <= c.date_sortie)
      AND (p.date_sortie IS NULL OR c.date_entree <= p.date_sortie)
      AND $1::DATE IS NOT NULL
)
SELECT CASE WHEN pacea_sortie IS NULL THEN 'PCJ-02' ELSE 'PCJ-01' END AS rule,
       'erreur' AS gravite, code_structure, 'dispositif' AS objet, id_cej AS id_objet,
       id_pacea AS id_lie, id_dossier,
       CASE WHEN cej_entree <= pacea_entree
           -- the PACEA began during the CEJ: no exit date can make it right
           THEN 'PACEA ' || id_pacea || ' commencé le ' || date_fr(pacea_entree)
                || CASE WHEN pacea_sortie IS NULL THEN ', toujours ouvert,' ELSE ' et sorti le ' || date_fr(pacea_sortie) || ',' END
                || ' pendant le CEJ ' || CASE WHEN cej_sortie IS NULL THEN 'commencé le ' || date_fr(cej_entree)
                                              ELSE 'du ' || date_fr(cej_entree) || ' au ' || date_fr(cej_sortie) END
                || ' : un PACEA et un CEJ ne peuvent pas courir en même temps, l''ASP rejette le dossier.'
           WHEN pacea_sortie IS NULL
           THEN 'PACEA ' || id_pacea || ' (entrée le ' || date_fr(pacea_entree)
                || ') toujours ouvert pendant le CEJ commencé le ' || date_fr(cej_entree)
                || ' : le PACEA doit être clos au plus tard le ' || date_fr(cej_entree - 1) || '.'
           ELSE 'PACEA ' || id_pacea || ' sorti le ' || date_fr(pacea_sortie)
                || ', pendant le CEJ commencé le ' || date_fr(cej_entree)
                || ' : la sortie du PACEA doit être au plus tard le ' || date_fr(cej_entree - 1)
                || ', sinon l''ASP rejette le dossier.'
       END AS detail
FROM paires
