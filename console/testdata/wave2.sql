-- The fixture rows of the tables of the second wave of rules (issue 14), for
-- A (ML-16001) and B (ML-17002), inserted after the ingest: B's ids carry the
-- marker J2-17 / S17-9 so that a page showing them is caught.
-- ACR-02 (a parcours of 95 days that goes on), ACR-03 (an action ahead without
-- lieu), ACR-05 (a presente participation, no consent, no email), RAF-01 (a
-- Rafael comment without a request), RAF-02 (a request sent in August, not
-- satisfied).
-- Commune 16015 is in both coverages (TER-01 for A and for B): the detail of
-- A's finding names ML-17002 (rules.md), which a structure-scoped page of A
-- must not show (console.md); the regional pages show it.
INSERT INTO zones_couverture VALUES ('ML-16001', '16015'), ('ML-17002', '17415'), ('ML-17002', '16015');
INSERT INTO j2_entrepreneurs VALUES
    ('J2-16-E1', 'ML-16001', 'm', 'Paul', 'Durand', DATE '2001-01-01', NULL, NULL, false, false, 'en_attente'),
    ('J2-17-E1', 'ML-17002', NULL, 'Kévin', 'Martinez', DATE '2000-02-02', NULL, NULL, false, false, 'en_attente');
INSERT INTO j2_parcours VALUES
    ('J2-16-P1', 'J2-16-E1', 'activ_crea', DATE '2026-08-20', NULL, 'a_poursuivi', NULL, NULL),
    ('J2-17-P1', 'J2-17-E1', 'activ_crea', DATE '2026-08-20', NULL, 'a_poursuivi', NULL, NULL);
INSERT INTO j2_actions VALUES
    ('J2-16-A1', 'ML-16001', 'Atelier', 'collective', TIMESTAMP '2026-12-01 10:00:00', NULL, NULL, NULL),
    ('J2-17-A1', 'ML-17002', 'Atelier', 'collective', TIMESTAMP '2026-12-01 10:00:00', NULL, NULL, NULL);
INSERT INTO j2_participations VALUES
    ('J2-16-X1', 'J2-16-A1', 'J2-16-E1', 'J2-16-P1', 'presente'),
    ('J2-17-X1', 'J2-17-A1', 'J2-17-E1', 'J2-17-P1', 'presente'),
    -- a participation of A's entrepreneur in B's action: A's copy does not hold it
    ('J2-17-X2', 'J2-17-A1', 'J2-16-E1', NULL, 'prevue');
INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, date_fin_prevue, origine, commentaire) VALUES
    ('S16-9', 'D16-001', 'formation', DATE '2026-06-01', DATE '2026-12-31', 'rafael', 'erreur sur la date'),
    ('S17-9', 'D17-001', 'formation', DATE '2026-06-01', DATE '2026-12-31', 'rafael', 'erreur sur la date');
INSERT INTO rafael_sent VALUES
    (0, '2026-08', 'ML-16001', 'D16-001', 'S16-9', 'date_fin_reelle', DATE '2026-08-15', TIMESTAMP '2026-09-01 08:00:00'),
    (0, '2026-08', 'ML-17002', 'D17-001', 'S17-9', 'date_fin_reelle', DATE '2026-08-15', TIMESTAMP '2026-09-01 08:00:00');
INSERT INTO identity_changes VALUES
    (0, DATE '2026-11-20', 'D16-001', 'ML-16001', ['prenom']),
    (0, DATE '2026-11-20', 'D17-001', 'ML-17002', ['prenom']);
