-- RDV: appointments (tableau de bord « Rendez-vous »), rules.md.
--
--   RDV-01 alerte  statut prevu or non_precise and the appointment's local date is before D
--   RDV-02 alerte  statut absent and motif_absence empty
--   RDV-03 info    a dossier has 2 or more absent appointments dated in [D - 30 days, D - 1]
--                  and no present one after the last of them
--
-- Parameter $1: the as-of date D. Archived dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH rdv AS (
    -- the appointments the rules look at (present ones only matter to RDV-03, below)
    SELECT r.id_rdv, r.id_dossier, r.date_heure, r.statut, r.motif_absence,
           CAST(r.date_heure AS DATE) AS jour, d.code_structure
    FROM rendez_vous r
    JOIN dossiers d ON d.id_dossier = r.id_dossier AND NOT d.archive
    WHERE r.statut IN ('prevu', 'non_precise', 'absent')
),
absences AS (
    SELECT id_dossier, code_structure, count(*) AS n, max(date_heure) AS derniere
    FROM rdv
    WHERE statut = 'absent' AND jour BETWEEN $1::DATE - 30 AND $1::DATE - 1
    GROUP BY id_dossier, code_structure
    HAVING count(*) >= 2
)
SELECT 'RDV-01' AS rule, 'alerte' AS gravite, code_structure, 'rdv' AS objet, id_rdv AS id_objet,
       NULL AS id_lie, id_dossier,
       'Rendez-vous du ' || date_fr(jour) || ' encore « '
           || CASE statut WHEN 'prevu' THEN 'prévu' ELSE 'non précisé' END
           || ' » : sa présence ou son absence n''a pas été saisie.' AS detail
FROM rdv
WHERE statut IN ('prevu', 'non_precise') AND jour < $1::DATE
UNION ALL
SELECT 'RDV-02', 'alerte', code_structure, 'rdv', id_rdv, NULL, id_dossier,
       'Absence au rendez-vous du ' || date_fr(jour) || ' sans motif d''absence saisi.'
FROM rdv
WHERE statut = 'absent' AND vide(motif_absence)
UNION ALL
SELECT 'RDV-03', 'info', a.code_structure, 'dossier', a.id_dossier, NULL, a.id_dossier,
       a.n || ' absences aux rendez-vous entre le ' || date_fr($1::DATE - 30) || ' et le ' || date_fr($1::DATE - 1)
           || ', la dernière le ' || date_fr(a.derniere) || ', sans présence depuis.'
FROM absences a
WHERE NOT EXISTS (
    SELECT 1 FROM rendez_vous p
    WHERE p.id_dossier = a.id_dossier AND p.statut = 'present' AND p.date_heure > a.derniere)
