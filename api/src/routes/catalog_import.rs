//! Catalog import and export: the template, uploading a file of products (processed by
//! `background::import_worker`), its progress and error file, and the catalog as CSV or .xlsx.
//! Details: docs/catalog-import.md.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::catalog_import::{self, CatalogImport, Format};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::responses::Unauthorized;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

/// An .xlsx workbook.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Documents the body; the bytes are read from the request stream.
pub struct XlsxFile(Vec<u8>);

/// Where an import stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatusView {
    /// Waiting for the worker.
    Queued,
    Running,
    /// Every row is processed; `failed` rows are listed in the error file.
    Completed,
    /// The file could not be processed at all (`error` says why).
    Failed,
}

/// An import and its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogImportView {
    pub id: Uuid,
    pub company_id: Uuid,
    pub status: ImportStatusView,
    /// `csv` or `xlsx`.
    #[schema(example = "csv")]
    pub format: &'static str,
    pub file_name: Option<String>,
    /// Product rows in the file.
    pub rows_total: i32,
    /// Rows processed so far.
    pub rows_done: i32,
    /// Rows that created a product (no product of the company had their SKU).
    pub created: i32,
    /// Rows that updated the product with their SKU.
    pub updated: i32,
    /// Rows refused; each problem is a line of the error file.
    pub failed: i32,
    /// Why a `failed` import could not be processed.
    pub error: Option<String>,
    /// The error file (CSV: row, field, code, message).
    #[schema(
        example = "/api/v1/companies/0190a0d4-8e8c-7cc4-a2a0-6f3c2b1d9e10/catalog-imports/0190a0d4-8e8c-7cc4-a2a0-6f3c2b1d9e11/errors.csv"
    )]
    pub errors_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

impl From<CatalogImport> for CatalogImportView {
    fn from(i: CatalogImport) -> CatalogImportView {
        use domain::catalog_import::ImportStatus as S;
        CatalogImportView {
            errors_url: format!(
                "/api/v1/companies/{}/catalog-imports/{}/errors.csv",
                i.company_id, i.id
            ),
            id: i.id,
            company_id: i.company_id,
            status: match i.status {
                S::Queued => ImportStatusView::Queued,
                S::Running => ImportStatusView::Running,
                S::Completed => ImportStatusView::Completed,
                S::Failed => ImportStatusView::Failed,
            },
            format: i.format.as_str(),
            file_name: i.file_name,
            rows_total: i.rows_total,
            rows_done: i.rows_done,
            created: i.created,
            updated: i.updated,
            failed: i.failed,
            error: i.error,
            created_at: utc(i.created_at),
            updated_at: utc(i.updated_at),
            finished_at: utc_opt(i.finished_at),
        }
    }
}

impl From<domain::catalog_import::ImportError> for ApiError {
    fn from(e: domain::catalog_import::ImportError) -> ApiError {
        ApiError::from_domain(e)
    }
}

fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes)
}

/// The import template as CSV: the header row (Chinese and English column names).
#[utoipa::path(tag = "catalog-import", responses(
    (status = 200, description = "The template: one header row, UTF-8 with a byte-order mark", content_type = "text/csv", body = String)))]
#[get("/api/v1/catalog-import/template.csv")]
pub async fn template_csv() -> ApiResult<HttpResponse> {
    let bytes = catalog_import::template(Format::Csv)?;
    Ok(attachment(CSV, "catalog-template.csv", bytes))
}

/// The import template as .xlsx: the header row and a sheet explaining each column.
#[utoipa::path(tag = "catalog-import", responses(
    (status = 200, description = "The template workbook: a `products` sheet with the header row, then the instructions", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxFile)))]
#[get("/api/v1/catalog-import/template.xlsx")]
pub async fn template_xlsx() -> ApiResult<HttpResponse> {
    let bytes = catalog_import::template(Format::Xlsx)?;
    Ok(attachment(XLSX, "catalog-template.xlsx", bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name, kept for the record.
    pub file_name: Option<String>,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        format!("the file is larger than {limit} bytes"),
    )
}

/// The file's format from the request's `Content-Type`; a generic binary type is read as .xlsx
/// when it is a ZIP archive (an .xlsx is one).
fn format_of(req: &HttpRequest, first_bytes: &[u8]) -> Result<Format, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Ok(Format::Csv),
        XLSX => Ok(Format::Xlsx),
        "application/octet-stream" if first_bytes.starts_with(b"PK\x03\x04") => Ok(Format::Xlsx),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the file as text/csv or {XLSX}"),
        )),
    }
}

