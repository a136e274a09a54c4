-- Catalog import and export. A product may carry the company's own SKU code; an import matches
-- its rows to products by it, so importing the same file again updates instead of duplicating.
-- Unique among a company's live products only: a deleted product frees its code.
ALTER TABLE products ADD COLUMN sku TEXT;
CREATE UNIQUE INDEX products_sku_key ON products (company_id, sku)
    WHERE sku IS NOT NULL AND deleted_at IS NULL;

-- An uploaded import file and its progress. The file itself is kept here (the database is the
-- source of truth: a worker killed mid-import loses nothing) until the job finishes.
-- `rows_done` counts the rows committed so far: each batch commits its products, its error rows
-- and this counter together, so a worker that resumes starts after the last committed batch.
CREATE TABLE catalog_imports (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    -- `csv` or `xlsx`.
    format TEXT NOT NULL,
    file_name TEXT,
    content BYTEA NOT NULL,
    -- `queued`, `running`, `completed` or `failed` (the file could not be read at all).
    status TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_done INTEGER NOT NULL,
    created_count INTEGER NOT NULL,
    updated_count INTEGER NOT NULL,
    failed_count INTEGER NOT NULL,
    -- A worker holds the job until then; a crashed worker's lease runs out and another resumes.
    lease_until TIMESTAMP,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX catalog_imports_company ON catalog_imports (company_id, created_at);
CREATE INDEX catalog_imports_status ON catalog_imports (status, lease_until);

-- One row per problem of a row of the file (a row may have several).
CREATE TABLE catalog_import_errors (
    id TEXT PRIMARY KEY NOT NULL,
    import_id TEXT NOT NULL REFERENCES catalog_imports (id),
    -- The row's line in the file: the header is row 1.
    row_number INTEGER NOT NULL,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX catalog_import_errors_import ON catalog_import_errors (import_id, row_number);
