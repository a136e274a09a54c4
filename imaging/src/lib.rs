//! Image and file bytes: what an upload is (from its content, never its name), and turning it
//! into the variants that are stored. No HTTP, no storage, no database.
//!
//! Its own crate so that it can be built optimised in the dev profile: the `image` crate's
//! generic encoders and pixel loops are compiled into the crate that calls them, so with this
//! code in `api` they ran unoptimised in every debug build, and drawing and processing the 300
//! demo pictures took 70 s of CPU (`seed-demo`, the contract check's server start, the media
//! tests).

pub mod detect;
pub mod picture;
pub mod process;

pub use picture::picture_for;
pub use process::{ProcessError, ProcessLimits, Processed, process};
