-- Reports by signed-in accounts about a product, listing, company or message, and the
-- operator's resolution. One open report per reporter and subject.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    reporter_id TEXT NOT NULL REFERENCES users (id),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing', 'company', 'message')),
    subject_id TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('counterfeit', 'ip_infringement', 'prohibited_goods', 'fraud', 'spam', 'other')),
    details TEXT NOT NULL,
    evidence_urls TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    resolution_note TEXT,
    handled_by TEXT REFERENCES users (id),
    handled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_status_idx ON reports (status, id);
CREATE INDEX reports_subject_idx ON reports (subject_type, subject_id);
CREATE INDEX reports_reporter_idx ON reports (reporter_id, id);
