-- tidy: run each time the warehouse is opened for writing. Removes what a
-- killed run may have left in the catalogue: the Arrow view the XLSX ingest
-- registers (ingest/stage.go drops it after use), which points at freed
-- memory and crashes the engine when read.
DROP VIEW IF EXISTS main.xlsx_rows;
