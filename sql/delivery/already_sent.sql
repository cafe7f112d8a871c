-- delivery/already_sent: has this file already reached this recipient by this
-- channel for this scheduled run? (exactly-once delivery)
SELECT count(*) > 0
FROM delivery_ledger
WHERE recipient = ? AND file = ? AND job = ? AND scheduled_for = ?::TIMESTAMP AND channel = ? AND status = 'sent';
