//! Authentication and token security, end to end.
