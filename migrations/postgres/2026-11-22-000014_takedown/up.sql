-- IP notice and takedown, enforcement (hide, warn, suspend, terminate), appeals, and companies
-- that leave the platform (kept for the retention period, then purged).

-- What keeps a product or listing out of public view: one row per cause (an operator's hide or an
-- accepted takedown notice). An item is hidden while any row names it; lifting one cause leaves
-- the others in force. The history of each cause is in its own table.
CREATE TABLE item_holds (
    id TEXT PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing')),
    subject_id TEXT NOT NULL,
    source_type TEXT NOT NULL CHECK (source_type IN ('enforcement', 'takedown')),
    source_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT item_holds_source_key UNIQUE (source_type, source_id)
);
CREATE INDEX item_holds_subject_idx ON item_holds (subject_type, subject_id);

-- Operator measures against an item or a company, with the reason, and how they ended.
CREATE TABLE enforcement_actions (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('hide', 'warn', 'suspend', 'terminate')),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing', 'company')),
    subject_id TEXT NOT NULL,
    -- Whom it concerns: the company, or (for an individual's buy request) the account.
    company_id TEXT REFERENCES companies (id),
    owner_id TEXT REFERENCES users (id),
    reason TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('operator', 'report')),
    report_id TEXT REFERENCES reports (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    reversed_at TIMESTAMP,
    reversed_by TEXT REFERENCES users (id),
    reversal TEXT CHECK (reversal IN ('unhide', 'reinstate', 'appeal')),
    reversal_reason TEXT
);
CREATE INDEX enforcement_actions_company_idx ON enforcement_actions (company_id, id);
CREATE INDEX enforcement_actions_owner_idx ON enforcement_actions (owner_id, id);
CREATE INDEX enforcement_actions_subject_idx ON enforcement_actions (subject_type, subject_id);

-- IP notices by rights holders, the supplier's counter-notice and the operator's decisions.
CREATE TABLE takedown_notices (
    id TEXT PRIMARY KEY NOT NULL,
    notifier_id TEXT NOT NULL REFERENCES users (id),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing')),
    subject_id TEXT NOT NULL,
    company_id TEXT REFERENCES companies (id),
    owner_id TEXT REFERENCES users (id),
    rights_type TEXT NOT NULL CHECK (rights_type IN ('trademark', 'patent', 'copyright')),
    rights_holder TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence_urls TEXT NOT NULL,
    good_faith BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'rejected', 'accepted', 'countered', 'final', 'restored', 'kept_down', 'reversed')),
    -- Fixed when the notice is accepted: acceptance + the configured window.
    counter_deadline TIMESTAMP,
    counter_statement TEXT,
    counter_evidence_urls TEXT,
    countered_at TIMESTAMP,
    countered_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id),
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX takedown_notices_status_idx ON takedown_notices (status, id);
CREATE INDEX takedown_notices_deadline_idx ON takedown_notices (status, counter_deadline);
CREATE INDEX takedown_notices_notifier_idx ON takedown_notices (notifier_id, id);
CREATE INDEX takedown_notices_company_idx ON takedown_notices (company_id, id);
CREATE INDEX takedown_notices_owner_idx ON takedown_notices (owner_id, id);
CREATE INDEX takedown_notices_subject_idx ON takedown_notices (subject_type, subject_id);

-- Every step of a case, time-stamped, as both sides see it.
CREATE TABLE takedown_events (
    id TEXT PRIMARY KEY NOT NULL,
    notice_id TEXT NOT NULL REFERENCES takedown_notices (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    party TEXT NOT NULL CHECK (party IN ('notifier', 'supplier', 'operator', 'system')),
    kind TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX takedown_events_notice_idx ON takedown_events (notice_id, at);

-- One appeal per enforcement action or takedown, and the operator's decision.
CREATE TABLE appeals (
    id TEXT PRIMARY KEY NOT NULL,
    target_type TEXT NOT NULL CHECK (target_type IN ('enforcement', 'takedown')),
    target_id TEXT NOT NULL,
    company_id TEXT REFERENCES companies (id),
    owner_id TEXT REFERENCES users (id),
    appellant_id TEXT NOT NULL REFERENCES users (id),
    statement TEXT NOT NULL,
    evidence_urls TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
    decision_note TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT appeals_target_key UNIQUE (target_type, target_id)
);
CREATE INDEX appeals_status_idx ON appeals (status, id);

-- Companies that left: their registration records are kept until `closed_at` + the retention
-- period, then the purge anonymizes the company row (`purged_at`).
CREATE TABLE company_closures (
    company_id TEXT PRIMARY KEY NOT NULL REFERENCES companies (id),
    closed_by TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    -- The members at closing ([{user_id, role}]), whose memberships ended with it.
    members TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    purged_at TIMESTAMP
);
CREATE INDEX company_closures_due_idx ON company_closures (purged_at, closed_at);
