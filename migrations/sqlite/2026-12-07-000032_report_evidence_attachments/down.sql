ALTER TABLE reports DROP COLUMN evidence_attachments;
