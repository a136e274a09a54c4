-- Screening rules (operator-managed words, phrases and patterns) and the outcome of screening
-- each item. Rules are never deleted, only disabled: stored outcomes name the rule that matched.
CREATE TABLE screening_rules (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('term', 'pattern')),
    text TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('block', 'review', 'flag')),
    category TEXT NOT NULL,
    exceptions TEXT NOT NULL,
    note TEXT,
    enabled BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE screening_results (
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'flag', 'review', 'block')),
    hits TEXT NOT NULL,
    screened_at TIMESTAMP NOT NULL,
    PRIMARY KEY (subject_type, subject_id)
);
CREATE INDEX screening_results_outcome_idx ON screening_results (outcome, screened_at);
