-- Synthetic region for BenchmarkControls while the demo generator is not available: 43
-- structures and, at scale 1, 150,000 dossiers, 1.5 M appointments, 2.5 M events, 450,000
-- programmes, 300,000 situations, 30,000 partners, 750,000 allocations, shaped so that every
-- family finds something. The scale is read from the table bench_params (one row, column scale).
CREATE TABLE bench_n AS SELECT CAST(round(scale * 1000) AS BIGINT) AS k FROM bench_params;
INSERT INTO structures SELECT 'ML-' || i, 'ML ' || i, '33', NULL, NULL FROM range(43) t(i);
INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, email, fonctions, etat, date_changement_mot_de_passe)
SELECT 'u' || i, 'login' || i, 'ML-' || (i % 43), 'P' || i, CASE WHEN i % 97 = 0 THEN 'Accueil' ELSE 'N' || i END, CASE WHEN i % 13 = 0 THEN NULL ELSE 'e' END,
       CASE WHEN i % 50 = 0 THEN ['direction'] ELSE ['conseiller_referent'] END, CASE WHEN i % 10 = 0 THEN 'desactive' ELSE 'actif' END, DATE '2026-01-01' + CAST(i % 300 AS INTEGER)
FROM range(5000) t(i);
INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, date_inscription, email, telephone_mobile, nir, adresse_normalisee, npai, id_conseiller_referent, archive)
SELECT 'd' || i, 'ML-' || (i % 43), 'm', 'p', 'n', DATE '1998-01-01' + CAST(i % 4000 AS INTEGER), DATE '2020-01-01' + CAST(i % 2400 AS INTEGER),
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'e' END, CASE WHEN i % 5 = 0 THEN NULL ELSE '06' END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE lpad(CAST(1000000000000 + i AS VARCHAR), 13, '0') || '11' END,
       i % 11 <> 0, NULL, CASE WHEN i % 17 = 0 THEN NULL ELSE 'u' || (i % 5000) END, i % 23 = 0
FROM range(CAST(150000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO rendez_vous (id_rdv, id_dossier, date_heure, id_utilisateur, statut, motif_absence)
SELECT 'r' || i, 'd' || (i % (150 * (SELECT k FROM bench_n))), TIMESTAMP '2025-01-01 08:00' + INTERVAL (i % 1000000) MINUTE, 'u' || (i % 5000),
       ['present','present','present','absent','annule','reporte','present','present','present','absent','annule','present','present','present','present','present','present','present','present','prevu'][1 + i % 20], CASE WHEN i % 4 = 0 THEN NULL ELSE 'm' END
FROM range(CAST(1500000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature)
SELECT 'e' || i, 'd' || (i % (150 * (SELECT k FROM bench_n))), TIMESTAMP '2024-01-01 08:00' + INTERVAL (i % 1500000) MINUTE,
       ['entretien_individuel','atelier','telephone','email'][1 + i % 4]
FROM range(CAST(2500000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree, date_sortie, motif_sortie, date_saisie_sortie)
SELECT 'p' || i, 'd' || (i % (150 * (SELECT k FROM bench_n))), ['pacea','cej','diagnostic_approfondi'][1 + (i // (150 * (SELECT k FROM bench_n))) % 3],
       CASE WHEN i % 3 = 0 THEN 'en_cours' ELSE 'clos' END, DATE '2023-01-01' + CAST(i % 1000 AS INTEGER),
       CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2023-01-01' + CAST(i % 1000 AS INTEGER) + 200 END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE ['pacea','reorientation_autre_dispositif','abandon'][1 + i % 3] END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE TIMESTAMP '2023-01-01 10:00' + INTERVAL (i % 1000 + 201) DAY END
FROM range(CAST(450000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, date_fin_prevue, origine, objectif_formation, validation_preparee, prestation_france_travail, motif_interruption)
SELECT 's' || i, 'd' || (i % (150 * (SELECT k FROM bench_n))), CASE WHEN i % 2 = 0 THEN 'formation' ELSE 'emploi' END, DATE '2025-01-01' + CAST(i % 700 AS INTEGER),
       CASE WHEN i % 9 = 0 THEN NULL ELSE DATE '2025-01-01' + CAST(i % 700 AS INTEGER) + 90 END, ['rafael', NULL, 'saisie_directe'][1 + i % 3],
       ['certification', NULL, 'perfectionnement'][1 + i % 3], 'texte libre ' || i, i % 31 = 0, CASE WHEN i % 8 = 0 THEN 'x' END
FROM range(CAST(300000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO partenaires (id_partenaire, code_structure, raison_sociale, siret, rattache_siene, id_conseiller_referent, actif)
SELECT 'pa' || i, 'ML-' || (i % 43), 'r', CAST(44079707400000 + i % 40000 AS VARCHAR), i % 3 <> 0, 'u' || (i % 5000), i % 10 <> 0
FROM range(CAST(30000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO allocations SELECT 'a' || i, 'p' || (i % (450 * (SELECT k FROM bench_n))), strftime(DATE '2024-01-01' + INTERVAL (i % 30) MONTH, '%Y-%m'), 500, 'validee', DATE '2024-01-15' + CAST(i % 900 AS INTEGER) FROM range(CAST(750000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO ressources SELECT 're' || i, 'd' || (i % (150 * (SELECT k FROM bench_n))), 'salaire', 100 + i % 400, DATE '2024-01-01' + CAST(i % 900 AS INTEGER), CASE WHEN i % 2 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 900 AS INTEGER) + 60 END FROM range(CAST(200000 * (SELECT k FROM bench_n) / 1000 AS BIGINT)) t(i);
INSERT INTO certificats_rgs SELECT 'ML-' || i, NULL, DATE '2026-11-01' + CAST(i * 3 AS INTEGER) FROM range(43) t(i);
INSERT INTO offres_service SELECT 'o' || i, 'ML-' || (i % 43), 'x', 'u' || (i % 5000), 'en_cours' FROM range(3000) t(i);
