-- The console's accounts store (console.md): accounts and profiles, password
-- hashes, server-side sessions, personal access tokens (hashed), failed logins
-- for the lockout, acceptances of the terms of use, and the audit log.
-- SQLite, kept beside the warehouse in <warehouse>.console/console.db so that
-- `vigie users` can change it while the console and the daemon run.
CREATE TABLE IF NOT EXISTS accounts (
    login               TEXT PRIMARY KEY,
    profil              TEXT NOT NULL,
    code_structure      TEXT,
    nom                 TEXT,
    email               TEXT,
    password_hash       TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    last_login          INTEGER
);

-- id is the SHA-256 of the cookie's token: the token itself is never stored.
CREATE TABLE IF NOT EXISTS sessions (
    id         TEXT PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES accounts(login),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS tokens (
    hash       TEXT PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES accounts(login),
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);

-- Failed logins, by the login typed (known or not: the lockout must not tell).
CREATE TABLE IF NOT EXISTS login_failures (
    login TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_login ON login_failures(login, at);

CREATE TABLE IF NOT EXISTS cgu_acceptances (
    login   TEXT NOT NULL,
    version TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (login, version)
);

CREATE TABLE IF NOT EXISTS audit_log (
    at      INTEGER NOT NULL,
    login   TEXT NOT NULL,
    action  TEXT NOT NULL,
    objet   TEXT NOT NULL,
    adresse TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);

-- Analyses (console.md): a saved read-only SQL statement and how to show it.
-- An analysis is its owner's own (personnelle) until an expert proposes it to
-- the regional catalogue (proposee); a valideur validates it (validee: every
-- account sees it, each over its own scope) or refuses it (refusee, with the
-- reason). Changing a proposed or validated analysis makes it personal again.
CREATE TABLE IF NOT EXISTS analyses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner       TEXT NOT NULL REFERENCES accounts(login),
    titre       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sql_text    TEXT NOT NULL,
    affichage   TEXT NOT NULL,
    statut      TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1, -- counts the changes: a valideur decides on the one read
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    decided_by  TEXT,
    decided_at  INTEGER,
    motif       TEXT
);
CREATE INDEX IF NOT EXISTS analyses_owner ON analyses(owner);
CREATE INDEX IF NOT EXISTS analyses_statut ON analyses(statut);

-- Subscriptions: an account receives the result of an analysis it may open
-- (its own, or one of the catalogue), each day, each Monday or the 1st of
-- the month, over its own scope at the time of sending (the subscriptions
-- step of the daemon). Deleting the analysis ends its subscriptions.
CREATE TABLE IF NOT EXISTS subscriptions (
    login       TEXT NOT NULL REFERENCES accounts(login),
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    frequence   TEXT NOT NULL, -- quotidien, hebdomadaire, mensuel
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (login, analysis_id)
);
