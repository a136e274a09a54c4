-- The one review queue and change requests to published items.
--
-- `review_items` holds one row per review episode: an item enters the queue (a company waiting
-- for verification, a product or listing waiting for review, a change request, an open report)
-- in the transaction that puts it up for review and is closed, with the decision, in the
-- transaction that decides it. At most one open row per (kind, subject).
CREATE TABLE review_items (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'product', 'sell_offer', 'buy_request', 'change_request', 'report')),
    -- What the decision acts on: the company, product, listing, change request or report.
    subject_id TEXT NOT NULL,
    -- The marketplace object the item is about (for reports: the reported one; for change
    -- requests: the product or listing), whose open reports count towards the risk.
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
    outcome TEXT CHECK (outcome IN ('approved', 'rejected', 'changes_requested', 'withdrawn')),
    reason_code TEXT,
    note TEXT,
    decided_by TEXT REFERENCES users (id),
    closed_at TIMESTAMP
);
CREATE UNIQUE INDEX review_items_open_subject_idx ON review_items (kind, subject_id) WHERE status = 'open';
CREATE INDEX review_items_queue_idx ON review_items (status, kind, id);
CREATE INDEX review_items_risk_idx ON review_items (status, risk, id);
CREATE INDEX review_items_target_idx ON review_items (target_type, target_id, status);
CREATE INDEX review_items_subject_idx ON review_items (subject_id);

-- An edit of a published product or open listing: the live version stays as it is until the
-- change is approved (or auto-approved). At most one open (pending or changes_requested)
-- request per item; a new edit replaces its proposal.
CREATE TABLE change_requests (
    id TEXT PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing')),
    subject_id TEXT NOT NULL,
    company_id TEXT REFERENCES companies (id),
    owner_id TEXT REFERENCES users (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'changes_requested', 'approved', 'auto_approved', 'rejected', 'withdrawn')),
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
CREATE UNIQUE INDEX change_requests_open_idx ON change_requests (subject_type, subject_id) WHERE status IN ('pending', 'changes_requested');
CREATE INDEX change_requests_company_idx ON change_requests (company_id, id);
CREATE INDEX change_requests_owner_idx ON change_requests (owner_id, id);
CREATE INDEX change_requests_requester_idx ON change_requests (requested_by, id);

-- A submission an operator sent back: stored as a draft, shown to the owner as
-- `changes_requested` until it is published again.
ALTER TABLE products ADD COLUMN changes_requested_at TIMESTAMP;
ALTER TABLE listings ADD COLUMN changes_requested_at TIMESTAMP;

-- What was already waiting enters the queue (the item's own id serves as the row's id).
INSERT INTO review_items (id, kind, subject_id, target_type, target_id, company_id, owner_id, category_id, title, screening, open_reports, risk, status, entered_at)
SELECT id, 'company', id, 'company', id, id, NULL, NULL, title, screening, open_reports,
       CASE WHEN screening IN ('block', 'review') OR open_reports >= 3 THEN 'high'
            WHEN screening = 'flag' OR open_reports >= 1 THEN 'medium' ELSE 'low' END,
       'open', entered_at
FROM (SELECT c.id, c.legal_name AS title, c.updated_at AS entered_at,
             COALESCE((SELECT s.outcome FROM screening_results s WHERE s.subject_type = 'company' AND s.subject_id = c.id), 'none') AS screening,
             (SELECT COUNT(*) FROM reports r WHERE r.subject_type = 'company' AND r.subject_id = c.id AND r.status = 'open') AS open_reports
      FROM companies c WHERE c.verification_status = 'pending' AND c.suspended_at IS NULL) AS x;

INSERT INTO review_items (id, kind, subject_id, target_type, target_id, company_id, owner_id, category_id, title, screening, open_reports, risk, status, entered_at)
SELECT id, 'product', id, 'product', id, company_id, NULL, category_id, title, screening, open_reports,
       CASE WHEN screening IN ('block', 'review') OR open_reports >= 3 THEN 'high'
            WHEN screening = 'flag' OR open_reports >= 1 THEN 'medium' ELSE 'low' END,
       'open', entered_at
FROM (SELECT p.id, p.company_id, p.category_id, COALESCE(p.title_zh, p.title_en, '') AS title, p.updated_at AS entered_at,
             COALESCE((SELECT s.outcome FROM screening_results s WHERE s.subject_type = 'product' AND s.subject_id = p.id), 'none') AS screening,
             (SELECT COUNT(*) FROM reports r WHERE r.subject_type = 'product' AND r.subject_id = p.id AND r.status = 'open') AS open_reports
      FROM products p WHERE p.status = 'pending_review' AND p.deleted_at IS NULL) AS x;

INSERT INTO review_items (id, kind, subject_id, target_type, target_id, company_id, owner_id, category_id, title, screening, open_reports, risk, status, entered_at)
SELECT id, CASE WHEN kind = 'sell' THEN 'sell_offer' ELSE 'buy_request' END, id, 'listing', id, company_id, owner_id, category_id, title, screening, open_reports,
       CASE WHEN screening IN ('block', 'review') OR open_reports >= 3 THEN 'high'
            WHEN screening = 'flag' OR open_reports >= 1 THEN 'medium' ELSE 'low' END,
       'open', entered_at
FROM (SELECT l.id, l.kind, l.company_id, l.owner_id, l.category_id, l.title, l.updated_at AS entered_at,
             COALESCE((SELECT s.outcome FROM screening_results s WHERE s.subject_type = 'listing' AND s.subject_id = l.id), 'none') AS screening,
             (SELECT COUNT(*) FROM reports r WHERE r.subject_type = 'listing' AND r.subject_id = l.id AND r.status = 'open') AS open_reports
      FROM listings l WHERE l.status = 'pending_review') AS x;

INSERT INTO review_items (id, kind, subject_id, target_type, target_id, company_id, owner_id, category_id, title, screening, open_reports, risk, status, entered_at)
SELECT id, 'report', id, target_type, target_id, company_id, reporter_id, category_id, title, screening, open_reports,
       CASE WHEN screening IN ('block', 'review') OR open_reports >= 3 THEN 'high'
            WHEN screening = 'flag' OR open_reports >= 1 THEN 'medium' ELSE 'low' END,
       'open', entered_at
FROM (SELECT r.id, r.subject_type AS target_type, r.subject_id AS target_id, r.reporter_id, r.created_at AS entered_at,
             'report: ' || r.reason AS title,
             CASE r.subject_type
                 WHEN 'product' THEN (SELECT p.company_id FROM products p WHERE p.id = r.subject_id)
                 WHEN 'listing' THEN (SELECT l.company_id FROM listings l WHERE l.id = r.subject_id)
                 WHEN 'company' THEN r.subject_id
             END AS company_id,
             CASE r.subject_type
                 WHEN 'product' THEN (SELECT p.category_id FROM products p WHERE p.id = r.subject_id)
                 WHEN 'listing' THEN (SELECT l.category_id FROM listings l WHERE l.id = r.subject_id)
             END AS category_id,
             COALESCE((SELECT s.outcome FROM screening_results s WHERE s.subject_type = r.subject_type AND s.subject_id = r.subject_id), 'none') AS screening,
             (SELECT COUNT(*) FROM reports o WHERE o.subject_type = r.subject_type AND o.subject_id = r.subject_id AND o.status = 'open') AS open_reports
      FROM reports r WHERE r.status = 'open') AS x;
