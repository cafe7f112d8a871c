-- A small warehouse for the transfers command tests (rules.md TRF): structure ML-16001, accounts U1
-- (leaving) and U2 (actif, conseiller_referent), dossiers D1 and D2 followed by U1, and three requests:
-- T1 (U1 -> U2, dated 2026-11-22, due 2026-11-23 04:00), T2 (refused: offre_vers_offre) and
-- T3 (dated 2026-11-23, due 2026-11-24 04:00).
INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, fonctions, etat) VALUES
    ('U1', 'u1', 'ML-16001', 'A', 'B', ['conseiller_referent'], 'desactive'),
    ('U2', 'u2', 'ML-16001', 'C', 'D', ['conseiller_referent'], 'actif');
INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, date_inscription, id_conseiller_referent) VALUES
    ('D1', 'ML-16001', 'm', 'p', 'n', DATE '2005-01-01', DATE '2025-01-01', 'U1'),
    ('D2', 'ML-16001', 'm', 'p', 'n', DATE '2005-01-01', DATE '2025-01-01', 'U1');
INSERT INTO transferts (id_transfert, code_structure, type_transfert, source, destination, date_demande) VALUES
    ('T1', 'ML-16001', 'conseiller_referent', 'U1', 'U2', TIMESTAMP '2026-11-22 23:59:00'),
    ('T2', 'ML-16001', 'offre_vers_offre', 'O1', 'O2', TIMESTAMP '2026-11-22 10:00:00'),
    ('T3', 'ML-16001', 'conseiller_referent', 'U1', 'U2', TIMESTAMP '2026-11-23 00:00:00');
