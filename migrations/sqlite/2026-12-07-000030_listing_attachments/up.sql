-- Listing attachments are media ids now (uploads with purpose `attachment`, issue 16), not
-- external URLs typed by hand. The old URLs cannot become uploads (nothing here may fetch
-- them, and nothing ever checked what they pointed to), so they are dropped rather than left
-- in a field that now holds ids: readers would otherwise be handed unchecked links as files.
-- Owners re-attach the files by uploading them. Open change requests that proposed URLs are
-- filtered when applied (`listing::change`).
UPDATE listings SET attachments = '[]' WHERE attachments <> '[]';
