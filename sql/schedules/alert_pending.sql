-- schedules/alert_pending: for a run held by the freshness gate, whether its alert to the analysts
-- failed for a recipient and channel that never got it since, and when it was last tried
-- (the daemon tries it again). $1 job, $2 scheduled_for (local).
SELECT count(*), max(f.delivered_at)
FROM delivery_ledger f
WHERE f.job = $1 AND f.scheduled_for = $2::TIMESTAMP AND f.file LIKE 'ALERTE\_fraicheur\_%' ESCAPE '\'
  AND f.status = 'failed'
  AND NOT EXISTS (SELECT 1 FROM delivery_ledger s
                  WHERE s.job = f.job AND s.scheduled_for = f.scheduled_for AND s.file = f.file
                    AND s.recipient = f.recipient AND s.channel = f.channel AND s.status = 'sent')
