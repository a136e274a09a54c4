-- Supplier verification details, penalty points, ratings and the credit profile (信用评价).

-- The business licence as submitted: an https image of it and its expiry date; a long-term
-- licence (营业期限 长期) is stored as 9999-12-31, as licence registers do (companies has 31
-- columns now; diesel's 32-column-tables feature allows one more). `licence_warned_days` is
-- the smallest warning threshold (days before expiry; 0 = expired) already sent for the
-- current expiry date: each warning is claimed once with a conditional UPDATE, and a new
-- expiry date clears it.
ALTER TABLE companies ADD COLUMN licence_image_url TEXT;
ALTER TABLE companies ADD COLUMN licence_expires_on DATE;
ALTER TABLE companies ADD COLUMN licence_warned_days INTEGER;
-- The credit score (tenths of a point, 0–1000) as last computed; a copy of
-- credit_profiles.score kept on the company so search documents carry it.
ALTER TABLE companies ADD COLUMN credit_score INTEGER;

-- Confirmed violations. Points count while `expires_at` is ahead.
CREATE TABLE penalties (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    points INTEGER NOT NULL CHECK (points BETWEEN 1 AND 100),
    reason_code TEXT NOT NULL,
    note TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    subject_type TEXT,
    subject_id TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX penalties_company_idx ON penalties (company_id, id);
-- One penalty per upheld report.
CREATE UNIQUE INDEX penalties_report_id_key ON penalties (report_id) WHERE report_id IS NOT NULL;

-- A buyer's rating of a company, once per inquiry thread or accepted quote.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    rater_id TEXT NOT NULL REFERENCES users (id),
    source_type TEXT NOT NULL CHECK (source_type IN ('inquiry', 'quote')),
    source_id TEXT NOT NULL,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'held', 'rejected')),
    moderation_note TEXT,
    moderated_by TEXT REFERENCES users (id),
    moderated_at TIMESTAMP,
    reply TEXT,
    replied_by TEXT REFERENCES users (id),
    replied_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT ratings_source_id_key UNIQUE (source_type, source_id)
);
CREATE INDEX ratings_company_idx ON ratings (company_id, status, id);
CREATE INDEX ratings_status_idx ON ratings (status, id);

-- The credit profile as last computed: every input of the published formula, its version and
-- the score, so anyone can recompute it. `penalty_level` is the enforcement level the active
-- points reached (none, warn, restrict, suspend).
CREATE TABLE credit_profiles (
    company_id TEXT PRIMARY KEY NOT NULL REFERENCES companies (id),
    formula_version INTEGER NOT NULL,
    score INTEGER NOT NULL,
    verified BOOLEAN NOT NULL,
    days_on_platform INTEGER NOT NULL,
    response_rate_pct INTEGER,
    rating_count INTEGER NOT NULL,
    rating_sum INTEGER NOT NULL,
    upheld_complaints INTEGER NOT NULL,
    active_points INTEGER NOT NULL,
    penalty_level TEXT NOT NULL CHECK (penalty_level IN ('none', 'warn', 'restrict', 'suspend')),
    computed_at TIMESTAMP NOT NULL
);
