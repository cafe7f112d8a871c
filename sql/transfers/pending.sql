-- pending: the transfer requests not yet final (rules.md TRF), in execution order (date_demande,
-- then id_transfert), each with whether it is due at the run's instant N.
-- A request whose date_demande is on local day J is due at 04:00 local on J + 1; timestamps are
-- naive Europe/Paris local time, so the comparison is on wall-clock time and holds across DST
-- changes (04:00 exists every day). A request with a transfer_status row execute or refuse is
-- final and never listed again. Parameter 1: N, a local timestamp.
SELECT t.id_transfert, t.code_structure, t.type_transfert, t.table_reference, t.source, t.destination,
       t.selection, t.date_demande,
       CAST(CAST(t.date_demande AS DATE) AS TIMESTAMP) + INTERVAL 1 DAY + INTERVAL 4 HOUR <= CAST(? AS TIMESTAMP) AS due
FROM transferts t
WHERE NOT EXISTS (
    SELECT 1 FROM transfer_status s
    WHERE s.id_transfert = t.id_transfert AND s.statut IN ('execute', 'refuse'))
ORDER BY t.date_demande, t.id_transfert
