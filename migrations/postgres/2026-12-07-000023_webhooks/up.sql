-- Signed webhooks (Standard Webhooks). An endpoint belongs to a company and receives the event
-- types it lists. `secret` is kept as given (`whsec_` + base64), because signing needs it;
-- `previous_secret` stays valid until `previous_expires_at` after a rotation.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    url TEXT NOT NULL,
    -- A JSON array of event type names.
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_expires_at TIMESTAMP,
    -- `active` or `disabled` (after failing for the configured window).
    status TEXT NOT NULL,
    -- Since when every attempt has failed; NULL after a success.
    failing_since TIMESTAMP,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_company ON webhook_endpoints (company_id, created_at);

-- One message per (event, endpoint), written in the transaction of the event: the webhook
-- outbox. `id` is the stable `webhook-id` (`msg_<uuid>`), the same on every attempt.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    event_type TEXT NOT NULL,
    -- The exact JSON body sent on every attempt.
    payload TEXT NOT NULL,
    -- `pending`, `delivered` or `failed` (gave up).
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_response_code INTEGER,
    last_latency_ms BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- The delivery log: one row per attempt.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at TIMESTAMP NOT NULL,
    -- `succeeded` or `failed`.
    outcome TEXT NOT NULL,
    response_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);
