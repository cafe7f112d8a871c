-- pending: whether the warehouse owes a file rewrite (0070_hardening: maintenance_pending), read
-- each time it is opened for writing.
SELECT count(*) > 0 FROM maintenance_pending WHERE task = 'compact';
