-- delivery/record: one delivery attempt of one file to one recipient.
INSERT INTO delivery_ledger (recipient, file, sha256, job, scheduled_for, delivered_at, channel, status, error)
VALUES (?, ?, ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?, ?);
