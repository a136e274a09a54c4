//! Ratings (评价): a buyer rates a company 1 to 5 with a comment, once per inquiry thread with it
//! and once per quote of it they accepted. Comments are screened: a blocking hit refuses the
//! rating, a review hit holds it (hidden, not counted) until an operator approves it. The
//! company's owners and admins may reply once. Published ratings feed the credit profile.

mod error;
mod list;
mod model;
mod moderate;
mod service;

pub use error::RatingError;
pub use list::{
    RatingSummary, company_summary, list_company_ratings, list_ratings_for_review,
    published_of_company,
};
pub use model::{Rating, RatingSource, RatingStatus};
pub use moderate::{RatingDecision, moderate_rating};
pub use service::{
    MAX_COMMENT_CHARS, MAX_REPLY_CHARS, RatingInput, rate_inquiry, rate_quote, reply_to_rating,
};
