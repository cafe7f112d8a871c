-- hold_checkpoints: no automatic checkpoint during a transfer run (rules.md TRF). A run reads the
-- row ids of the rows its requests may change once, then changes them by row id, one request per
-- transaction; a checkpoint that vacuums deleted rows renumbers the rows after them, so it must
-- wait until the run is over (release_checkpoints.sql). The write-ahead log grows meanwhile.
SET checkpoint_threshold = '1000 GB'
