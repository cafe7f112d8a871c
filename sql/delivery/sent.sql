-- delivery/sent: what has already reached one recipient for one scheduled run, by channel (one
-- query per recipient instead of one per file: exactly-once delivery reads it before sending).
-- Columns: file, channel.
SELECT DISTINCT file, channel
FROM delivery_ledger
WHERE recipient = ? AND job = ? AND scheduled_for = ?::TIMESTAMP AND status = 'sent';
