-- subscriptions/sent_since: the subscriptions job's earlier runs of a period: $1 the job, [$2, $3)
-- their instants (Paris wall clock). Whether one produced its files (sent), and whether one did
-- not run or failed (missed: the daemon was down, the run failed or was interrupted). A weekly
-- subscription goes on Mondays, and on a later day of the week only when Monday's run was missed
-- and no run of the week sent it since; a monthly one likewise from the 1st.
SELECT coalesce(bool_or(state IN ('produced', 'done', 'delivery_failed')), false) AS sent,
       coalesce(bool_or(state IN ('missed', 'failed', 'interrupted')), false) AS missed
FROM schedule_ledger
WHERE job = ? AND scheduled_for >= CAST(? AS TIMESTAMP) AND scheduled_for < CAST(? AS TIMESTAMP);
