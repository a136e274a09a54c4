//! The role-by-route matrix.
