-- A change request whose live item changed after it was proposed is `superseded` when an
-- operator tries to approve it (nothing is applied; the owner edits again on the live version),
-- and its queue item closes with the same outcome. A verified company's profile edit that
-- screening holds is a change request of its own kind (`company`). SQLite cannot change a CHECK constraint in
-- place, so both tables are rebuilt with their rows and indexes.
CREATE TABLE review_items_next (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'product', 'sell_offer', 'buy_request', 'change_request', 'report')),
    subject_id TEXT NOT NULL,
    target_type TEXT NOT NULL CHECK (target_type IN ('company', 'product', 'listing', 'message')),
    target_id TEXT NOT NULL,
    company_id TEXT,
    owner_id TEXT,
    category_id TEXT,
    title TEXT NOT NULL,
    screening TEXT NOT NULL CHECK (screening IN ('none', 'pass', 'flag', 'review', 'block')),
    open_reports INTEGER NOT NULL,
    risk TEXT NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    entered_at TIMESTAMP NOT NULL,
    claimed_by TEXT REFERENCES users (id),
    claimed_until TIMESTAMP,
    outcome TEXT CHECK (outcome IN ('approved', 'rejected', 'changes_requested', 'withdrawn', 'superseded', 'company_inactive')),
    reason_code TEXT,
    note TEXT,
    decided_by TEXT REFERENCES users (id),
    closed_at TIMESTAMP
);
INSERT INTO review_items_next SELECT id, kind, subject_id, target_type, target_id, company_id, owner_id, category_id, title, screening, open_reports, risk, status, entered_at, claimed_by, claimed_until, outcome, reason_code, note, decided_by, closed_at FROM review_items;
DROP TABLE review_items;
ALTER TABLE review_items_next RENAME TO review_items;
CREATE UNIQUE INDEX review_items_open_subject_idx ON review_items (kind, subject_id) WHERE status = 'open';
CREATE INDEX review_items_queue_idx ON review_items (status, kind, id);
CREATE INDEX review_items_risk_idx ON review_items (status, risk, id);
CREATE INDEX review_items_target_idx ON review_items (target_type, target_id, status);
CREATE INDEX review_items_subject_idx ON review_items (subject_id);

CREATE TABLE change_requests_next (
    id TEXT PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing', 'company')),
    subject_id TEXT NOT NULL,
    company_id TEXT REFERENCES companies (id),
    owner_id TEXT REFERENCES users (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'changes_requested', 'approved', 'auto_approved', 'rejected', 'withdrawn', 'superseded')),
    base TEXT NOT NULL,
    proposed TEXT NOT NULL,
    changes TEXT NOT NULL,
    revision INTEGER NOT NULL,
    reason_code TEXT,
    note TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO change_requests_next SELECT id, subject_type, subject_id, company_id, owner_id, requested_by, status, base, proposed, changes, revision, reason_code, note, decided_by, decided_at, created_at, updated_at FROM change_requests;
DROP TABLE change_requests;
ALTER TABLE change_requests_next RENAME TO change_requests;
CREATE UNIQUE INDEX change_requests_open_idx ON change_requests (subject_type, subject_id) WHERE status IN ('pending', 'changes_requested');
CREATE INDEX change_requests_company_idx ON change_requests (company_id, id);
CREATE INDEX change_requests_owner_idx ON change_requests (owner_id, id);
CREATE INDEX change_requests_requester_idx ON change_requests (requested_by, id);

-- Nothing of a company that is down (suspended, terminated, closed) waits for an operator:
-- items already in the queue for such companies close as `company_inactive` (reports stay).
UPDATE review_items
SET status = 'closed', outcome = 'company_inactive', note = 'the company is suspended',
    closed_at = CURRENT_TIMESTAMP, claimed_by = NULL, claimed_until = NULL
WHERE status = 'open' AND kind <> 'report'
  AND (company_id IN (SELECT id FROM companies WHERE suspended_at IS NOT NULL)
       OR (target_type = 'listing' AND target_id IN (
             SELECT l.id FROM listings l JOIN companies c ON c.id = l.company_id
             WHERE c.suspended_at IS NOT NULL)));
