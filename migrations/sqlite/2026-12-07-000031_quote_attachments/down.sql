ALTER TABLE quotes DROP COLUMN attachments;
