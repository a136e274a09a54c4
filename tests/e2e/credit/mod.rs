//! Supplier verification details, penalty points, ratings and the credit profile (信用评价).

mod common;
mod penalties;
mod ratings;
mod score;
mod verification;
