//! Quotes on buy requests (报价): one per company per request, revisable once with its history
//! kept, capped per request and by a monthly quota per company; the buyer compares them and
//! accepts one.

mod accept;
mod attachments;
mod compare;
mod error;
mod input;
mod model;
mod service;

pub use accept::accept_quote;
pub use compare::{ComparedQuote, QuoteComparison, QuoteSort, compare_quotes};
pub use error::QuoteError;
pub use input::{MAX_ATTACHMENTS, QuoteInput};
pub use model::{Quote, QuoteRevision, QuoteStatus, QuoteTerms};
pub(crate) use service::quote_for;
pub use service::{QuoteDetail, create_quote, get_quote, month_of, revise_quote};
