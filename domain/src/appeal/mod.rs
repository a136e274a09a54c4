//! Appeals: a company's owner or admin (or the individual owner of a buy request) appeals an
//! enforcement action or a takedown once; an operator decides. An upheld appeal reverses the
//! measure in the decision's transaction; the outcome is visible to the company.

mod error;
mod model;
mod service;
mod transparency;

pub use error::AppealError;
pub use model::{Appeal, AppealStatus, AppealTarget};
pub use service::{
    AppealInput, appeal_enforcement, appeal_takedown, appeals_for, decide_appeal, get_appeal,
    list_appeals,
};
pub use transparency::{AppealMonth, appeal_figures};
