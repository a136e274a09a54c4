//! The credit profile (信用评价): one score per company from a published, recomputable formula
//! (`formula`, documented in docs/credit.md) over verification, time on the platform, response
//! rate, upheld complaints, active penalty points and ratings. Every input is stored with the
//! score and the formula's version, so anyone can recompute it.

mod complaints;
mod error;
mod formula;
mod profile;

pub use crate::penalty::subject_company;
pub use complaints::upheld_complaints;
pub use error::CreditError;
pub use formula::{
    COMPLAINT_PENALTY, COMPLAINT_WINDOW_DAYS, Components, Contributions, FORMULA_VERSION,
    MAX_COMPLAINTS, MAX_PENALTY_POINTS, NO_RESPONSE_DATA_RATE, POINT_PENALTY, PRIOR_MEAN,
    PRIOR_WEIGHT, TENURE_FULL_DAYS, WEIGHT_RATINGS, WEIGHT_RESPONSE, WEIGHT_TENURE,
    WEIGHT_VERIFIED, bayesian_rating, score, score_tenths,
};
pub(crate) use profile::recompute_in_tx;
pub use profile::{CreditProfile, counted_ratings, credit_of, get_credit, refresh_credit};
