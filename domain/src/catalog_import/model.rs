use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::read::Format;
use crate::db::schema::{catalog_import_errors, catalog_imports};
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum ImportStatus {
        /// Waiting for the worker.
        Queued => "queued",
        Running => "running",
        /// Every row was processed (some may have failed: see the error file).
        Completed => "completed",
        /// The file could not be processed at all (`error` says why).
        Failed => "failed",
    }
}

/// An import job and its progress.
#[derive(Debug, Clone)]
pub struct CatalogImport {
    pub id: Uuid,
    pub company_id: Uuid,
    pub created_by: Uuid,
    pub format: Format,
    pub file_name: Option<String>,
    pub status: ImportStatus,
    pub rows_total: i32,
    /// Rows processed and committed so far.
    pub rows_done: i32,
    pub created: i32,
    pub updated: i32,
    pub failed: i32,
    pub error: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub finished_at: Option<PrimitiveDateTime>,
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row as a spreadsheet program numbers it (the header is row 1).
    pub row: i32,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The job row without its file.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = catalog_imports)]
pub(super) struct ImportRow {
    pub id: String,
    pub company_id: String,
    pub created_by: String,
    pub format: String,
    pub file_name: Option<String>,
    pub status: String,
    pub rows_total: i32,
    pub rows_done: i32,
    pub created_count: i32,
    pub updated_count: i32,
    pub failed_count: i32,
    pub error: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub finished_at: Option<PrimitiveDateTime>,
}

impl From<ImportRow> for CatalogImport {
    fn from(r: ImportRow) -> CatalogImport {
        CatalogImport {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            created_by: parse_db_id(&r.created_by),
            format: Format::parse(&r.format).unwrap_or(Format::Csv),
            file_name: r.file_name,
            status: from_db(&r.status, ImportStatus::parse, ImportStatus::Failed),
            rows_total: r.rows_total,
            rows_done: r.rows_done,
            created: r.created_count,
            updated: r.updated_count,
            failed: r.failed_count,
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_at: r.finished_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = catalog_import_errors)]
pub(super) struct ErrorRow {
    pub id: String,
    pub import_id: String,
    pub row_number: i32,
    pub field: String,
    pub code: String,
    pub message: String,
}
