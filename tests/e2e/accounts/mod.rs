//! The account flows: sessions that end, address verification and change, password change and
//! reset, and the profile.

mod common;
mod passwords;
mod profile;
mod sessions;
mod verification;
