//! What the import worker needs: claiming a job under a lease, processing its rows in batches
//! and finishing it.
//!
//! Each batch commits, in one transaction, its products (with the outbox rows the catalog
//! services write), its error rows and the job's progress (`rows_done`). A worker killed
//! mid-batch loses that batch's transaction only; whoever claims the job after the lease runs
//! out starts at `rows_done`. Re-processing is idempotent anyway, as rows are matched by SKU.

use diesel::prelude::*;
use time::Duration;
use uuid::Uuid;

use super::error::ImportError;
use super::model::{ErrorRow, ImportStatus};
use super::read::{Format, Sheet, SheetRow, read_sheet};
use super::row::row_input;
use crate::access::{AccountType, Actor};
use crate::catalog::{
    CatalogError, ProductInput, WriteBatch, create_product_in, update_product_in,
};
use crate::clock::now;
use crate::db::schema::{catalog_import_errors, catalog_imports, users};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};

/// A job a worker holds: who uploaded it (the rows are written as that member) and its file.
#[derive(Debug, Clone)]
pub struct ClaimedImport {
    pub id: Uuid,
    pub company_id: Uuid,
    pub actor: Actor,
    pub format: Format,
    pub content: Vec<u8>,
    pub rows_done: i32,
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub created: i32,
    pub updated: i32,
    pub failed: i32,
}

/// Claims the oldest queued job, or a running one whose worker's lease ran out (it crashed),
/// for `lease`.
pub fn claim_import(
    conn: &mut DbConnection,
    lease: Duration,
) -> QueryResult<Option<ClaimedImport>> {
    db::transaction(conn, |conn| {
        let at = now();
        let candidate: Option<(String, time::PrimitiveDateTime)> = catalog_imports::table
            .filter(catalog_imports::status.eq_any([
                ImportStatus::Queued.as_str(),
                ImportStatus::Running.as_str(),
            ]))
            .filter(
                catalog_imports::lease_until
                    .is_null()
                    .or(catalog_imports::lease_until.lt(at)),
            )
            .order(catalog_imports::created_at.asc())
            .select((catalog_imports::id, catalog_imports::updated_at))
            .first(conn)
            .optional()?;
        let Some((id, seen)) = candidate else {
            return Ok(None);
        };
        // Every claim and batch moves `updated_at`: unchanged, nobody claimed it meanwhile.
        let claimed = diesel::update(
            catalog_imports::table
                .find(&id)
                .filter(catalog_imports::updated_at.eq(seen)),
        )
        .set((
            catalog_imports::status.eq(ImportStatus::Running.as_str()),
            catalog_imports::lease_until.eq(at + lease),
            catalog_imports::updated_at.eq(at),
        ))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(None);
        }
        let (company_id, created_by, format, content, rows_done): (
            String,
            String,
            String,
            Vec<u8>,
            i32,
        ) = catalog_imports::table
            .find(&id)
            .select((
                catalog_imports::company_id,
                catalog_imports::created_by,
                catalog_imports::format,
                catalog_imports::content,
                catalog_imports::rows_done,
            ))
            .first(conn)?;
        let account_type: String = users::table
            .find(&created_by)
            .select(users::account_type)
            .first(conn)?;
        Ok(Some(ClaimedImport {
            id: parse_db_id(&id),
            company_id: parse_db_id(&company_id),
            actor: Actor {
                user_id: parse_db_id(&created_by),
                account_type: AccountType::parse(&account_type).unwrap_or(AccountType::Supplier),
            },
            format: Format::parse(&format).unwrap_or(Format::Csv),
            content,
            rows_done,
        }))
    })
}

/// Reads a claimed job's file. A file that was readable at upload always is; if not, the job
/// fails with the reason.
pub fn read_claimed(
    conn: &mut DbConnection,
    job: &ClaimedImport,
) -> Result<Option<Sheet>, ImportError> {
    match read_sheet(job.format, &job.content) {
        Ok(sheet) => Ok(Some(sheet)),
        Err(e) => {
            finish(conn, job.id, ImportStatus::Failed, Some(e.to_string()))?;
            Ok(None)
        }
    }
}

/// What one row did.
enum RowOutcome {
    Created,
    Updated,
    Failed(Vec<FieldError>),
}

/// A catalog refusal as the row's problems; a database error aborts the batch instead.
fn refusal(e: CatalogError) -> Result<RowOutcome, ImportError> {
    use crate::error::DomainError;
    match e {
        CatalogError::Validation(f) | CatalogError::Blocked(f) => Ok(RowOutcome::Failed(f)),
        CatalogError::Database(e) => Err(ImportError::Database(e)),
        other => Ok(RowOutcome::Failed(vec![FieldError::new(
            "",
            other.code(),
            other.to_string(),
        )])),
    }
}

type ParsedRow = Result<(Option<String>, ProductInput), Vec<FieldError>>;

fn import_row(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    job: &ClaimedImport,
    parsed: ParsedRow,
) -> Result<RowOutcome, ImportError> {
    let (sku, input) = match parsed {
        Ok(parsed) => parsed,
        Err(problems) => return Ok(RowOutcome::Failed(problems)),
    };
    let existing = match &sku {
        Some(sku) => batch.product_id_by_sku(conn, job.company_id, sku)?,
        None => None,
    };
    let outcome = match existing {
        Some(id) => {
            update_product_in(conn, batch, &job.actor, id, input).map(|_| RowOutcome::Updated)
        }
        None => create_product_in(conn, batch, &job.actor, job.company_id, input)
            .map(|_| RowOutcome::Created),
    };
    outcome.or_else(refusal)
}

