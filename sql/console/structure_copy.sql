-- console structure copy: the data of one structure copied into an in-memory
-- database for the SQL page of an `avance` account (console.md: its structure's
-- data only). Only the tables below exist there, each holding the rows of the
-- structure $1 (directly, through its dossiers, programmes or transfers); the
-- warehouse is detached before the account's query runs. Tables not listed here
-- (quarantine, runs, ledgers…) are not reachable; console/data's
-- TestStructureCopyCoversEveryTable fails when a warehouse table is neither
-- here nor in its list of exclusions.
CREATE TABLE structures AS SELECT * FROM src.structures WHERE code_structure = $1;
CREATE TABLE lieux AS SELECT * FROM src.lieux WHERE code_structure = $1;
CREATE TABLE utilisateurs AS SELECT * FROM src.utilisateurs WHERE code_structure = $1;
CREATE TABLE dossiers AS SELECT * FROM src.dossiers WHERE code_structure = $1;
CREATE TABLE dispositifs AS SELECT x.* FROM src.dispositifs x SEMI JOIN dossiers d ON d.id_dossier = x.id_dossier;
CREATE TABLE evenements AS SELECT x.* FROM src.evenements x SEMI JOIN dossiers d ON d.id_dossier = x.id_dossier;
CREATE TABLE rendez_vous AS SELECT x.* FROM src.rendez_vous x SEMI JOIN dossiers d ON d.id_dossier = x.id_dossier;
CREATE TABLE situations AS SELECT x.* FROM src.situations x SEMI JOIN dossiers d ON d.id_dossier = x.id_dossier;
CREATE TABLE ressources AS SELECT x.* FROM src.ressources x SEMI JOIN dossiers d ON d.id_dossier = x.id_dossier;
CREATE TABLE allocations AS SELECT x.* FROM src.allocations x SEMI JOIN dispositifs p ON p.id_dispositif = x.id_dispositif;
CREATE TABLE partenaires AS SELECT * FROM src.partenaires WHERE code_structure = $1;
CREATE TABLE offres_service AS SELECT * FROM src.offres_service WHERE code_structure = $1;
CREATE TABLE certificats_rgs AS SELECT * FROM src.certificats_rgs WHERE code_structure = $1;
CREATE TABLE zones_couverture AS SELECT * FROM src.zones_couverture WHERE code_structure = $1;
CREATE TABLE j2_entrepreneurs AS SELECT * FROM src.j2_entrepreneurs WHERE code_structure = $1;
CREATE TABLE j2_actions AS SELECT * FROM src.j2_actions WHERE code_structure = $1;
CREATE TABLE j2_parcours AS SELECT x.* FROM src.j2_parcours x SEMI JOIN j2_entrepreneurs e ON e.id_entrepreneur = x.id_entrepreneur;
-- a participation is the structure's when both its action and its entrepreneur are
CREATE TABLE j2_participations AS SELECT x.* FROM src.j2_participations x
    SEMI JOIN j2_actions a ON a.id_action = x.id_action
    SEMI JOIN j2_entrepreneurs e ON e.id_entrepreneur = x.id_entrepreneur;
CREATE TABLE transferts AS SELECT * FROM src.transferts WHERE code_structure = $1;
CREATE TABLE transfer_status AS SELECT x.* FROM src.transfer_status x SEMI JOIN transferts t ON t.id_transfert = x.id_transfert;
CREATE TABLE control_runs AS SELECT run_id, as_of, date_debut, date_fin FROM src.control_runs WHERE structures IS NULL OR list_contains(structures, $1);
CREATE TABLE findings AS SELECT * FROM src.findings WHERE code_structure = $1;
CREATE TABLE findings_resolved AS SELECT * FROM src.findings_resolved WHERE code_structure = $1;
CREATE TABLE indicator_rdv AS SELECT * FROM src.indicator_rdv WHERE code_structure = $1;
CREATE TABLE upcoming_rdv AS SELECT * FROM src.upcoming_rdv WHERE code_structure = $1;
CREATE TABLE indicator_siene AS SELECT * FROM src.indicator_siene WHERE code_structure = $1;
CREATE TABLE identity_changes AS SELECT * FROM src.identity_changes WHERE code_structure = $1;
CREATE TABLE rafael_sent AS SELECT * FROM src.rafael_sent WHERE code_structure = $1;
