//! Demo data (loader written next).
