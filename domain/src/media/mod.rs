//! Uploaded media: product images, company logos and banners, licence scans and attachments.
//!
//! The domain keeps the records (who uploaded what, for which purpose, what it is attached to),
//! the daily upload quota and the read rules. Decoding, re-encoding and the bytes themselves
//! live in `api::media` (this crate knows nothing of object stores or image codecs).

mod attach;
mod error;
mod model;
mod orphans;
mod service;

pub use attach::{Target, attach, attached_to, detach_all, media_in_order};
pub use error::MediaError;
pub use model::{Media, MediaKind, NewMedia, Purpose, Variant, VariantName};
pub use orphans::{Removed, erase_private_of, remove_orphans, sha_in_use};
pub use service::{Quota, check_quota, find_media, find_same_content, record_upload};
