-- The platform's published rules (guideline 第十一、十二、十三、十五条): terms of service, privacy
-- notice, trading, safety and prohibited-information rules. Each publication is a new version;
-- old versions stay readable. Registration records which versions an account accepted.
CREATE TABLE policy_documents (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_zh TEXT NOT NULL,
    body_en TEXT NOT NULL,
    -- What changed against the previous version, for the readers who accepted that one.
    change_note TEXT NOT NULL,
    published_by TEXT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL,
    UNIQUE (kind, version)
);
CREATE TABLE policy_acceptances (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    document_id TEXT NOT NULL REFERENCES policy_documents (id),
    accepted_at TIMESTAMP NOT NULL
);
CREATE INDEX policy_acceptances_user ON policy_acceptances (user_id);
