//! Catalog import and export: a company's products as a spreadsheet (CSV or .xlsx) in the
//! columns of one template, so an export imports again unchanged.
//!
//! An upload is checked at once (readable, known header, at most `MAX_ROWS` rows) and kept in
//! its job row; the worker (`job`) writes its rows through the catalog services (the same
//! rules, screening and outbox events as the product API), matching each row to a product by
//! the company's SKU code, and records every row's problems for the error file.
//! File parsing lives here rather than in the API: it is no HTTP, and the worker needs it too.

mod columns;
mod error;
mod job;
mod model;
mod read;
mod row;
mod service;
mod write;

pub use columns::{COLUMNS, Column, header_row};
pub use error::ImportError;
pub use job::{
    BatchOutcome, ClaimedImport, claim_import, finish, process_batch, process_batch_from,
    read_claimed,
};
pub use model::{CatalogImport, ImportStatus, RowError};
pub use read::{Format, MAX_ROWS, Sheet, SheetRow, read_sheet};
pub use service::{
    export_catalog, get_import, import_errors, import_errors_csv, start_import, template,
};
