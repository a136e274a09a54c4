-- The company's response rate (percent, last 30 days; see the README's formula) as of the
-- last periodic refresh: search ranks by it, and it changes through the outbox like any
-- other company fact. NULL while the company has no decided inquiry.
ALTER TABLE companies ADD COLUMN response_rate_pct INTEGER;
