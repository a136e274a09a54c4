ALTER TABLE takedown_notices DROP COLUMN evidence_attachments;
