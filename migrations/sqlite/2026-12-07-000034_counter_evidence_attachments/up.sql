-- A counter-notice's evidence files (issue 16): a JSON list of media ids (uploads with purpose
-- `attachment` by the supplier's members), beside `counter_evidence_urls`. Linked to the notice
-- as media target, so whoever may read the case reads them (the notifier, operators, the
-- supplier).
ALTER TABLE takedown_notices ADD COLUMN counter_evidence_attachments TEXT NOT NULL DEFAULT '[]';
