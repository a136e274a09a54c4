-- A report's evidence files (issue 16): a JSON list of media ids (the filer's uploads with
-- purpose `attachment`), beside `evidence_urls`, which stay: they point at public pages.
ALTER TABLE reports ADD COLUMN evidence_attachments TEXT NOT NULL DEFAULT '[]';
