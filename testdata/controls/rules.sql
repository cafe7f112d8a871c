-- Fixture of the controls tests: small rows at each boundary of rules.md, loaded with plain
-- INSERTs into a fresh warehouse. The main as-of date is D = 2026-11-23 (a Monday; the week
-- before is 2026-11-16 .. 2026-11-22). Objects named after a rule are built for that rule's
-- test case (controls_test.go says what each should yield); the others are background.

INSERT INTO structures (code_structure, nom, departement) VALUES
    ('ML-A', 'Mission Locale A', '16'),
    ('ML-B', 'Mission Locale B', '17'),
    ('ML-C', 'Mission Locale C', '2A'),
    ('RGS_m1', 'RGS veille', '33'), ('RGS_0', 'RGS jour J', '33'), ('RGS_15', 'RGS J+15', '33'),
    ('RGS_16', 'RGS J+16', '33'), ('RGS_60', 'RGS J+60', '33'), ('RGS_61', 'RGS J+61', '33');

-- Users. u_ref is the ordinary counsellor every dossier refers to.
INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, email, fonctions, etat, date_changement_mot_de_passe) VALUES
    ('u_ref', 'c.martin', 'ML-A', 'Claire', 'Martin', 'c.martin@ml-a.fr', ['conseiller_referent'], 'actif', DATE '2026-11-01'),
    ('USR-01_in_dir_actif', 'p.durand', 'ML-A', 'Paul', 'Durand', 'p@ml-a.fr', ['direction'], 'actif', DATE '2026-11-01'),
    ('USR-01_in_dir_desactive', 'a.roux', 'ML-A', 'Anne', 'Roux', 'a@ml-a.fr', ['direction', 'validateur'], 'desactive', DATE '2026-11-01'),
    ('USR-01_out_dir_b', 'j.blanc', 'ML-B', 'Jean', 'Blanc', 'j@ml-b.fr', ['direction'], 'actif', DATE '2026-11-01'),
    ('USR-01_out_dir_b_desabonne', 'm.noir', 'ML-B', 'Marie', 'Noir', 'm@ml-b.fr', ['direction'], 'desabonne', DATE '2026-11-01'),
    ('USR-02_in_no_email', 'l.petit', 'ML-B', 'Luc', 'Petit', NULL, [], 'actif', DATE '2026-11-01'),
    ('USR-02_in_blank_email', 'l.grand', 'ML-B', 'Léa', 'Grand', '  ', [], 'actif', DATE '2026-11-01'),
    ('USR-02_out_desactive', 'l.moyen', 'ML-B', 'Léo', 'Moyen', NULL, [], 'desactive', DATE '2026-11-01'),
    ('USR-03_in_prenom', 'x.accueil', 'ML-B', 'Accueil', 'Mission', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-03_in_nom_accent', 'e.x', 'ML-B', 'Sandrine', 'ÉQUIPE Jeunes', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-03_in_identifiant', 'secretariat.ml', 'ML-B', 'Sylvie', 'Bon', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-03_in_test_word', 'compte-test', 'ML-B', 'Marc', 'Bon', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-03_out_testard', 'j.testard', 'ML-B', 'Julie', 'Testard', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-03_out_equipe2', 'equipe2', 'ML-B', 'Stagiaires', 'Bon', 'x@ml-b.fr', [], 'actif', DATE '2026-11-01'),
    ('USR-04_in_dossier', 'd.gone', 'ML-A', 'Denis', 'Gone', 'x@ml-a.fr', [], 'desactive', NULL),
    ('USR-04_out_archived_only', 'd.arch', 'ML-A', 'Didier', 'Arch', 'x@ml-a.fr', [], 'desactive', NULL),
    ('USR-04_in_partenaire', 'p.gone', 'ML-A', 'Pierre', 'Gone', 'x@ml-a.fr', [], 'desabonne', NULL),
    ('USR-04_out_partenaire_inactif', 'p.inact', 'ML-A', 'Pascal', 'Inact', 'x@ml-a.fr', [], 'desabonne', NULL),
    ('USR-04_in_offre', 'o.gone', 'ML-A', 'Olga', 'Gone', 'x@ml-a.fr', [], 'desactive', NULL),
    ('USR-04_out_offre_terminee', 'o.fini', 'ML-A', 'Odile', 'Fini', 'x@ml-a.fr', [], 'desactive', NULL),
    ('USR-05_out_desabonne', 'r.dir', 'ML-C', 'Rémi', 'Dir', 'x@ml-c.fr', ['direction'], 'desabonne', NULL),
    ('USR-06_in_91_days', 'w.old', 'ML-C', 'Wanda', 'Old', 'x@ml-c.fr', [], 'actif', DATE '2026-08-24'),
    ('USR-06_out_90_days', 'w.new', 'ML-C', 'Willy', 'New', 'x@ml-c.fr', [], 'actif', DATE '2026-08-25'),
    ('USR-06_out_unknown', 'w.unk', 'ML-C', 'Wendy', 'Unk', 'x@ml-c.fr', [], 'actif', NULL),
    ('USR-06_out_desactive', 'w.off', 'ML-C', 'Wes', 'Off', 'x@ml-c.fr', [], 'desactive', DATE '2020-01-01');

-- Dossiers. Background defaults: reachable, valid NIR-free, referent u_ref.
INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, date_inscription,
                      email, telephone_mobile, nir, adresse_normalisee, npai, id_conseiller_referent, archive)
