-- A quote's files (issue 16): a JSON list of media ids (uploads with purpose `attachment`),
-- like a listing's. Revisions keep the replaced list in their snapshot.
ALTER TABLE quotes ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
