-- An IP notice's evidence files (issue 16): a JSON list of media ids (the notifier's uploads
-- with purpose `attachment`), beside `evidence_urls`, which stay: they point at public pages.
ALTER TABLE takedown_notices ADD COLUMN evidence_attachments TEXT NOT NULL DEFAULT '[]';