SELECT id, 'ML-A', 'mme', 'Prénom', 'Nom', DATE '2006-05-10', DATE '2026-10-01',
       'jeune@example.org', '0600000000', NULL, true, NULL, 'u_ref', false
FROM (VALUES
    ('d_rdv'), ('RDV-03_in_two'), ('RDV-03_out_early'), ('RDV-03_out_today'), ('RDV-03_out_present_after'),
    ('RDV-03_in_present_before'), ('d_for'), ('d_for8'), ('d_for8_cej'), ('d_for8_gj'),
    ('d_pcj1'), ('d_pcj2'), ('d_pcj3'), ('d_pcj4'), ('d_pcj5'), ('d_asp1'), ('d_asp2'), ('d_asp3'), ('d_asp4'), ('d_asp5'), ('d_asp6'),
    ('d_pac1'), ('d_pac2'), ('d_pac3'), ('d_pac4'), ('d_pac5'), ('d_pac6'), ('d_pac7'), ('d_pac8'),
    ('d_pac9'), ('d_pac10'), ('d_pac11'), ('d_pac12'), ('d_pac13'), ('d_pac14'), ('d_pac15'),
    ('DOS-01_in_meeting'), ('DOS-01_out_meeting'), ('DOS-01_in_phone_only'), ('DOS-01_out_inscription'),
    ('DOS-01_in_late_evening'),
    ('DOS-02_in_npai_empty'), ('DOS-02_in_npai_false'), ('DOS-02_out_npai'), ('DOS-02_out_unknown'),
    ('DOS-03_in_none'), ('DOS-03_in_blank'), ('DOS-03_out_email'), ('DOS-03_out_mobile'),
    ('DOS-04_out_v1'), ('DOS-04_out_v2'), ('DOS-04_out_v3'), ('DOS-04_out_v4'), ('DOS-04_out_v5'), ('DOS-04_out_2a'),
    ('DOS-04_erreur_key'), ('DOS-04_erreur_2b'), ('DOS-04_erreur_2c'), ('DOS-04_erreur_14'),
    ('DOS-04_alerte_7'), ('DOS-04_alerte_8'), ('DOS-04_erreur_7_key'),
    ('DOS-05_in'), ('DOS-05_out_referent'), ('DOS-05_out_clos')
) AS t(id);

INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, date_inscription,
                      nir, adresse_normalisee, id_conseiller_referent, archive, date_archivage, motif_archivage)
VALUES ('ARCH', 'ML-A', 'm', NULL, NULL, NULL, DATE '2019-01-01', '123', false, 'USR-04_out_archived_only', true, DATE '2026-01-01', 'age_27');

