-- The statements of the console's accounts store (pipelines/accounts), one per
-- `-- name:` block. Times are Unix seconds (UTC).

-- name: insert_account
INSERT INTO accounts (login, profil, code_structure, nom, email, password_hash, password_changed_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: get_account
SELECT login, profil, coalesce(code_structure, ''), coalesce(nom, ''), coalesce(email, ''), password_hash,
       password_changed_at, disabled, coalesce(last_login, 0)
FROM accounts WHERE login = ?;

-- name: list_accounts
SELECT login, profil, coalesce(code_structure, ''), coalesce(nom, ''), coalesce(email, ''), password_hash,
       password_changed_at, disabled, coalesce(last_login, 0)
FROM accounts ORDER BY login;

-- name: set_disabled
UPDATE accounts SET disabled = ? WHERE login = ?;

-- name: set_password
UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE login = ?;

-- name: set_email
-- The account's email address (NULL: none), where its subscriptions are sent.
UPDATE accounts SET email = ? WHERE login = ?;

-- name: set_last_login
UPDATE accounts SET last_login = ? WHERE login = ?;

-- name: delete_sessions_of
DELETE FROM sessions WHERE login = ?;

-- name: delete_tokens_of
DELETE FROM tokens WHERE login = ?;

-- name: count_failures
SELECT count(*), coalesce(max(at), 0) FROM login_failures WHERE login = ? AND at > ?;

-- name: insert_failure
INSERT INTO login_failures (login, at) VALUES (?, ?);

-- name: delete_failure
DELETE FROM login_failures WHERE rowid = ?;

-- name: clear_failures
DELETE FROM login_failures WHERE login = ?;

-- name: prune_failures
DELETE FROM login_failures WHERE at <= ?;

-- name: insert_session
INSERT INTO sessions (id, login, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?);

-- name: get_session
SELECT s.login, s.csrf, s.created_at, s.last_seen FROM sessions s WHERE s.id = ?;

-- name: touch_session
UPDATE sessions SET last_seen = ? WHERE id = ?;

-- name: delete_session
DELETE FROM sessions WHERE id = ?;

-- name: prune_sessions
DELETE FROM sessions WHERE last_seen <= ? OR created_at <= ?;

-- name: insert_token
INSERT INTO tokens (hash, login, created_at, expires_at) VALUES (?, ?, ?, ?);

-- name: get_token
SELECT login, coalesce(expires_at, 0) FROM tokens WHERE hash = ?;

-- name: accept_cgu
INSERT OR IGNORE INTO cgu_acceptances (login, version, at) VALUES (?, ?, ?);

-- name: has_cgu
SELECT count(*) FROM cgu_acceptances WHERE login = ? AND version = ?;

-- name: insert_audit
INSERT INTO audit_log (at, login, action, objet, adresse) VALUES (?, ?, ?, ?, ?);

-- name: list_audit
SELECT at, login, action, objet, adresse FROM audit_log
WHERE (?1 = '' OR login = ?1) AND (?2 = '' OR action = ?2)
ORDER BY at DESC, rowid DESC LIMIT ?3 OFFSET ?4;

-- name: count_audit
SELECT count(*) FROM audit_log WHERE (?1 = '' OR login = ?1) AND (?2 = '' OR action = ?2);

-- name: insert_analysis
INSERT INTO analyses (owner, titre, description, sql_text, affichage, statut, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, 'personnelle', ?, ?);

-- name: get_analysis
SELECT id, owner, titre, description, sql_text, affichage, statut, version, created_at, updated_at,
       coalesce(decided_by, ''), coalesce(decided_at, 0), coalesce(motif, '')
FROM analyses WHERE id = ?;

-- name: list_analyses
SELECT id, owner, titre, description, sql_text, affichage, statut, version, created_at, updated_at,
       coalesce(decided_by, ''), coalesce(decided_at, 0), coalesce(motif, '')
FROM analyses WHERE owner = ? OR statut = 'validee' OR (? AND statut = 'proposee')
ORDER BY lower(titre), id;

-- name: update_analysis
UPDATE analyses SET titre = ?, description = ?, sql_text = ?, affichage = ?, statut = 'personnelle',
       version = version + 1, updated_at = ?, decided_by = NULL, decided_at = NULL, motif = NULL
WHERE id = ? AND owner = ?;

-- name: delete_analysis
DELETE FROM analyses WHERE id = ? AND owner = ?;

-- name: propose_analysis
UPDATE analyses SET statut = 'proposee', updated_at = ?, decided_by = NULL, decided_at = NULL, motif = NULL
WHERE id = ? AND owner = ? AND statut IN ('personnelle', 'refusee');

-- name: decide_analysis
UPDATE analyses SET statut = ?, decided_by = ?, decided_at = ?, motif = ?
WHERE id = ? AND statut = 'proposee' AND version = ?;

-- name: upsert_subscription
INSERT INTO subscriptions (login, analysis_id, frequence, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (login, analysis_id) DO UPDATE SET frequence = excluded.frequence;

-- name: delete_subscription
DELETE FROM subscriptions WHERE login = ? AND analysis_id = ?;

-- name: list_subscriptions
-- Every subscription with its account and analysis; one login, or all ('').
SELECT s.login, s.frequence, s.created_at,
       a.id, a.owner, a.titre, a.description, a.sql_text, a.affichage, a.statut, a.version, a.created_at, a.updated_at,
       coalesce(a.decided_by, ''), coalesce(a.decided_at, 0), coalesce(a.motif, '')
FROM subscriptions s JOIN analyses a ON a.id = s.analysis_id
WHERE ?1 = '' OR s.login = ?1
ORDER BY s.login, lower(a.titre), a.id;

-- name: subscription_frequency
-- The frequency of login's subscription to an analysis ('': none).
SELECT coalesce(max(frequence), '') FROM subscriptions WHERE login = ? AND analysis_id = ?;
