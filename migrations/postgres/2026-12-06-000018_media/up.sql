-- Uploaded media (issue 16). A row per upload; the bytes live in the media store under the
-- SHA-256 of the uploaded file, so the same file uploaded twice is stored once.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('product_image', 'company_logo', 'company_banner', 'licence_scan', 'attachment')),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'pdf')),
    -- The detected type of the upload (never the client's claim).
    source_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    -- JSON: [{"name", "content_type", "width", "height", "size_bytes"}]
    variants TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_owner_created ON media (owner_id, created_at);
CREATE INDEX media_sha256 ON media (sha256);
CREATE INDEX media_created ON media (created_at);

-- What a media item is attached to (a product, a company's logo, an inquiry message …).
-- An item without links is an orphan and is removed 24 hours after its upload.
CREATE TABLE media_links (
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (media_id, target_type, target_id)
);
CREATE INDEX media_links_target ON media_links (target_type, target_id);

-- A company's logo, banner and licence scan are media ids now, not URLs typed by hand (which
-- nothing checked): the old URLs are dropped.
ALTER TABLE companies RENAME COLUMN logo_url TO logo_id;
ALTER TABLE companies RENAME COLUMN banner_url TO banner_id;
ALTER TABLE companies RENAME COLUMN licence_image_url TO licence_scan_id;
UPDATE companies SET logo_id = NULL, banner_id = NULL, licence_scan_id = NULL;
-- Product images likewise: the list holds media ids.
UPDATE products SET images = '[]';
