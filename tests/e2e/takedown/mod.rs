//! IP notice and takedown, enforcement and appeals, transparency figures, retention and data
//! rights. Every scenario runs on SQLite and on PostgreSQL.

mod common;
mod enforcement;
mod notices;
mod operator_tasks;
mod retention;
mod transparency;