/// Processes `rows` (the next ones after the job's `rows_done`) in one transaction with the
/// job's progress. `Ok(None)`: the job is no longer this worker's (another took it over after
/// the lease ran out), and nothing was written.
pub fn process_batch(
    conn: &mut DbConnection,
    job: &ClaimedImport,
    sheet: &Sheet,
    rows: &[SheetRow],
    lease: Duration,
) -> Result<Option<BatchOutcome>, ImportError> {
    process_batch_from(
        conn,
        job,
        sheet,
        rows,
        lease,
        WriteBatch::sharing_transaction(),
    )
}

/// `process_batch` whose first attempt starts from `first` and what it already looked up. The
/// tests hand it a batch that looked a SKU up before another write took it, as happens when a
/// member creates a product while the import runs.
pub fn process_batch_from(
    conn: &mut DbConnection,
    job: &ClaimedImport,
    sheet: &Sheet,
    rows: &[SheetRow],
    lease: Duration,
    first: WriteBatch,
) -> Result<Option<BatchOutcome>, ImportError> {
    // New products are written without a savepoint each; if one fails halfway, the batch is
    // rolled back and run again with a savepoint per row (`WriteBatch::sharing_transaction`).
    let result = match run_batch(conn, job, sheet, rows, lease, first) {
        Err(Abort::Redo) => run_batch(conn, job, sheet, rows, lease, WriteBatch::new()),
        other => other,
    };
    match result {
        Ok(outcome) => Ok(Some(outcome)),
        Err(Abort::Import(ImportError::NotFound)) => Ok(None),
        Err(Abort::Import(e)) => Err(e),
        Err(Abort::Redo) => Err(ImportError::Write(
            "a batch with a savepoint per row cannot be spoiled".into(),
        )),
    }
}

/// Why a batch's transaction ended without committing.
enum Abort {
    Import(ImportError),
    /// A row failed halfway through its writes: roll back and run the batch again.
    Redo,
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Import(ImportError::Database(e))
    }
}

fn run_batch(
    conn: &mut DbConnection,
    job: &ClaimedImport,
    sheet: &Sheet,
    rows: &[SheetRow],
    lease: Duration,
    mut batch: WriteBatch,
) -> Result<BatchOutcome, Abort> {
    db::transaction(conn, |conn| {
        let mut outcome = BatchOutcome::default();
        let mut errors = Vec::new();
        // The batch's rows share its checks, and their SKUs are looked up in one query.
        let parsed: Vec<ParsedRow> = rows.iter().map(|r| row_input(&sheet.columns, r)).collect();
        let skus: Vec<&str> = parsed
            .iter()
            .filter_map(|p| p.as_ref().ok()?.0.as_deref())
            .collect();
        batch.preload_skus(conn, job.company_id, &skus)?;
        for (row, parsed) in rows.iter().zip(parsed) {
            let imported = import_row(conn, &mut batch, job, parsed);
            if batch.spoiled() {
                return Err(Abort::Redo);
            }
            match imported.map_err(Abort::Import)? {
                RowOutcome::Created => outcome.created += 1,
                RowOutcome::Updated => outcome.updated += 1,
                RowOutcome::Failed(problems) => {
                    outcome.failed += 1;
                    errors.extend(problems.into_iter().map(|p| ErrorRow {
                        id: new_id().to_string(),
                        import_id: job.id.to_string(),
                        row_number: row.number,
                        field: p.field,
                        code: p.code.to_string(),
                        message: p.message,
                    }));
                }
            }
        }
        // One statement per row: the connection type serves both backends, which takes no
        // multi-row inserts.
        for error in &errors {
            diesel::insert_into(catalog_import_errors::table)
                .values(error)
                .execute(conn)?;
        }
        let at = now();
        // Only where the job is still at the row this worker started from: a second worker
        // that took over an expired lease makes this batch roll back instead of counting twice.
        let advanced = diesel::update(
            catalog_imports::table
                .find(job.id.to_string())
                .filter(catalog_imports::rows_done.eq(job.rows_done)),
        )
        .set((
            catalog_imports::rows_done.eq(catalog_imports::rows_done + rows.len() as i32),
            catalog_imports::created_count.eq(catalog_imports::created_count + outcome.created),
            catalog_imports::updated_count.eq(catalog_imports::updated_count + outcome.updated),
            catalog_imports::failed_count.eq(catalog_imports::failed_count + outcome.failed),
            catalog_imports::lease_until.eq(at + lease),
            catalog_imports::updated_at.eq(at),
        ))
        .execute(conn)?;
        if advanced == 0 {
            return Err(Abort::Import(ImportError::NotFound));
        }
        Ok(outcome)
    })
}

/// Ends a job: its file is dropped (the products and the error rows are what is kept).
pub fn finish(
    conn: &mut DbConnection,
    id: Uuid,
    status: ImportStatus,
    error: Option<String>,
) -> QueryResult<()> {
    let at = now();
    diesel::update(catalog_imports::table.find(id.to_string()))
        .set((
            catalog_imports::status.eq(status.as_str()),
            catalog_imports::content.eq(Vec::<u8>::new()),
            catalog_imports::lease_until.eq(None::<time::PrimitiveDateTime>),
            catalog_imports::error.eq(error),
            catalog_imports::updated_at.eq(at),
            catalog_imports::finished_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}
