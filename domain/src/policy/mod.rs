//! The platform's published rules: terms of service, privacy notice, trading rules, safety
//! rules and the rules on prohibited information (guideline 第十一、十二、十三、十五条).
//! Operators publish them as numbered versions; every version stays readable, and
//! registration records which versions of the terms and the privacy notice an account
//! accepted. A newer version is asked of every account that has not accepted it yet.

mod accept;
mod error;
mod model;
mod publish;

pub use accept::{
    accept_current, acceptances_of, pending_for, record_acceptance, required_for_registration,
};
pub use error::PolicyError;
pub use model::{PolicyDocument, PolicyInput, PolicyKind};
pub use publish::{current, current_all, publish, version, versions};
