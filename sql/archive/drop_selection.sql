-- drop_selection: forgets the per-connection archive_selection once a batch is done.
DROP TABLE IF EXISTS archive_selection
