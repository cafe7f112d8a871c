-- PAC: the PACEA path, rules.md.
--
--   PAC-01 alerte  a pacea with no diagnostic_approfondi of the same dossier closed with
--                  motif_sortie = pacea and date_sortie <= the PACEA's date_entree
--   PAC-02 alerte  a diagnostic_approfondi lasting more than 1 month: date_sortie (or D while
--                  open) > date_entree + 1 month; gravité erreur beyond 3 months. A closed
--                  diagnostic without date_sortie has an unknown end: no finding.
--   PAC-03 alerte  a pacea entered more than 1 month after the end of the diagnostic that led to
--                  it (the latest one closed with motif pacea on or before its entry):
--                  date_entree > date_sortie + 1 month
--   PAC-04 erreur  an open pacea with D > date_entree + 24 months
--   PAC-05 erreur  an open pacea whose young person is 26 or older at D
--   PAC-06 erreur  an allocation of a pacea for month M while the young person's resources in
--                  month M - 1 total 300 € or more (a resource counts when [date_debut, date_fin]
--                  meets month M - 1; an empty date_fin is open)
--   PAC-07 alerte  an allocation of a cej whose mois is before the month of its date_demande
--
-- "+ N months" are calendar months, clamped to the month's end (plus_mois). Open means etat
-- initialise, en_cours or suspendu. Parameter $1: the as-of date D. Archived dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH disp AS (
    -- only the columns the rules read: this is materialized, and read three times
    SELECT p.id_dispositif, p.id_dossier, p.code_dispositif, p.date_entree, p.date_sortie, p.motif_sortie,
           d.code_structure, d.date_naissance,
           p.etat IN ('initialise', 'en_cours', 'suspendu') AS ouvert
    FROM dispositifs p
    JOIN dossiers d ON d.id_dossier = p.id_dossier AND NOT d.archive
),
pacea AS (SELECT * FROM disp WHERE code_dispositif = 'pacea'),
diag AS (
    -- fin: the end of the diagnostic, D while open, NULL (unknown) when closed without an exit date
    SELECT *, CASE WHEN date_sortie IS NOT NULL THEN date_sortie WHEN ouvert THEN $1::DATE END AS fin
    FROM disp WHERE code_dispositif = 'diagnostic_approfondi'
),
diag_vers_pacea AS (
    -- for each pacea, the latest diagnostic closed with motif pacea on or before its entry
    SELECT pa.id_dispositif AS id_pacea, max(dg.date_sortie) AS fin_diag
    FROM pacea pa
    JOIN diag dg ON dg.id_dossier = pa.id_dossier
    WHERE dg.motif_sortie = 'pacea' AND dg.date_sortie <= pa.date_entree
    GROUP BY pa.id_dispositif
),
alloc AS (
    -- the allocations PAC-06 and PAC-07 read, and no other: those of a pacea, and those of a cej
    -- asked for a month before the month of the request (most allocations are neither, and
    -- materializing them all cost more than the rest of the file)
    SELECT a.id_allocation, a.id_dispositif, a.montant, a.date_demande, x.code_dispositif, x.id_dossier,
           x.code_structure, TRY_CAST(a.mois || '-01' AS DATE) AS mois_debut
    FROM allocations a
    JOIN (SELECT * FROM disp WHERE code_dispositif IN ('pacea', 'cej')) x ON x.id_dispositif = a.id_dispositif
    WHERE x.code_dispositif = 'pacea'
       OR TRY_CAST(a.mois || '-01' AS DATE) < date_trunc('month', a.date_demande)
),
ressources_mois_precedent AS (
    SELECT al.id_allocation, sum(r.montant_mensuel) AS total
    FROM alloc al
    JOIN ressources r ON r.id_dossier = al.id_dossier
    WHERE al.code_dispositif = 'pacea'
      AND r.date_debut <= al.mois_debut - 1
      AND (r.date_fin IS NULL OR r.date_fin >= plus_mois(al.mois_debut, -1))
    GROUP BY al.id_allocation
)
SELECT 'PAC-01' AS rule, 'alerte' AS gravite, pa.code_structure, 'dispositif' AS objet,
       pa.id_dispositif AS id_objet, NULL AS id_lie, pa.id_dossier,
       'PACEA commencé le ' || date_fr(pa.date_entree)
           || ' sans diagnostic approfondi clos avec le motif « PACEA » avant son entrée.' AS detail
