-- RAF: Rafael date-change requests (the ARML's monthly file), rules.md.
--
--   RAF-01 alerte  a Rafael situation (formation, origine rafael) whose comment holds, as a word,
--                  abandon, abandonne, arret, modifier, modification, changer, changement, erreur
--                  or corriger, but no request (demandes_rafael(), macros.sql): a vague mention is
--                  not processed
--   RAF-02 alerte  a date request sent in the file of a month (rafael_sent) whose last day is more
--                  than 45 days before D, and still not satisfied: the situation's field does not
--                  hold the requested date
--
-- RAF-02's identity: the situation (id_objet) and the field with its requested date (id_lie).
-- Parameter $1: the as-of date D. Archived dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH rafael AS (
    SELECT s.id_situation, s.id_dossier, d.code_structure, s.commentaire,
           s.date_debut, s.date_fin_prevue, s.date_fin_reelle
    FROM situations s
    JOIN dossiers d ON d.id_dossier = s.id_dossier AND NOT d.archive
    WHERE s.type_situation = 'formation' AND s.origine = 'rafael'
),
vagues AS (
    -- the comment's words are split once per row
    SELECT r.*, list_filter(['abandon', 'abandonne', 'arret', 'modifier', 'modification', 'changer',
                             'changement', 'erreur', 'corriger'], m -> list_contains(r.mots, m)) AS mots_vagues
    FROM (SELECT *, mots(commentaire) AS mots FROM rafael WHERE NOT vide(commentaire)) r
),
envoyees AS (
    SELECT e.mois, e.champ, e.valeur_demandee, r.*,
           CASE e.champ WHEN 'date_debut' THEN r.date_debut WHEN 'date_fin_prevue' THEN r.date_fin_prevue
                        ELSE r.date_fin_reelle END AS valeur_actuelle
    FROM rafael_sent e
    JOIN rafael r ON r.id_situation = e.id_situation
    WHERE e.champ <> 'suppression'
      -- the last day of the month of the file, more than 45 days before D
      AND last_day(CAST(e.mois || '-01' AS DATE)) < $1::DATE - 45
)
SELECT 'RAF-01' AS rule, 'alerte' AS gravite, code_structure, 'situation' AS objet, id_situation AS id_objet,
       NULL AS id_lie, id_dossier,
       'Commentaire de formation Rafael sans demande explicite (« ' || array_to_string(mots_vagues, ' », « ')
           || ' ») : l''éditeur ne traite pas une mention vague. Écrivez la date voulue, par exemple « fin réelle au 12/03/2026 ».' AS detail
FROM vagues
WHERE len(mots_vagues) > 0
  AND id_situation NOT IN (SELECT id_situation FROM demandes_rafael())
UNION ALL
SELECT 'RAF-02', 'alerte', code_structure, 'situation', id_situation,
       champ || '=' || strftime(valeur_demandee, '%Y-%m-%d'), id_dossier,
       'Demande Rafael envoyée dans le fichier de ' || mois || ' (' || CASE champ
           WHEN 'date_debut' THEN 'date de début' WHEN 'date_fin_prevue' THEN 'fin prévue' ELSE 'fin réelle' END
           || ' au ' || date_fr(valeur_demandee) || ') toujours pas reportée : la situation porte '
           || coalesce(date_fr(valeur_actuelle), 'une date vide') || '. Relancez l''ARML.'
FROM envoyees
WHERE valeur_actuelle IS DISTINCT FROM valeur_demandee