-- RDV
INSERT INTO rendez_vous (id_rdv, id_dossier, date_heure, id_utilisateur, statut, motif_absence) VALUES
    ('RDV-01_in_yesterday_2330', 'd_rdv', TIMESTAMP '2026-11-22 23:30', 'u_ref', 'prevu', NULL),
    ('RDV-01_in_non_precise', 'd_rdv', TIMESTAMP '2026-11-20 10:00', 'u_ref', 'non_precise', NULL),
    ('RDV-01_out_today_0010', 'd_rdv', TIMESTAMP '2026-11-23 00:10', 'u_ref', 'prevu', NULL),
    ('RDV-01_out_present', 'd_rdv', TIMESTAMP '2026-11-20 11:00', 'u_ref', 'present', NULL),
    ('RDV-02_in_no_motif', 'd_rdv', TIMESTAMP '2026-09-01 10:00', 'u_ref', 'absent', NULL),
    ('RDV-02_in_blank_motif', 'd_rdv', TIMESTAMP '2026-09-02 10:00', 'u_ref', 'absent', '   '),
    ('RDV-02_out_motif', 'd_rdv', TIMESTAMP '2026-09-03 10:00', 'u_ref', 'absent', 'malade'),
    ('r3a', 'RDV-03_in_two', TIMESTAMP '2026-10-24 09:00', 'u_ref', 'absent', 'x'),
    ('r3b', 'RDV-03_in_two', TIMESTAMP '2026-11-22 18:00', 'u_ref', 'absent', 'x'),
    ('r3c', 'RDV-03_out_early', TIMESTAMP '2026-10-23 18:00', 'u_ref', 'absent', 'x'),
    ('r3d', 'RDV-03_out_early', TIMESTAMP '2026-11-10 09:00', 'u_ref', 'absent', 'x'),
    ('r3e', 'RDV-03_out_today', TIMESTAMP '2026-11-10 09:00', 'u_ref', 'absent', 'x'),
    ('r3f', 'RDV-03_out_today', TIMESTAMP '2026-11-23 00:10', 'u_ref', 'absent', 'x'),
    ('r3g', 'RDV-03_out_present_after', TIMESTAMP '2026-11-01 09:00', 'u_ref', 'absent', 'x'),
    ('r3h', 'RDV-03_out_present_after', TIMESTAMP '2026-11-05 09:00', 'u_ref', 'absent', 'x'),
    ('r3i', 'RDV-03_out_present_after', TIMESTAMP '2026-11-05 14:00', 'u_ref', 'present', NULL),
    ('r3j', 'RDV-03_in_present_before', TIMESTAMP '2026-11-01 09:00', 'u_ref', 'present', NULL),
    ('r3k', 'RDV-03_in_present_before', TIMESTAMP '2026-11-03 09:00', 'u_ref', 'absent', 'x'),
    ('r3l', 'RDV-03_in_present_before', TIMESTAMP '2026-11-05 09:00', 'u_ref', 'absent', 'x'),
    -- upcoming [D, D+6] and the archived dossier's
    ('up_d', 'd_rdv', TIMESTAMP '2026-11-23 09:00', 'USR-01_in_dir_actif', 'prevu', NULL),
    ('up_d6', 'd_rdv', TIMESTAMP '2026-11-29 23:30', 'USR-01_in_dir_actif', 'prevu', NULL),
    ('up_d7', 'd_rdv', TIMESTAMP '2026-11-30 00:10', 'USR-01_in_dir_actif', 'prevu', NULL),
    ('arch_prevu', 'ARCH', TIMESTAMP '2026-11-01 10:00', 'u_ref', 'prevu', NULL),
    ('arch_absent', 'ARCH', TIMESTAMP '2026-11-02 10:00', 'u_ref', 'absent', NULL),
    ('arch_absent2', 'ARCH', TIMESTAMP '2026-11-03 10:00', 'u_ref', 'absent', NULL),
    ('arch_up', 'ARCH', TIMESTAMP '2026-11-24 10:00', 'u_ref', 'prevu', NULL);

