-- journal: one transfer_journal row per row a transfer changed (rules.md TRF: request, table, row
-- id, old value, new value, instant), in the request's transaction, right after its effect. The
-- old value of every row is the request's source: an effect only changes rows holding it.
-- Parameters: id_transfert, table_name, column_name, the changed keys (a list), source,
-- destination, executed_at (local timestamp), run_id.
INSERT INTO transfer_journal (id_transfert, table_name, column_name, row_id, old_value, new_value, executed_at, run_id)
SELECT ?, ?, ?, unnest(CAST(? AS VARCHAR[])), ?, ?, CAST(? AS TIMESTAMP), ?
