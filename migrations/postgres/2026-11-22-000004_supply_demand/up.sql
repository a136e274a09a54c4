-- Supply and demand: sell offers and buy requests, quotes, inquiry threads, the supplier's lead
-- inbox and in-app notifications. The SQLite tree holds the same tables.

-- A listing is a sell offer (by a company) or a buy request (by any account, optionally on
-- behalf of its company). `expired` is not stored: an open listing past `valid_until` is
-- expired by definition, so no job has to run for it to be enforced.
CREATE TABLE listings (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sell', 'buy')),
    owner_id TEXT NOT NULL REFERENCES users (id),
    company_id TEXT REFERENCES companies (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_review', 'open', 'closed', 'rejected')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories (id),
    quantity BIGINT NOT NULL,
    unit TEXT NOT NULL,
    price_minor BIGINT,
    currency TEXT,
    delivery_region TEXT,
    incoterm TEXT,
    valid_until TIMESTAMP NOT NULL,
    attachments TEXT NOT NULL,
    quote_count INTEGER NOT NULL DEFAULT 0,
    max_quotes INTEGER NOT NULL,
    review_note TEXT,
    expiry_notified_at TIMESTAMP,
    published_at TIMESTAMP,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX listings_open_idx ON listings (kind, status, valid_until);
CREATE INDEX listings_owner_idx ON listings (owner_id, id);
CREATE INDEX listings_company_idx ON listings (company_id, id);
CREATE INDEX listings_category_idx ON listings (category_id, id);

-- One quote per company per buy request; a revision keeps the previous terms in
-- `quote_revisions`.
CREATE TABLE quotes (
    id TEXT PRIMARY KEY NOT NULL,
    listing_id TEXT NOT NULL REFERENCES listings (id),
    company_id TEXT NOT NULL REFERENCES companies (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('live', 'accepted', 'declined', 'withdrawn')),
    unit_price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    moq BIGINT NOT NULL,
    lead_time_days INTEGER NOT NULL,
    incoterm TEXT,
    valid_until TIMESTAMP NOT NULL,
    message TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT quotes_listing_company_key UNIQUE (listing_id, company_id)
);
CREATE INDEX quotes_company_idx ON quotes (company_id, created_at);

CREATE TABLE quote_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    quote_id TEXT NOT NULL REFERENCES quotes (id),
    revision INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quote_revisions_quote_idx ON quote_revisions (quote_id, revision);

-- One thread per (inquiry request, company): `batch_id` groups the threads of one request
-- sent to several companies.
CREATE TABLE inquiries (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT NOT NULL,
    buyer_id TEXT NOT NULL REFERENCES users (id),
    company_id TEXT NOT NULL REFERENCES companies (id),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('product', 'listing', 'company')),
    subject_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    quantity BIGINT,
    unit TEXT,
    status TEXT NOT NULL CHECK (status IN ('new', 'replied', 'closed', 'spam')),
    assigned_to TEXT REFERENCES users (id),
    content_hash TEXT NOT NULL,
    first_response_at TIMESTAMP,
    buyer_read_at TIMESTAMP,
    supplier_read_at TIMESTAMP,
    last_message_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX inquiries_buyer_idx ON inquiries (buyer_id, id);
CREATE INDEX inquiries_company_idx ON inquiries (company_id, id);
CREATE INDEX inquiries_received_idx ON inquiries (company_id, created_at);
CREATE INDEX inquiries_content_idx ON inquiries (buyer_id, content_hash, created_at);

CREATE TABLE inquiry_messages (
    id TEXT PRIMARY KEY NOT NULL,
    inquiry_id TEXT NOT NULL REFERENCES inquiries (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    side TEXT NOT NULL CHECK (side IN ('buyer', 'supplier')),
    body TEXT NOT NULL,
    attachments TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inquiry_messages_thread_idx ON inquiry_messages (inquiry_id, id);

CREATE TABLE buyer_blocks (
    company_id TEXT NOT NULL REFERENCES companies (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    blocked_by TEXT NOT NULL REFERENCES users (id),
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, buyer_id)
);

-- The supplier's CRM view of an inquiry thread or a quote. The grade belongs to the buyer
-- within the company and is kept equal on all of that buyer's leads there.
CREATE TABLE leads (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    source_type TEXT NOT NULL CHECK (source_type IN ('inquiry', 'quote')),
    source_id TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('new', 'contacted', 'quoted', 'negotiating', 'won', 'lost')),
    tags TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('vip', 'key', 'regular', 'small')),
    assigned_to TEXT REFERENCES users (id),
    follow_up_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT leads_source_key UNIQUE (source_type, source_id)
);
CREATE INDEX leads_company_idx ON leads (company_id, id);
CREATE INDEX leads_buyer_idx ON leads (company_id, buyer_id);

CREATE TABLE lead_notes (
    id TEXT PRIMARY KEY NOT NULL,
    lead_id TEXT NOT NULL REFERENCES leads (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lead_notes_lead_idx ON lead_notes (lead_id, id);

-- In-app notifications; each one also writes an `email.requested` outbox event in the same
-- transaction, which the e-mail worker delivers.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
