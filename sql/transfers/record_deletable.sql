-- record_deletable: one source element no longer referenced after a transfer run (0020_batches,
-- transfer_deletable). Parameters: run_id, code_structure, type_element, table_name,
-- column_name, valeur, id_transfert.
INSERT INTO transfer_deletable (run_id, code_structure, type_element, table_name, column_name, valeur, id_transfert)
VALUES (?, ?, ?, ?, ?, ?, ?)
