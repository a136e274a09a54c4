-- A change request whose live item changed after it was proposed is `superseded` when an
-- operator tries to approve it (nothing is applied; the owner edits again on the live version),
-- and its queue item closes with the same outcome.
-- A verified company's profile edit that screening holds is a change request of its own kind
-- (`company`).
ALTER TABLE change_requests DROP CONSTRAINT change_requests_status_check;
ALTER TABLE change_requests ADD CONSTRAINT change_requests_status_check
    CHECK (status IN ('pending', 'changes_requested', 'approved', 'auto_approved', 'rejected', 'withdrawn', 'superseded'));
ALTER TABLE change_requests DROP CONSTRAINT change_requests_subject_type_check;
ALTER TABLE change_requests ADD CONSTRAINT change_requests_subject_type_check
    CHECK (subject_type IN ('product', 'listing', 'company'));
ALTER TABLE review_items DROP CONSTRAINT review_items_outcome_check;
ALTER TABLE review_items ADD CONSTRAINT review_items_outcome_check
    CHECK (outcome IN ('approved', 'rejected', 'changes_requested', 'withdrawn', 'superseded', 'company_inactive'));

-- Nothing of a company that is down (suspended, terminated, closed) waits for an operator:
-- items already in the queue for such companies close as `company_inactive` (reports stay).
UPDATE review_items
SET status = 'closed', outcome = 'company_inactive', note = 'the company is suspended',
    closed_at = (now() AT TIME ZONE 'UTC'), claimed_by = NULL, claimed_until = NULL
WHERE status = 'open' AND kind <> 'report'
  AND (company_id IN (SELECT id FROM companies WHERE suspended_at IS NOT NULL)
       OR (target_type = 'listing' AND target_id IN (
             SELECT l.id FROM listings l JOIN companies c ON c.id = l.company_id
             WHERE c.suspended_at IS NOT NULL)));
