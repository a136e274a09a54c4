DROP INDEX email_events_event_time_idx;
DROP INDEX email_jobs_status_idx;
DROP INDEX email_jobs_kind_idx;
