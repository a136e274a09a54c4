//! E-mail delivery end to end, with a real SMTP server on loopback: sending, retries and
//! bounces, outages, DSN and ARF reports, tracking, DKIM, operator reports, and `kill -9` of
//! worker processes.

mod common;
mod crash;
mod delivery;
mod dkim;
mod failures;
mod operator;
mod reports;
mod tracking;
