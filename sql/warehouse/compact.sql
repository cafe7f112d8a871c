-- compact: rewrites the warehouse into a fresh file holding only live rows, so that the values an
-- archiving set to NULL are gone from the file's bytes too (DuckDB keeps freed blocks as they are).
-- Run on an in-memory connection while the warehouse is closed; {{old}} and {{fresh}} are the two
-- file paths as SQL literals (ATTACH takes no parameter). The fresh copy owes no rewrite: its
-- maintenance_pending rows for the compaction go, so that the copy, once renamed over the old
-- file, closes the debt the archiving recorded.
ATTACH {{old}} AS vigie_old;
CHECKPOINT vigie_old;
ATTACH {{fresh}} AS vigie_fresh;
COPY FROM DATABASE vigie_old TO vigie_fresh;
DELETE FROM vigie_fresh.main.maintenance_pending WHERE task = 'compact';
DETACH vigie_fresh;
DETACH vigie_old;