FROM pacea pa
WHERE NOT EXISTS (SELECT 1 FROM diag_vers_pacea v WHERE v.id_pacea = pa.id_dispositif)
UNION ALL
SELECT 'PAC-02',
       CASE WHEN fin > plus_mois(date_entree, 3) THEN 'erreur' ELSE 'alerte' END,
       code_structure, 'dispositif', id_dispositif, NULL, id_dossier,
       'Diagnostic approfondi du ' || date_fr(date_entree)
           || CASE WHEN date_sortie IS NULL THEN ' toujours ouvert au ' || date_fr($1::DATE)
                   ELSE ' au ' || date_fr(date_sortie) END
           || ' : plus '
           || CASE WHEN fin > plus_mois(date_entree, 3) THEN 'de 3 mois' ELSE 'd''un mois' END
           || ' (1 mois normalement, 3 mois au maximum).'
FROM diag
WHERE fin > plus_mois(date_entree, 1)
UNION ALL
SELECT 'PAC-03', 'alerte', pa.code_structure, 'dispositif', pa.id_dispositif, NULL, pa.id_dossier,
       'PACEA commencé le ' || date_fr(pa.date_entree) || ', plus d''un mois après la fin du diagnostic approfondi le '
           || date_fr(v.fin_diag) || ' (au plus tard le ' || date_fr(plus_mois(v.fin_diag, 1)) || ').'
FROM pacea pa
JOIN diag_vers_pacea v ON v.id_pacea = pa.id_dispositif
WHERE pa.date_entree > plus_mois(v.fin_diag, 1)
UNION ALL
SELECT 'PAC-04', 'erreur', code_structure, 'dispositif', id_dispositif, NULL, id_dossier,
       'PACEA commencé le ' || date_fr(date_entree) || ' toujours ouvert au ' || date_fr($1::DATE)
           || ' : plus de 24 mois (fin au plus tard le ' || date_fr(plus_mois(date_entree, 24)) || ').'
FROM pacea
WHERE ouvert AND $1::DATE > plus_mois(date_entree, 24)
UNION ALL
SELECT 'PAC-05', 'erreur', code_structure, 'dispositif', id_dispositif, NULL, id_dossier,
       'PACEA toujours ouvert alors que le jeune a ' || age_au(date_naissance, $1::DATE)
           || ' ans au ' || date_fr($1::DATE) || ' : le PACEA prend fin à 26 ans.'
FROM pacea
WHERE ouvert AND date_naissance IS NOT NULL AND age_au(date_naissance, $1::DATE) >= 26
UNION ALL
SELECT 'PAC-06', 'erreur', al.code_structure, 'allocation', al.id_allocation, al.id_dispositif, al.id_dossier,
       'Allocation PACEA de ' || euros(al.montant) || ' pour ' || strftime(al.mois_debut, '%m/%Y')
           || ' alors que les ressources du jeune en ' || strftime(plus_mois(al.mois_debut, -1), '%m/%Y')
           || ' atteignent ' || euros(rp.total) || ' (300,00 € au plus).'
FROM alloc al
JOIN ressources_mois_precedent rp ON rp.id_allocation = al.id_allocation
WHERE rp.total >= 300
UNION ALL
SELECT 'PAC-07', 'alerte', code_structure, 'allocation', id_allocation, id_dispositif, id_dossier,
       'Allocation CEJ pour ' || strftime(mois_debut, '%m/%Y') || ' demandée le ' || date_fr(date_demande)
           || ' : un mois écoulé ne peut pas être demandé.'
FROM alloc
WHERE code_dispositif = 'cej' AND mois_debut < date_trunc('month', date_demande)
