//! Starting an import, reading its progress and errors, and exporting the catalog.

use diesel::prelude::*;
use uuid::Uuid;

use super::error::ImportError;
use super::model::{CatalogImport, ErrorRow, ImportRow, ImportStatus, RowError};
use super::read::{Format, read_sheet};
use super::row::product_cells;
use super::write::{catalog_csv, catalog_xlsx, errors_csv};
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::catalog::{CatalogError, Product, all_live_products_of_company, company_for_write};
use crate::clock::now;
use crate::company::{find_company, role_in};
use crate::db::schema::{catalog_import_errors, catalog_imports};
use crate::db::{self, DbConnection};
use crate::ids::new_id;

/// The company for a read of its private catalog data (imports, the export): its members and
/// operators; 404 to everyone else.
fn company_for_read(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<(), ImportError> {
    find_company(conn, company_id).map_err(|_| CatalogError::CompanyNotFound)?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if may_on_company(actor, role, CompanyAction::ViewPrivate) {
        Ok(())
    } else {
        Err(CatalogError::CompanyNotFound.into())
    }
}

/// Checks the file (readable, a known header, within the row limit) and queues its import,
/// keeping the file in the job row. One import per company runs at a time.
pub fn start_import(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    format: Format,
    file_name: Option<String>,
    content: Vec<u8>,
) -> Result<CatalogImport, ImportError> {
    // The file is read before the transaction: a large one must not hold the write lock.
    let sheet = read_sheet(format, &content);
    db::transaction(conn, |conn| {
        company_for_write(conn, actor, company_id)?;
        let sheet = sheet?;
        let open: i64 = catalog_imports::table
            .filter(catalog_imports::company_id.eq(company_id.to_string()))
            .filter(catalog_imports::status.eq_any([
                ImportStatus::Queued.as_str(),
                ImportStatus::Running.as_str(),
            ]))
            .count()
            .get_result(conn)?;
        if open > 0 {
            return Err(ImportError::InProgress);
        }
        let at = now();
        let id = new_id().to_string();
        let file_name = file_name.map(|n| n.chars().take(200).collect::<String>());
        diesel::insert_into(catalog_imports::table)
            .values((
                catalog_imports::id.eq(&id),
                catalog_imports::company_id.eq(company_id.to_string()),
                catalog_imports::created_by.eq(actor.user_id.to_string()),
                catalog_imports::format.eq(format.as_str()),
                catalog_imports::file_name.eq(&file_name),
                catalog_imports::content.eq(&content),
                catalog_imports::status.eq(ImportStatus::Queued.as_str()),
                catalog_imports::rows_total.eq(sheet.rows.len() as i32),
                catalog_imports::rows_done.eq(0),
                catalog_imports::created_count.eq(0),
                catalog_imports::updated_count.eq(0),
                catalog_imports::failed_count.eq(0),
                catalog_imports::created_at.eq(at),
                catalog_imports::updated_at.eq(at),
            ))
            .execute(conn)?;
        load(conn, &id)?.ok_or(ImportError::NotFound)
    })
}

pub(super) fn load(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CatalogImport>> {
    catalog_imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(CatalogImport::from))
}

/// An import of the company, for its members and operators.
pub fn get_import(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<CatalogImport, ImportError> {
    company_for_read(conn, actor, company_id)?;
    load(conn, &import_id.to_string())?
        .filter(|i| i.company_id == company_id)
        .ok_or(ImportError::NotFound)
}

/// The problems of an import's rows, by row.
pub fn import_errors(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Vec<RowError>, ImportError> {
    get_import(conn, actor, company_id, import_id)?;
    let rows: Vec<ErrorRow> = catalog_import_errors::table
        .filter(catalog_import_errors::import_id.eq(import_id.to_string()))
        .order((
            catalog_import_errors::row_number.asc(),
            catalog_import_errors::id.asc(),
        ))
        .select(ErrorRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| RowError {
            row: r.row_number,
            field: r.field,
            code: r.code,
            message: r.message,
        })
        .collect())
}

/// The error file of an import as CSV (row, field, code, message).
pub fn import_errors_csv(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Vec<u8>, ImportError> {
    errors_csv(&import_errors(conn, actor, company_id, import_id)?)
}

/// The import template: the header alone (CSV) or with an instructions sheet (.xlsx).
pub fn template(format: Format) -> Result<Vec<u8>, ImportError> {
    match format {
        Format::Csv => catalog_csv(vec![]),
        Format::Xlsx => catalog_xlsx(vec![]),
    }
}

/// Every live product of the company (any status), in the template's columns: the file imports
/// again as it is.
pub fn export_catalog(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    format: Format,
) -> Result<Vec<u8>, ImportError> {
    company_for_read(conn, actor, company_id)?;
    let products: Vec<Product> = all_live_products_of_company(conn, company_id)?;
    let rows = products.iter().map(product_cells).collect();
    match format {
        Format::Csv => catalog_csv(rows),
        Format::Xlsx => catalog_xlsx(rows),
    }
}
