ALTER TABLE listings DROP COLUMN changes_requested_at;
ALTER TABLE products DROP COLUMN changes_requested_at;
DROP TABLE change_requests;
DROP TABLE review_items;
