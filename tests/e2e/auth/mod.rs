//! Authentication and token security, end to end.

mod common;
mod login;
mod refresh;
mod register;
mod shared;
mod throttle;
mod tokens;