-- FOR (scope: date_debut >= 2025-11-23). Defaults elsewhere: objective, ends, origin set.
INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, date_fin_prevue, date_fin_reelle,
                        origine, objectif_formation, validation_preparee, prestation_france_travail, motif_interruption) VALUES
    ('FOR-01_in', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', NULL, NULL, false, NULL),
    ('FOR-01_in_scope_edge', 'd_for', 'formation', DATE '2025-11-23', DATE '2026-06-30', NULL, 'rafael', NULL, NULL, false, NULL),
    ('FOR-01_out_before_scope', 'd_for', 'formation', DATE '2025-11-22', DATE '2026-06-30', NULL, 'rafael', NULL, NULL, false, NULL),
    ('FOR-01_out_emploi', 'd_for', 'emploi', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', NULL, NULL, false, NULL),
    ('FOR-01_out', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-02_in', 'd_for', 'formation', DATE '2026-01-10', NULL, NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-02_out_reelle', 'd_for', 'formation', DATE '2026-01-10', NULL, DATE '2026-02-01', 'rafael', 'certification', NULL, false, NULL),
    ('FOR-03_in', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, true, NULL),
    ('FOR-03_out_unknown', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, NULL, NULL),
    ('FOR-04_in', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'perfectionnement', NULL, false, NULL),
    ('FOR-04_out', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'professionnalisation', NULL, false, NULL),
    ('FOR-05_in', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', 'AQA : ATTESTATION de Qualification et Aptitude', false, NULL),
    ('FOR-05_in_accents', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', 'attestation de qualification et aptitude à la conduite', false, NULL),
    ('FOR-05_out', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', 'attestation de qualification', false, NULL),
    ('FOR-06_in_no_dates', 'd_for', 'formation', DATE '2026-01-10', NULL, NULL, 'rafael', 'certification', NULL, false, 'abandon'),
    ('FOR-06_in_equal', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', DATE '2026-06-30', 'rafael', 'certification', NULL, false, 'abandon'),
    ('FOR-06_in_prevue_only', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, 'abandon'),
    ('FOR-06_out_left_early', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', DATE '2026-06-29', 'rafael', 'certification', NULL, false, 'abandon'),
    ('FOR-06_out_no_motif', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-07_in_empty', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, NULL, 'certification', NULL, false, NULL),
    ('FOR-07_in_direct', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'saisie_directe', 'certification', NULL, false, NULL),
    ('FOR-07_out', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', NULL, 'ouiform', 'certification', NULL, false, NULL),
    ('FOR-08_out_entry_day', 'd_for8', 'formation', DATE '2026-02-01', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-08_out_exit_day', 'd_for8', 'formation', DATE '2026-05-31', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-08_in_day_after', 'd_for8', 'formation', DATE '2026-06-01', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-08_in_day_before', 'd_for8', 'formation', DATE '2026-01-31', DATE '2026-06-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-08_out_open_cej', 'd_for8_cej', 'formation', DATE '2026-09-01', DATE '2026-12-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-08_in_other_programme', 'd_for8_gj', 'formation', DATE '2026-09-01', DATE '2026-12-30', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-09_in_prevue', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-01-09', NULL, 'rafael', 'certification', NULL, false, NULL),
    ('FOR-09_in_reelle', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-06-30', DATE '2026-01-09', 'rafael', 'certification', NULL, false, NULL),
    ('FOR-09_out_same_day', 'd_for', 'formation', DATE '2026-01-10', DATE '2026-01-10', DATE '2026-01-10', 'rafael', 'certification', NULL, false, NULL),
    ('arch_for', 'ARCH', 'formation', DATE '2026-01-10', NULL, NULL, NULL, NULL, NULL, true, 'x');

-- Programmes: FOR-08, PCJ, ASP, PAC, DOS-05.
INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree, date_sortie, motif_sortie, date_saisie_sortie, numero_cerfa) VALUES
    ('for8_pacea', 'd_for8', 'pacea', 'clos', DATE '2026-02-01', DATE '2026-05-31', 'acces_autonomie', NULL, NULL),
    ('for8_cej', 'd_for8_cej', 'cej', 'en_cours', DATE '2026-07-01', NULL, NULL, NULL, NULL),
    ('for8_gj', 'd_for8_gj', 'garantie_jeunes', 'en_cours', DATE '2026-07-01', NULL, NULL, NULL, NULL),
    -- PCJ
    ('pcj1_pacea', 'd_pcj1', 'pacea', 'clos', DATE '2025-01-01', DATE '2026-06-30', 'reorientation_autre_dispositif', NULL, NULL),
    ('PCJ-01_out_day_before', 'd_pcj1', 'cej', 'en_cours', DATE '2026-07-01', NULL, NULL, NULL, NULL),
    ('pcj2_pacea', 'd_pcj2', 'pacea', 'clos', DATE '2025-01-01', DATE '2026-07-01', 'reorientation_autre_dispositif', NULL, NULL),
    ('PCJ-01_in_same_day', 'd_pcj2', 'cej', 'en_cours', DATE '2026-07-01', NULL, NULL, NULL, NULL),
    ('pcj3_pacea', 'd_pcj3', 'pacea', 'en_cours', DATE '2025-01-01', NULL, NULL, NULL, NULL),
    ('PCJ-02_in_open', 'd_pcj3', 'cej', 'en_cours', DATE '2026-07-01', NULL, NULL, NULL, NULL),
    ('pcj4_pacea', 'd_pcj4', 'pacea', 'clos', DATE '2025-06-01', DATE '2026-01-31', 'autre', NULL, NULL),
    ('PCJ-01_in_cej_first', 'd_pcj4', 'cej', 'clos', DATE '2025-01-01', DATE '2025-12-31', 'autre', NULL, NULL),
    ('pcj5_pacea', 'd_pcj5', 'pacea', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    ('PCJ-02_out_after_cej', 'd_pcj5', 'cej', 'clos', DATE '2025-01-01', DATE '2025-12-31', 'autre', NULL, NULL),
    -- ASP list (week 2026-11-16 .. 2026-11-22)
    ('asp_in_exit_monday', 'd_asp1', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-16', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-25 10:00', 'CERFA-1'),
    ('asp1_cej_old', 'd_asp1', 'cej', 'clos', DATE '2024-01-01', DATE '2024-12-31', 'autre', NULL, NULL),
    ('asp1_cej', 'd_asp1', 'cej', 'en_cours', DATE '2026-11-17', NULL, NULL, NULL, NULL),
    ('asp_in_exit_sunday', 'd_asp2', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-22', 'reorientation_autre_dispositif', NULL, NULL),
    ('asp_out_exit_previous_sunday', 'd_asp3', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-15', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-15 12:00', NULL),
    ('asp_in_entered_sunday_2330', 'd_asp4', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-10', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-22 23:30', NULL),
    ('asp_out_entered_monday_0010', 'd_asp5', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-10', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-23 00:10', NULL),
    ('asp_out_other_motif', 'd_asp6', 'pacea', 'clos', DATE '2025-03-01', DATE '2026-11-18', 'abandon', TIMESTAMP '2026-11-18 10:00', NULL),
    ('arch_pacea', 'ARCH', 'pacea', 'en_cours', DATE '2025-03-01', DATE '2026-11-18', 'reorientation_autre_dispositif', TIMESTAMP '2026-11-18 10:00', NULL),
    ('arch_cej', 'ARCH', 'cej', 'en_cours', DATE '2026-11-01', NULL, NULL, NULL, NULL),
    ('arch_diag', 'ARCH', 'diagnostic_approfondi', 'en_cours', DATE '2025-01-01', NULL, NULL, NULL, NULL),
    -- PAC-01
    ('pac1_diag', 'd_pac1', 'diagnostic_approfondi', 'clos', DATE '2026-02-15', DATE '2026-03-01', 'pacea', NULL, NULL),
    ('PAC-01_out_same_day', 'd_pac1', 'pacea', 'clos', DATE '2026-03-01', DATE '2026-09-01', 'autre', NULL, NULL),
    ('pac2_diag', 'd_pac2', 'diagnostic_approfondi', 'clos', DATE '2026-02-15', DATE '2026-03-01', 'pacea', NULL, NULL),
    ('PAC-01_in_diag_after', 'd_pac2', 'pacea', 'clos', DATE '2026-02-28', DATE '2026-09-01', 'autre', NULL, NULL),
    ('PAC-01_in_no_diag', 'd_pac3', 'pacea', 'clos', DATE '2026-02-28', DATE '2026-09-01', 'autre', NULL, NULL),
    ('pac4_diag', 'd_pac4', 'diagnostic_approfondi', 'clos', DATE '2026-02-15', DATE '2026-02-20', 'abandon', NULL, NULL),
    ('PAC-01_in_wrong_motif', 'd_pac4', 'pacea', 'clos', DATE '2026-02-28', DATE '2026-09-01', 'autre', NULL, NULL),
    -- PAC-02 (month-end clamping: 31 Jan + 1 month = 28 Feb 2026)
    ('PAC-02_out_clamped', 'd_pac5', 'diagnostic_approfondi', 'clos', DATE '2026-01-31', DATE '2026-02-28', 'pacea', NULL, NULL),
    ('PAC-02_alerte_clamped', 'd_pac5', 'diagnostic_approfondi', 'clos', DATE '2026-01-31', DATE '2026-03-01', 'abandon', NULL, NULL),
    ('PAC-02_alerte_3_months', 'd_pac5', 'diagnostic_approfondi', 'clos', DATE '2026-01-31', DATE '2026-04-30', 'abandon', NULL, NULL),
    ('PAC-02_erreur_beyond_3', 'd_pac5', 'diagnostic_approfondi', 'clos', DATE '2026-01-31', DATE '2026-05-01', 'abandon', NULL, NULL),
    ('PAC-02_out_open', 'd_pac5', 'diagnostic_approfondi', 'en_cours', DATE '2026-10-23', NULL, NULL, NULL, NULL),
    ('PAC-02_alerte_open', 'd_pac5', 'diagnostic_approfondi', 'en_cours', DATE '2026-10-22', NULL, NULL, NULL, NULL),
    -- PAC-03
    ('pac6_diag', 'd_pac6', 'diagnostic_approfondi', 'clos', DATE '2026-01-10', DATE '2026-01-31', 'pacea', NULL, NULL),
    ('PAC-03_out_clamped', 'd_pac6', 'pacea', 'clos', DATE '2026-02-28', DATE '2026-09-01', 'autre', NULL, NULL),
    ('pac7_diag', 'd_pac7', 'diagnostic_approfondi', 'clos', DATE '2026-01-10', DATE '2026-01-31', 'pacea', NULL, NULL),
    ('PAC-03_in_day_after', 'd_pac7', 'pacea', 'clos', DATE '2026-03-01', DATE '2026-09-01', 'autre', NULL, NULL),
    ('pac8_diag_old', 'd_pac8', 'diagnostic_approfondi', 'clos', DATE '2025-01-01', DATE '2025-01-10', 'pacea', NULL, NULL),
    ('pac8_diag', 'd_pac8', 'diagnostic_approfondi', 'clos', DATE '2026-03-20', DATE '2026-04-01', 'pacea', NULL, NULL),
    ('PAC-03_out_latest_diag', 'd_pac8', 'pacea', 'clos', DATE '2026-04-15', DATE '2026-09-01', 'autre', NULL, NULL),
    -- PAC-04 (D = 2026-11-23: entry + 24 months must be before D)
    ('PAC-04_out_24_months', 'd_pac9', 'pacea', 'en_cours', DATE '2024-11-23', NULL, NULL, NULL, NULL),
    ('PAC-04_in_24_months_1_day', 'd_pac10', 'pacea', 'suspendu', DATE '2024-11-22', NULL, NULL, NULL, NULL),
    ('PAC-04_out_closed', 'd_pac10', 'pacea', 'clos', DATE '2020-01-01', DATE '2021-01-01', 'autre', NULL, NULL),
    -- PAC-05 (birth dates set below)
    ('PAC-05_birthday', 'd_pac11', 'pacea', 'en_cours', DATE '2026-06-01', NULL, NULL, NULL, NULL),
    ('PAC-05_day_before', 'd_pac12', 'pacea', 'en_cours', DATE '2026-06-01', NULL, NULL, NULL, NULL),
    ('PAC-05_feb29', 'd_pac13', 'pacea', 'initialise', DATE '2025-06-01', NULL, NULL, NULL, NULL),
    ('PAC-05_closed', 'd_pac11', 'pacea', 'clos', DATE '2025-06-01', DATE '2026-01-01', 'autre', NULL, NULL),
    -- PAC-06 / PAC-07
    ('pac14_pacea', 'd_pac14', 'pacea', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    ('pac14_cej', 'd_pac14', 'cej', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    ('pac15_pacea', 'd_pac15', 'pacea', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    -- DOS-05
    ('dos5_pacea', 'DOS-05_in', 'pacea', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    ('dos5_pacea_ref', 'DOS-05_out_referent', 'pacea', 'en_cours', DATE '2026-01-01', NULL, NULL, NULL, NULL),
    ('dos5_pacea_clos', 'DOS-05_out_clos', 'pacea', 'clos', DATE '2026-01-01', DATE '2026-02-01', 'autre', NULL, NULL);

UPDATE dossiers SET date_naissance = DATE '2000-11-23' WHERE id_dossier = 'd_pac11';
UPDATE dossiers SET date_naissance = DATE '2000-11-24' WHERE id_dossier = 'd_pac12';
UPDATE dossiers SET date_naissance = DATE '2000-02-29' WHERE id_dossier = 'd_pac13';
UPDATE dossiers SET id_conseiller_referent = NULL WHERE id_dossier IN ('DOS-05_in', 'DOS-05_out_clos');

-- PAC-06: month M = 2026-03, so resources of February 2026 count.
-- d_pac14: 150 € ending 28 Feb + 150 € starting 28 Feb open = 300 € in February.
-- d_pac15: 299.99 € in February; 500 € ending 31 Jan and 500 € starting 1 Mar do not meet February.
INSERT INTO ressources (id_ressource, id_dossier, type_ressource, montant_mensuel, date_debut, date_fin) VALUES
    ('res1', 'd_pac14', 'salaire', 150.00, DATE '2026-01-01', DATE '2026-02-28'),
    ('res2', 'd_pac14', 'salaire', 150.00, DATE '2026-02-28', NULL),
    ('res3', 'd_pac15', 'salaire', 299.99, DATE '2026-02-01', DATE '2026-02-01'),
    ('res4', 'd_pac15', 'salaire', 500.00, DATE '2025-06-01', DATE '2026-01-31'),
    ('res5', 'd_pac15', 'salaire', 500.00, DATE '2026-03-01', NULL);

INSERT INTO allocations (id_allocation, id_dispositif, mois, montant, statut, date_demande) VALUES
    ('PAC-06_in_300', 'pac14_pacea', '2026-03', 500.00, 'validee', DATE '2026-03-05'),
    ('PAC-06_out_february_is_m', 'pac14_pacea', '2026-02', 500.00, 'validee', DATE '2026-02-05'),
    ('PAC-06_out_299_99', 'pac15_pacea', '2026-03', 500.00, 'validee', DATE '2026-03-05'),
    ('PAC-06_out_cej', 'pac14_cej', '2026-03', 500.00, 'validee', DATE '2026-03-31'),
    ('PAC-07_in_elapsed', 'pac14_cej', '2026-02', 500.00, 'validee', DATE '2026-03-01'),
    ('PAC-07_out_same_month', 'pac14_cej', '2026-04', 500.00, 'validee', DATE '2026-04-30'),
    ('PAC-07_out_pacea', 'pac15_pacea', '2026-01', 500.00, 'validee', DATE '2026-03-01');

-- Partners. SIE-02 vectors sit in ML-C so that they share no siret with the SIE-04 cases.
INSERT INTO partenaires (id_partenaire, code_structure, raison_sociale, siret, rattache_siene, id_conseiller_referent, actif) VALUES
    ('SIE-01_in', 'ML-A', 'Boulangerie', '44079707400026', false, 'u_ref', true),
    ('SIE-01_out', 'ML-B', 'Garage', '55208131766522', true, 'u_ref', true),
    ('SIE-01_out_inactive', 'ML-B', 'Ancien', NULL, false, 'u_ref', false),
    ('SIE-02_out_v1', 'ML-C', 'v1', '44079707400026', true, NULL, true),
    ('SIE-02_out_v2', 'ML-C', 'v2', '48853781200015', true, NULL, true),
    ('SIE-02_out_v3', 'ML-C', 'v3', '73282932000074', true, NULL, true),
    ('SIE-02_out_v4', 'ML-C', 'v4', '55208131766522', true, NULL, true),
    ('SIE-02_out_laposte_luhn', 'ML-C', 'v5', '35600000000048', true, NULL, true),
    ('SIE-02_out_laposte_sum', 'ML-C', 'v6', '35600000049837', true, NULL, true),
    ('SIE-02_out_spaces', 'ML-B', 'v7', '488 537 812 00015', true, NULL, true),
    ('SIE-02_out_no_break_spaces', 'ML-B', 'v8', '440' || chr(160) || '797' || chr(8239) || '074 00026', true, NULL, true),
    ('SIE-02_in_i1', 'ML-C', 'i1', '44079707400027', true, NULL, true),
    ('SIE-02_in_i2', 'ML-C', 'i2', '48853781200016', true, NULL, true),
    ('SIE-02_in_laposte_sum', 'ML-C', 'i3', '35600000049838', true, NULL, true),
    ('SIE-02_in_i4', 'ML-C', 'i4', '12345678912345', true, NULL, true),
    ('SIE-02_in_13_digits', 'ML-C', 'i5', '3624679471379', true, NULL, true),
    ('SIE-02_in_15_digits', 'ML-C', 'i6', '440797074000278', true, NULL, true),
    ('SIE-03_in', 'ML-B', 'Sans siret', NULL, true, NULL, true),
    ('SIE-03_in_blank', 'ML-B', 'Sans siret 2', '   ', true, NULL, true),
    ('SIE-03_out', 'ML-B', 'Avec siret', '73282932000074', true, NULL, true),
    ('SIE-04_in_a', 'ML-A', 'Doublon A', '73282932000074', true, 'u_ref', true),
    ('SIE-04_in_b', 'ML-A', 'Doublon B', '732 829 320 00074', true, 'u_ref', true),
    ('SIE-04_out_inactive', 'ML-A', 'Doublon inactif', '73282932000074', true, 'u_ref', false),
    ('SIE-04_out_invalid_1', 'ML-A', 'Invalide 1', '12345678912345', true, 'u_ref', true),
    ('SIE-04_out_invalid_2', 'ML-A', 'Invalide 2', '12345678912345', true, 'u_ref', true),
    ('USR-04_partner', 'ML-A', 'Suivi', '55208131766522', true, 'USR-04_in_partenaire', true),
    ('USR-04_partner_off', 'ML-A', 'Fermé', '55208131766522', true, 'USR-04_out_partenaire_inactif', false);

INSERT INTO offres_service (id_offre, code_structure, intitule, id_referent, etat) VALUES
    ('o1', 'ML-A', 'Atelier CV', 'USR-04_in_offre', 'permanent'),
    ('o2', 'ML-A', 'Atelier fini', 'USR-04_out_offre_terminee', 'terminee');

UPDATE dossiers SET id_conseiller_referent = 'USR-04_in_dossier' WHERE id_dossier = 'd_for';

-- RGS, D = 2026-11-23
INSERT INTO certificats_rgs (code_structure, date_echeance) VALUES
    ('RGS_m1', DATE '2026-11-22'), ('RGS_0', DATE '2026-11-23'), ('RGS_15', DATE '2026-12-08'),
    ('RGS_16', DATE '2026-12-09'), ('RGS_60', DATE '2027-01-22'), ('RGS_61', DATE '2027-01-23');

-- DOS-01: 5 months before D = 2026-06-23. DOS-02..05 by their columns.
UPDATE dossiers SET date_inscription = DATE '2026-01-01'
WHERE id_dossier IN ('DOS-01_in_meeting', 'DOS-01_out_meeting', 'DOS-01_in_phone_only', 'DOS-01_in_late_evening');
UPDATE dossiers SET date_inscription = DATE '2026-06-23' WHERE id_dossier = 'DOS-01_out_inscription';
INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature) VALUES
    ('e1', 'DOS-01_in_meeting', TIMESTAMP '2026-06-22 10:00', 'entretien_individuel'),
    ('e2', 'DOS-01_out_meeting', TIMESTAMP '2026-06-23 08:00', 'atelier'),
    ('e3', 'DOS-01_out_meeting', TIMESTAMP '2026-03-23 08:00', 'information_collective'),
    ('e4', 'DOS-01_in_phone_only', TIMESTAMP '2026-11-01 10:00', 'telephone'),
    ('e5', 'DOS-01_in_late_evening', TIMESTAMP '2026-06-22 23:59', 'information_collective');

UPDATE dossiers SET adresse_normalisee = false, npai = NULL WHERE id_dossier = 'DOS-02_in_npai_empty';
UPDATE dossiers SET adresse_normalisee = false, npai = false WHERE id_dossier = 'DOS-02_in_npai_false';
UPDATE dossiers SET adresse_normalisee = false, npai = true WHERE id_dossier = 'DOS-02_out_npai';
UPDATE dossiers SET adresse_normalisee = NULL, npai = NULL WHERE id_dossier = 'DOS-02_out_unknown';

UPDATE dossiers SET email = NULL, telephone_mobile = NULL WHERE id_dossier = 'DOS-03_in_none';
UPDATE dossiers SET email = ' ', telephone_mobile = '', telephone_fixe = '0500000000' WHERE id_dossier = 'DOS-03_in_blank';
UPDATE dossiers SET telephone_mobile = NULL WHERE id_dossier = 'DOS-03_out_email';
UPDATE dossiers SET email = NULL WHERE id_dossier = 'DOS-03_out_mobile';

UPDATE dossiers SET nir = '269054958815780' WHERE id_dossier = 'DOS-04_out_v1';
UPDATE dossiers SET nir = '206127511100564' WHERE id_dossier = 'DOS-04_out_v2';
UPDATE dossiers SET nir = '185076005701818' WHERE id_dossier = 'DOS-04_out_v3';
UPDATE dossiers SET nir = '260072000100289' WHERE id_dossier = 'DOS-04_out_v4';
UPDATE dossiers SET nir = '253077507300483' WHERE id_dossier = 'DOS-04_out_v5';
UPDATE dossiers SET nir = '177022A00100229' WHERE id_dossier = 'DOS-04_out_2a';
UPDATE dossiers SET nir = '269054958815781' WHERE id_dossier = 'DOS-04_erreur_key';
UPDATE dossiers SET nir = '353072B07300483' WHERE id_dossier = 'DOS-04_erreur_2b';
UPDATE dossiers SET nir = '253072C07300483' WHERE id_dossier = 'DOS-04_erreur_2c';
UPDATE dossiers SET nir = '26905495881578' WHERE id_dossier = 'DOS-04_erreur_14';
UPDATE dossiers SET nir = '769054958815724' WHERE id_dossier = 'DOS-04_alerte_7';
UPDATE dossiers SET nir = '806127511100555' WHERE id_dossier = 'DOS-04_alerte_8';
UPDATE dossiers SET nir = '769054958815725' WHERE id_dossier = 'DOS-04_erreur_7_key';