/// Uploads a file of products to import (company members).
///
/// The request body is the file itself: CSV (`Content-Type: text/csv`, UTF-8) or .xlsx
/// (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, the first sheet is
/// read), with the template's header (`GET /api/v1/catalog-import/template.csv`). The header and
/// the row count are checked at once; the rows are then imported in the background with the
/// same rules as `POST /api/v1/companies/{id}/products`, a row whose `sku` matches a product of
/// the company updating it (as `PATCH /api/v1/products/{id}` does). Follow the progress with
/// `GET …/catalog-imports/{import_id}`. At most 10 MB and 10,000 rows; one import per company
/// at a time.
#[utoipa::path(tag = "catalog-import", params(("id" = Uuid, Path, description = "company id"), UploadQuery),
    request_body(description = "The file", content((String = "text/csv"), (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    security(("bearer" = [])), responses(
    (status = 202, description = "The import, queued", body = CatalogImportView),
    (status = 400, description = "`unreadable_file` (not UTF-8 CSV, or a corrupt workbook), `unknown_column` (the message names the header cell), `duplicate_column`, `missing_column` (`sku`), `no_rows`, `too_many_rows`", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the company (operators included)", body = ErrorBody),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody),
    (status = 409, description = "`import_in_progress` (an import of the company is queued or running), `company_suspended`", body = ErrorBody),
    (status = 413, description = "`upload_too_large`: the file is over the limit (10 MB by default)", body = ErrorBody),
    (status = 415, description = "`unsupported_media_type`: neither CSV nor .xlsx", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/catalog-imports")]
pub async fn start_import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let limit = state.config.import_max_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    // The body is read here, past the JSON limit of `PayloadConfig`, under its own.
    let mut content = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))?;
        if content.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        content.extend_from_slice(&chunk);
    }
    let format = format_of(&req, &content)?;
    let file_name = query.into_inner().file_name;
    let import = state
        .db(move |conn| {
            catalog_import::start_import(conn, &user.actor, company_id, format, file_name, content)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(CatalogImportView::from(import)))
}

/// An import's progress (company members and operators).
#[utoipa::path(tag = "catalog-import", params(("id" = Uuid, Path, description = "company id"), ("import_id" = Uuid, Path, description = "import id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "The import and its progress", body = CatalogImportView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found` (no such company, or you are not a member), `catalog_import_not_found`", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/catalog-imports/{import_id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, import_id) = path.into_inner();
    let import = state
        .db(move |conn| catalog_import::get_import(conn, &user.actor, company_id, import_id))
        .await?;
    Ok(HttpResponse::Ok().json(CatalogImportView::from(import)))
}

/// An import's error file (company members and operators).
///
/// One line per problem of a refused row: `row` (as a spreadsheet numbers it, the header is
/// row 1), `field`, `code` and `message` (the codes of the product API, docs/errors.md). UTF-8
/// with a byte-order mark; empty but for the header when every row was imported.
#[utoipa::path(tag = "catalog-import", params(("id" = Uuid, Path, description = "company id"), ("import_id" = Uuid, Path, description = "import id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "The problems of the refused rows as CSV (row, field, code, message)", content_type = "text/csv", body = String),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found` (no such company, or you are not a member), `catalog_import_not_found`", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/catalog-imports/{import_id}/errors.csv")]
pub async fn import_errors(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, import_id) = path.into_inner();
    let bytes = state
        .db(move |conn| catalog_import::import_errors_csv(conn, &user.actor, company_id, import_id))
        .await?;
    Ok(attachment(CSV, "import-errors.csv", bytes))
}

/// The company's catalog as CSV (company members and operators).
///
/// Every product (any status) in the import template's columns, so the file imports again
/// unchanged. UTF-8 with a byte-order mark, CRLF lines; cells that a spreadsheet would run as a
/// formula are prefixed with `'` (which the import removes again).
#[utoipa::path(tag = "catalog-import", params(("id" = Uuid, Path, description = "company id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "The catalog as CSV in the template's columns", content_type = "text/csv", body = String),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are not a member", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/catalog.csv")]
pub async fn export_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let bytes = state
        .db(move |conn| catalog_import::export_catalog(conn, &user.actor, company_id, Format::Csv))
        .await?;
    Ok(attachment(CSV, "catalog.csv", bytes))
}

/// The company's catalog as .xlsx (company members and operators).
///
/// The same rows as the CSV export, every cell a text cell, then the instructions sheet.
#[utoipa::path(tag = "catalog-import", params(("id" = Uuid, Path, description = "company id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "The catalog as a workbook in the template's columns", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxFile),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are not a member", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/catalog.xlsx")]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let bytes = state
        .db(move |conn| catalog_import::export_catalog(conn, &user.actor, company_id, Format::Xlsx))
        .await?;
    Ok(attachment(XLSX, "catalog.xlsx", bytes))
}
