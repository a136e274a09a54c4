//! Penalty points (违规扣分): operators record confirmed violations against a company, each with
//! points that stay active for a configurable time. A company's active points reach
//! configurable thresholds that warn it, restrict it (no new products, listings or quotes) and
//! suspend it (through the company's ordinary suspension). Points also lower the credit score.

mod error;
mod level;
mod model;
mod service;
mod subject;

pub use error::PenaltyError;
pub use level::{PenaltyLevel, PenaltyPolicy, is_restricted, may_publish_at, relax_levels};
pub use model::{Penalty, PenaltyReason};
pub use service::{PenaltyInput, Recorded, Standing, list_penalties, record_penalty, standing_of};
pub(crate) use service::{ValidPenalty, active_points, record_penalty_in_tx, validate_penalty};
pub use subject::subject_company;
