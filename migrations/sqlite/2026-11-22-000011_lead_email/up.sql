-- Lead follow-up e-mail: consent, subscriptions, matches, the e-mail job outbox, suppression,
-- domain pauses and delivery/engagement events. Everything an e-mail depends on is written in
-- the transaction of the event that causes it; workers only move jobs forward.

-- Secrets shared by every process on this database (e.g. the key that signs e-mail links).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One row per account that has touched e-mail settings; absent = defaults, no lead consent.
CREATE TABLE email_preferences (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
    lead_consent TEXT NOT NULL CHECK (lead_consent IN ('none', 'pending', 'confirmed', 'withdrawn', 'paused_unengaged')),
    consent_requested_at TIMESTAMP,
    consent_confirmed_at TIMESTAMP,
    consent_withdrawn_at TIMESTAMP,
    tracking_enabled BOOLEAN NOT NULL,
    -- Lead e-mails sent since the recipient last opened or clicked one.
    unengaged_sends INTEGER NOT NULL,
    repermission_sent_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

-- The consent record: every step, when, how and from where.
CREATE TABLE consent_events (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('requested', 'confirmed', 'withdrawn', 'repermission_requested', 'paused_unengaged', 'resumed')),
    method TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consent_events_user_idx ON consent_events (user_id, created_at);

-- What a recipient wants to hear about. `query` is the search (q and filters, as the search
-- endpoint takes them) as JSON; `target_id` names the followed company, the category or the
-- buy request.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('search', 'supplier', 'category', 'buy_request', 'buy_leads')),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    target_id TEXT,
    frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'daily', 'weekly')),
    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, id);
CREATE INDEX subscriptions_target_idx ON subscriptions (kind, target_id);

-- One lead per recipient and item, ever.
CREATE TABLE lead_matches (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subscription_id TEXT REFERENCES subscriptions (id) ON DELETE SET NULL,
    item_type TEXT NOT NULL CHECK (item_type IN ('product', 'listing')),
    item_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'daily', 'weekly')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dropped')),
    drop_reason TEXT,
    email_job_id TEXT,
    matched_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    CONSTRAINT lead_matches_recipient_item_key UNIQUE (user_id, item_type, item_id)
);
CREATE INDEX lead_matches_pending_idx ON lead_matches (status, frequency, user_id);
CREATE INDEX lead_matches_item_idx ON lead_matches (item_type, item_id);
CREATE INDEX lead_matches_company_idx ON lead_matches (company_id, matched_at);

-- Where each outbox consumer that writes to the database stands (its position moves in the
-- same transaction as what it writes, so nothing is applied twice).
CREATE TABLE outbox_consumers (
    name TEXT PRIMARY KEY NOT NULL,
    position BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The lead matcher and the notification mailer start at the newest event, so upgrading a
-- running marketplace does not mail out its history; on a fresh database that is 0.
INSERT INTO outbox_consumers (name, position, updated_at)
    SELECT 'lead-matcher', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM outbox;
INSERT INTO outbox_consumers (name, position, updated_at)
    SELECT 'notification-mail', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM outbox;

-- The e-mail outbox: one row per message, fully composed, written in the transaction of the
-- event. `dedupe_key` makes a replayed event produce no second job.
CREATE TABLE email_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL CONSTRAINT email_jobs_message_id_key UNIQUE,
    dedupe_key TEXT CONSTRAINT email_jobs_dedupe_key_key UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('transactional', 'lead', 'consent')),
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    to_address TEXT NOT NULL,
    to_domain TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    list_unsubscribe TEXT,
    tracking BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX email_jobs_due_idx ON email_jobs (status, next_attempt_at);
CREATE INDEX email_jobs_user_idx ON email_jobs (user_id, created_at);
CREATE INDEX email_jobs_domain_idx ON email_jobs (to_domain, status);

-- Addresses that get no more mail, and why.
CREATE TABLE email_suppressions (
    address TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('hard_bounce', 'soft_bounce', 'complaint', 'manual')),
    detail TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Temporary failures per address, to suppress after repeated soft bounces.
CREATE TABLE email_address_failures (
    address TEXT PRIMARY KEY NOT NULL,
    soft_bounces INTEGER NOT NULL,
    first_failure_at TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);

-- Recipient domains that blocked us by policy (5.7.x): no sending until `paused_until`.
CREATE TABLE email_domain_pauses (
    domain TEXT PRIMARY KEY NOT NULL,
    paused_until TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Delivery and engagement per message: the source of per-digest and per-day reports.
CREATE TABLE email_events (
    id TEXT PRIMARY KEY NOT NULL,
    job_id TEXT NOT NULL REFERENCES email_jobs (id) ON DELETE CASCADE,
    user_id TEXT,
    event TEXT NOT NULL CHECK (event IN ('sent', 'delivered', 'deferred', 'bounced', 'opened', 'clicked', 'unsubscribed', 'complained')),
    detail TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_events_job_idx ON email_events (job_id, event);
CREATE INDEX email_events_time_idx ON email_events (created_at);
