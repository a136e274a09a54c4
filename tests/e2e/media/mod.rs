//! Media: uploads checked and processed (types from content, limits, refusals), stored once,
//! served with the right headers to those who may read them; on both databases and both
//! storage backends.

mod files;
mod inquiries;
mod listings;
mod products;
mod quotes;
mod refusals;
mod reports;
mod serving;
mod takedowns;
mod upload;
