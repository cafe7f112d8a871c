-- update: the effect of one transfer request (rules.md TRF), in its own transaction: the rows the
-- transfers package selected for it from the candidates of its column (by structure, source and
-- selection), changed by row id. Row ids hold during the run: automatic checkpoints, which may
-- renumber rows, wait until it is over (hold_checkpoints.sql). The guard on the source makes a row
-- changed meanwhile count as not changed, which fails the request.
-- {{table}} and {{column}} are quoted identifiers from the transfers package's fixed allow-list.
-- Parameters: destination, the row ids (a list), source.
UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.rowid IN (SELECT unnest(CAST(? AS BIGINT[]))) AND t.{{column}} = ?
