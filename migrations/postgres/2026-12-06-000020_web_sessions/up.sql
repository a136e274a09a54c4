-- Browser sessions of the web pages (issue 17). The cookie holds a random token; only its
-- SHA-256 is stored. Each session belongs to a sign-in (a refresh-token family), so logout,
-- password change or reset and a disabled account end it as they end API tokens.
CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    family_id TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    -- The synchronizer token every state-changing form of this session carries.
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
