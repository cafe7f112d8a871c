-- Synthetic region for the reports benchmark (pipelines/reporting, BenchmarkReports): 43
-- structures and, at scale 1, 90,000 dossiers with their programmes, appointments, events,
-- trainings and partners, shaped so that every control family finds something. The scale is
-- read from the table bench_params (one row, column scale), which the benchmark fills first.
-- D is 2026-11-23.
CREATE TABLE bench_n AS SELECT CAST(round(90000 * scale) AS BIGINT) AS dossiers FROM bench_params;

INSERT INTO structures (code_structure, nom, departement, region)
SELECT printf('ML-%02d%03d', 16 + i % 8, i), 'Mission Locale n° ' || i || ' — Nouvelle-Aquitaine', CAST(16 + i % 8 AS VARCHAR), 'Nouvelle-Aquitaine'
FROM range(43) t(i);

INSERT INTO lieux (code_lieu, code_structure, nom, actif)
SELECT printf('L%03d', i), printf('ML-%02d%03d', 16 + i % 8, i), 'Antenne de la Mission Locale ' || i, true
FROM range(43) t(i);

INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, email, fonctions, etat, date_changement_mot_de_passe)
SELECT printf('U%03d-%02d', s, c), 'u' || s || '.' || c, printf('ML-%02d%03d', 16 + s % 8, s),
       (['Chloé', 'Jérôme', 'Anaïs', 'Noël', 'Zoé'])[1 + c % 5], 'Conseiller' || c,
       CASE WHEN c % 7 = 0 THEN NULL ELSE 'u' || s || '.' || c || '@ml.example' END,
       CASE WHEN c = 0 THEN ['direction'] ELSE ['conseiller_referent'] END, 'actif',
       DATE '2026-11-01' - CAST(c * 10 AS INTEGER)
FROM range(43) a(s), range(15) b(c);

INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, email, telephone_mobile,
                      adresse_normalisee, id_conseiller_referent, code_lieu_rattachement, date_inscription)
SELECT printf('D%06d', i), printf('ML-%02d%03d', 16 + (i % 43) % 8, i % 43), CASE WHEN i % 2 = 0 THEN 'mme' ELSE 'm' END,
       (['Chloé', 'Kévin', 'Anaïs', 'Noël', 'Zoé', 'Léa'])[1 + i % 6], 'Nom' || i,
       DATE '2000-01-01' + CAST(i % 3000 AS INTEGER),
       CASE WHEN i % 11 = 0 THEN NULL ELSE 'j' || i || '@example.fr' END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE '06' || lpad(CAST(i AS VARCHAR), 8, '0') END,
       i % 17 <> 0, printf('U%03d-%02d', i % 43, 1 + i % 14), printf('L%03d', i % 43),
       DATE '2024-01-01' + CAST(i % 1000 AS INTEGER)
FROM range((SELECT dossiers FROM bench_n)) t(i);

INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree, date_sortie, motif_sortie, date_saisie_sortie, numero_cerfa)
SELECT printf('P%06d', i), printf('D%06d', i), 'pacea',
       CASE WHEN i % 5 = 0 THEN 'clos' ELSE 'en_cours' END, DATE '2025-01-01' + CAST(i % 600 AS INTEGER),
       CASE WHEN i % 5 = 0 THEN DATE '2026-11-16' + CAST(i % 7 AS INTEGER) END,
       CASE WHEN i % 5 = 0 THEN 'reorientation_autre_dispositif' END,
       CASE WHEN i % 5 = 0 THEN TIMESTAMP '2026-11-17 10:00' END, 'CERFA-' || i
FROM range((SELECT dossiers // 10 FROM bench_n)) t(i);

INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree)
SELECT printf('C%06d', i), printf('D%06d', i), 'cej', 'en_cours', DATE '2026-06-01' + CAST(i % 150 AS INTEGER)
FROM range((SELECT dossiers // 10 FROM bench_n), (SELECT dossiers // 4 FROM bench_n)) t(i);

INSERT INTO rendez_vous (id_rdv, id_dossier, date_heure, id_utilisateur, code_lieu, objet, statut, motif_absence)
SELECT printf('R%07d', i * 8 + k), printf('D%06d', i),
       TIMESTAMP '2026-10-01 09:00' + INTERVAL (CAST((i * 8 + k) % 60 AS INTEGER)) DAY + INTERVAL (CAST(k AS INTEGER)) HOUR,
       printf('U%03d-%02d', i % 43, 1 + i % 14), printf('L%03d', i % 43), 'Entretien de suivi',
       (['present', 'present', 'absent', 'present', 'prevu', 'annule', 'reporte', 'non_precise'])[1 + (i + k) % 8],
       CASE WHEN (i + k) % 3 = 0 THEN 'Malade' END
FROM range((SELECT dossiers FROM bench_n)) t(i), range(8) r(k);

INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, id_utilisateur)
SELECT printf('E%07d', i * 3 + k), printf('D%06d', i), TIMESTAMP '2026-01-01 10:00' + INTERVAL (CAST((i * 3 + k) % 320 AS INTEGER)) DAY,
       (['entretien_individuel', 'telephone', 'atelier'])[1 + k], printf('U%03d-%02d', i % 43, 1 + i % 14)
FROM range((SELECT dossiers FROM bench_n)) t(i), range(3) r(k);

INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, date_fin_prevue, origine, objectif_formation, prestation_france_travail, intitule)
SELECT printf('S%06d', i), printf('D%06d', i), 'formation', DATE '2026-01-05' + CAST(i % 300 AS INTEGER),
       CASE WHEN i % 4 = 0 THEN NULL ELSE DATE '2027-01-05' END, (['rafael', 'saisie_directe', 'ouiform'])[1 + i % 3],
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'certification' END, i % 9 = 0, 'Formation qualifiante n° ' || i
FROM range((SELECT dossiers // 2 FROM bench_n)) t(i);

INSERT INTO partenaires (id_partenaire, code_structure, raison_sociale, siret, rattache_siene, id_conseiller_referent, actif)
SELECT printf('E%03d-%03d', s, p), printf('ML-%02d%03d', 16 + s % 8, s), 'Entreprise ' || p,
       (['44079707400026', '44079707400027', NULL, '48853781200015', '73282932000074'])[1 + p % 5], p % 3 <> 0,
       printf('U%03d-%02d', s, 1 + p % 14), true
FROM range(43) a(s), range(100) b(p);

INSERT INTO certificats_rgs (code_structure, date_echeance)
SELECT printf('ML-%02d%03d', 16 + s % 8, s), DATE '2026-11-01' + CAST(s * 3 AS INTEGER) FROM range(43) t(s);

DROP TABLE bench_n;
