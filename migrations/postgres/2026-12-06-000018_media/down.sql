ALTER TABLE companies RENAME COLUMN logo_id TO logo_url;
ALTER TABLE companies RENAME COLUMN banner_id TO banner_url;
ALTER TABLE companies RENAME COLUMN licence_scan_id TO licence_image_url;
DROP TABLE media_links;
DROP TABLE media;
