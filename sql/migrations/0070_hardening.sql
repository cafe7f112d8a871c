-- 0070_hardening: what the hardening of issue 12 keeps in the warehouse.
--
-- maintenance_pending: one row per file rewrite owed to the warehouse. The
-- archiving writes it in the transaction that anonymises, so that a run
-- killed before the rewrite (archive/compact.go) leaves the debt recorded;
-- the next opening for writing pays it (warehouse.Open). The rewritten copy
-- is emptied of these rows before it replaces the file.
CREATE TABLE IF NOT EXISTS maintenance_pending (
    task       VARCHAR NOT NULL,
    since      TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    run_id     BIGINT
);

-- The Arrow view of the XLSX ingest, left behind by earlier versions.
DROP VIEW IF EXISTS main.xlsx_rows;
