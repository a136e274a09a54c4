-- Portable types only: ids are UUIDv7 text, times are UTC timestamps, money is integer minor units,
-- enums and JSON documents are TEXT. The PostgreSQL tree holds the same tables.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('buyer', 'supplier', 'operator')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL CONSTRAINT refresh_tokens_token_hash_key UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE categories (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES categories (id),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

CREATE TABLE companies (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL CONSTRAINT companies_slug_key UNIQUE,
    legal_name TEXT NOT NULL,
    english_name TEXT,
    credit_code TEXT NOT NULL CONSTRAINT companies_credit_code_key UNIQUE,
    legal_representative TEXT NOT NULL,
    registered_address TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    business_scope TEXT NOT NULL,
    year_established INTEGER,
    employee_range TEXT,
    company_type TEXT NOT NULL,
    main_products TEXT NOT NULL,
    contacts TEXT NOT NULL,
    logo_url TEXT,
    banner_url TEXT,
    description TEXT NOT NULL,
    certifications TEXT NOT NULL,
    verification_status TEXT NOT NULL CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    verified_at TIMESTAMP,
    verified_by TEXT REFERENCES users (id),
    suspended_at TIMESTAMP,
    status_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE company_members (
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL CONSTRAINT company_members_user_id_key UNIQUE REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, user_id)
);

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_review', 'published', 'rejected')),
    title_zh TEXT,
    title_en TEXT,
    description TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories (id),
    attributes TEXT NOT NULL,
    images TEXT NOT NULL,
    unit TEXT NOT NULL,
    moq BIGINT NOT NULL,
    price_on_request BOOLEAN NOT NULL,
    currency TEXT,
    price_tiers TEXT NOT NULL,
    price_min_minor BIGINT,
    price_max_minor BIGINT,
    lead_time_days INTEGER,
    place_of_origin TEXT,
    keywords TEXT NOT NULL,
    review_note TEXT,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX products_company_idx ON products (company_id, id);
CREATE INDEX products_status_idx ON products (status, id);

-- Operator decisions on companies and products, with their reasons (the full hash-chained
-- audit log comes with the moderation issue and will be fed from the same transactions).
CREATE TABLE moderation_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_decisions_subject_idx ON moderation_decisions (subject_type, subject_id);

-- Everything derived from the database (search index, e-mail, caches) is fed from here,
-- written in the same transaction as the change it describes.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    topic TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
