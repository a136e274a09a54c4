ALTER TABLE companies DROP COLUMN response_rate_pct;
