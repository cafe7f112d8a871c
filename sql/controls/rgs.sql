-- RGS: the signature certificate of each structure, rules.md.
--
--   RGS-01 erreur  date_echeance < D: expired
--   RGS-02 alerte  D <= date_echeance <= D + 15 days: order the renewal now
--   RGS-03 info    D + 15 days < date_echeance <= D + 60 days: gather the supporting documents
--
-- Parameter $1: the as-of date D.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
SELECT CASE WHEN date_echeance < $1::DATE THEN 'RGS-01'
            WHEN date_echeance <= $1::DATE + 15 THEN 'RGS-02'
            ELSE 'RGS-03' END AS rule,
       CASE WHEN date_echeance < $1::DATE THEN 'erreur'
            WHEN date_echeance <= $1::DATE + 15 THEN 'alerte'
            ELSE 'info' END AS gravite,
       code_structure, 'structure' AS objet, code_structure AS id_objet, NULL AS id_lie, NULL AS id_dossier,
       CASE WHEN date_echeance < $1::DATE
                THEN 'Certificat RGS expiré le ' || date_fr(date_echeance)
                     || ' : les demandes d''aide à l''ASP ne peuvent plus être signées.'
            WHEN date_echeance <= $1::DATE + 15
                THEN 'Certificat RGS expirant le ' || date_fr(date_echeance)
                     || ' : la commande de renouvellement doit être passée maintenant.'
            ELSE 'Certificat RGS expirant le ' || date_fr(date_echeance)
                     || ' : rassemblez les pièces justificatives du renouvellement.'
       END AS detail
FROM certificats_rgs
WHERE date_echeance <= $1::DATE + 60
