-- API keys: a company's owners and admins create them for their own software. A key acts as
-- its company (through the member who created it) with exactly its scopes. Only a SHA-256 of
-- the secret is kept; `prefix` is its first characters, to tell keys apart in a list.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- A JSON array of scope names (`["catalog:read", "leads:write"]`).
    scopes TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    expires_at TIMESTAMP,
    -- Updated at most once a minute per key.
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_keys_company ON api_keys (company_id, created_at);
