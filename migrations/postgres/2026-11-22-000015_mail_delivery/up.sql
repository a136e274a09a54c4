-- Delivery reports: operators list jobs by kind or status, newest first, and count events per
-- job and per day.
CREATE INDEX email_jobs_kind_idx ON email_jobs (kind, id);
CREATE INDEX email_jobs_status_idx ON email_jobs (status, id);
CREATE INDEX email_events_event_time_idx ON email_events (event, created_at);
