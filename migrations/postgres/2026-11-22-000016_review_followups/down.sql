UPDATE review_items SET outcome = 'withdrawn' WHERE outcome IN ('superseded', 'company_inactive');
ALTER TABLE review_items DROP CONSTRAINT review_items_outcome_check;
ALTER TABLE review_items ADD CONSTRAINT review_items_outcome_check
    CHECK (outcome IN ('approved', 'rejected', 'changes_requested', 'withdrawn'));
DELETE FROM review_items WHERE kind = 'change_request' AND target_type = 'company';
DELETE FROM change_requests WHERE subject_type = 'company';
ALTER TABLE change_requests DROP CONSTRAINT change_requests_subject_type_check;
ALTER TABLE change_requests ADD CONSTRAINT change_requests_subject_type_check
    CHECK (subject_type IN ('product', 'listing'));
UPDATE change_requests SET status = 'withdrawn' WHERE status = 'superseded';
ALTER TABLE change_requests DROP CONSTRAINT change_requests_status_check;
ALTER TABLE change_requests ADD CONSTRAINT change_requests_status_check
    CHECK (status IN ('pending', 'changes_requested', 'approved', 'auto_approved', 'rejected', 'withdrawn'));
