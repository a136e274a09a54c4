//! Inquiries: threads, privacy, status flow, blocking, anti-spam limits and response metrics.

mod blocking;
mod common;
mod create;
mod flow;
mod metrics;
mod privacy;
mod spam;
