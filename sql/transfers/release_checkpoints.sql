-- release_checkpoints: automatic checkpoints again after a transfer run (see hold_checkpoints.sql):
-- the threshold back to DuckDB's default, which vigie never changes.
RESET checkpoint_threshold
