-- console deliveries: the delivery ledger, newest first (regional pages). $1 limit
SELECT recipient, file, sha256, job, scheduled_for, delivered_at, channel, status, coalesce(error, '')
FROM delivery_ledger ORDER BY delivered_at DESC LIMIT $1
