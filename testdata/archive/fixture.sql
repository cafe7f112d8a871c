-- A small warehouse for the archive command tests (rules.md ARC), as of 2026-11-23:
-- A1 is 31 (age_31), A2 is 28 (age_27), A3 is 20 and active (actif), A4 has an open PACEA (dispositif_ouvert).
INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, nom_naissance, date_naissance, nir, email,
    code_postal, date_inscription, annee_naissance) VALUES
    ('A1', 'ML-16001', 'mme', 'Zorglubette', 'Kwyjibo', 'Kwyjibo', DATE '1995-03-04', '185076005701818', 'zk@example.org', '16000', DATE '2024-01-10', 1995),
    ('A2', 'ML-33001', 'm', 'Prenom2', 'Nom2', NULL, DATE '1998-06-01', NULL, NULL, '33000', DATE '2025-01-10', 1998),
    ('A3', 'ML-16001', 'm', 'Prenom3', 'Nom3', NULL, DATE '2006-06-01', NULL, NULL, '16000', DATE '2026-01-10', 2006),
    ('A4', 'ML-16001', 'm', 'Prenom4', 'Nom4', NULL, DATE '1990-06-01', NULL, NULL, '16000', DATE '2020-01-10', 1990);
INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree) VALUES
    ('P4', 'A4', 'pacea', 'en_cours', DATE '2026-01-01');
INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, commentaire) VALUES
    ('E1', 'A1', TIMESTAMP '2026-10-01 10:00', 'atelier', 'a parlé de sa santé'),
    ('E3', 'A3', TIMESTAMP '2026-10-01 10:00', 'atelier', 'projet BTP');
