-- subscriptions/data_loaded: when the data a subscription's analysis reads was loaded: the start
-- of the latest ingestion that succeeded (Paris wall clock), NULL when none did. Said in the
-- workbook and the email, so that a subscriber knows how fresh the result is.
SELECT max(started_at) FROM runs WHERE command = 'ingest' AND status = 'done';
