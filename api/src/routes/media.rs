//! Media: uploading a file (`POST /api/v1/media`), reading its record, and serving its variants
//! to those who may read them.

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::media::{self, Media, NewMedia, Purpose, VariantName};
use domain::media_access::{self, Readability};
use futures_util::TryStreamExt;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::responses::Unauthorized;
use crate::auth::{AuthUser, MaybeUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::media::{ProcessError, ProcessLimits, ReceiveError, Received, variant_path};
use crate::state::AppState;
use crate::time_fmt::utc;

/// The multipart form of an upload: the `purpose` field first (its size limit then applies while
/// the file streams), then exactly one `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// `product_image`, `company_logo`, `company_banner`, `licence_scan` or `attachment`.
    #[schema(example = "product_image")]
    purpose: String,
    /// JPEG, PNG, WebP or GIF; PDF too for `licence_scan` and `attachment`. The type is read
    /// from the content, never from the name or the part's `Content-Type`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantView {
    /// `thumbnail` (≤ 256 px), `medium` (≤ 800 px) or `original` (≤ 2000 px); a PDF has only
    /// `original`.
    pub name: String,
    /// Path of the bytes on this server; stable, so cacheable for good where public.
    pub url: String,
    pub content_type: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size_bytes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    pub id: Uuid,
    pub purpose: String,
    /// `image` or `pdf`.
    pub kind: String,
    /// The type detected from the content of the upload.
    pub source_type: String,
    /// Bytes uploaded.
    pub size_bytes: i64,
    /// Of the upload after orientation; `null` for a PDF.
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub variants: Vec<VariantView>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<&Media> for MediaView {
    fn from(m: &Media) -> MediaView {
        MediaView {
            id: m.id,
            purpose: m.purpose.as_str().to_owned(),
            kind: m.kind.as_str().to_owned(),
            source_type: m.source_type.clone(),
            size_bytes: m.size_bytes,
            width: m.width,
            height: m.height,
            variants: m
                .variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.as_str().to_owned(),
                    url: variant_path(m, v.name),
                    content_type: v.content_type.clone(),
                    width: v.width,
                    height: v.height,
                    size_bytes: v.size_bytes,
                })
                .collect(),
            created_at: utc(m.created_at),
        }
    }
}

/// An image attached to something (a product's picture, a logo): its id and the URLs of its
/// variants.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageView {
    pub id: Uuid,
    /// ≤ 256 px on the longer side.
    pub thumbnail_url: String,
    /// ≤ 800 px.
    pub medium_url: String,
    /// ≤ 2000 px.
    pub original_url: String,
}

impl ImageView {
    pub fn of(id: Uuid) -> ImageView {
        let url = |v: VariantName| crate::media::variant_path_of(id, v);
        ImageView {
            id,
            thumbnail_url: url(VariantName::Thumbnail),
            medium_url: url(VariantName::Medium),
            original_url: url(VariantName::Original),
        }
    }
}

/// Views of stored image ids (ids that do not parse, from before media uploads, are skipped).
pub fn image_views(ids: &[String]) -> Vec<ImageView> {
    ids.iter()
        .filter_map(|id| Uuid::parse_str(id).ok())
        .map(ImageView::of)
        .collect()
}

/// A private file attached to something: its id and where to download it (for those who may
/// read what it is attached to).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub url: String,
}

/// Views of stored attachment ids (ids that do not parse, from before media uploads, are
/// skipped).
pub fn attachment_views(ids: &[String]) -> Vec<AttachmentView> {
    ids.iter()
        .filter_map(|id| Uuid::parse_str(id).ok())
        .map(|id| AttachmentView {
            id,
            url: crate::media::variant_path_of(id, VariantName::Original),
        })
        .collect()
}

/// The view of an optional stored image id.
pub fn image_view_of(id: Option<&str>) -> Option<ImageView> {
    id.and_then(|id| Uuid::parse_str(id).ok())
        .map(ImageView::of)
}

/// Multipart framing allowed on top of the file itself.
const FORM_OVERHEAD: u64 = 64 * 1024;

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        format!("the file is larger than {limit} bytes"),
    )
}

fn field_error(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::validation(vec![domain::FieldError::new(field, code, message)])
}

fn refused(e: ProcessError) -> ApiError {
    let (status, code) = match &e {
        ProcessError::Unsupported => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ProcessError::NotForPurpose(_) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "media_type_not_allowed")
        }
        ProcessError::Polyglot(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "polyglot_refused"),
        ProcessError::TooManyPixels { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "image_too_large"),
        ProcessError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"),
        ProcessError::Corrupt(_) => (StatusCode::UNPROCESSABLE_ENTITY, "corrupt_media"),
        ProcessError::Io(_) => return ApiError::internal(&e),
    };
    ApiError::new(status, code, e.to_string())
}

impl From<domain::media::MediaError> for ApiError {
    fn from(e: domain::media::MediaError) -> ApiError {
        match e {
            domain::media::MediaError::QuotaExceeded {
                retry_after_secs, ..
            } => ApiError {
                retry_after_secs: Some(retry_after_secs.max(1)),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    domain::DomainError::code(&e),
                    e.to_string(),
                )
            },
            other => ApiError::from_domain(other),
        }
    }
}

/// Reads the form: the purpose and the file (streamed to a temporary file).
async fn read_form(state: &AppState, payload: &mut Multipart) -> ApiResult<(Purpose, Received)> {
    let config = &state.config;
    let largest = config
        .media_image_max_bytes
        .max(config.media_document_max_bytes);
    let mut purpose: Option<Purpose> = None;
    let mut received: Option<Received> = None;
    while let Some(mut field) = payload
        .try_next()
        .await
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "purpose" => {
                let mut text = Vec::new();
                while let Some(chunk) = field.try_next().await.map_err(|e| {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", e.to_string())
                })? {
                    text.extend_from_slice(&chunk);
                    if text.len() > 64 {
                        return Err(field_error("purpose", "invalid", "is not a purpose"));
                    }
                }
                let text = String::from_utf8_lossy(&text);
                purpose = Some(Purpose::parse(text.trim()).ok_or_else(|| {
                    field_error(
                        "purpose",
                        "invalid",
                        "must be product_image, company_logo, company_banner, licence_scan or attachment",
                    )
                })?);
            }
            "file" => {
                if received.is_some() {
                    return Err(field_error(
                        "file",
                        "one_file_only",
                        "send one file per upload",
                    ));
                }
                let limit = purpose.map_or(largest, |p| config.media_max_bytes(p));
                let dir = state.config.data_dir.join("tmp");
                std::fs::create_dir_all(&dir).map_err(|e| ApiError::internal(&e))?;
                received = Some(
                    crate::media::receive(&mut field, limit, &dir)
                        .await
                        .map_err(|e| match e {
                            ReceiveError::TooLarge { limit } => too_large(limit),
                            ReceiveError::Interrupted(m) => {
                                ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", m)
                            }
                            ReceiveError::Io(e) => ApiError::internal(&e),
                        })?,
                );
            }
            other => {
                return Err(field_error(
                    other,
                    "unknown_field",
                    "is not a field of an upload",
                ));
            }
        }
    }
    let purpose = purpose.ok_or_else(|| field_error("purpose", "required", "is required"))?;
    let received = received.ok_or_else(|| field_error("file", "required", "is required"))?;
    let limit = config.media_max_bytes(purpose);
    if received.size > limit {
        return Err(too_large(limit));
    }
    Ok((purpose, received))
}

#[utoipa::path(tag = "media", request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])), responses(
    (status = 201, description = "The stored upload with its variants", body = MediaView),
    (status = 400, description = "validation_failed, invalid_multipart", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 413, description = "upload_too_large", body = ErrorBody),
    (status = 415, description = "unsupported_media_type, media_type_not_allowed, polyglot_refused", body = ErrorBody),
    (status = 422, description = "corrupt_media, image_too_large, empty_file", body = ErrorBody),
    (status = 429, description = "upload_quota_exceeded (with Retry-After)", body = ErrorBody)))]
/// Upload a file (one per request) for a purpose; its type is read from its content.
#[post("/api/v1/media")]
pub async fn upload_media(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    mut payload: Multipart,
) -> ApiResult<HttpResponse> {
    let config = state.config.clone();
    let largest = config
        .media_image_max_bytes
        .max(config.media_document_max_bytes);
    // A body announced as larger than any file plus its framing is refused before it is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > largest + FORM_OVERHEAD) {
        return Err(too_large(largest));
    }
    let owner = user.actor.user_id;
    let quota = config.media_quota();
    // A spent quota costs neither the disk nor the CPU of the upload.
    state
        .db(move |conn| media::check_quota(conn, owner, 0, quota))
        .await?;
    let (purpose, received) = read_form(&state, &mut payload).await?;
    let sha256 = received.sha256.clone();
    let size = received.size;
    // The bytes quota is known now, before anything is processed or stored.
    let incoming = size as i64;
    state
        .db(move |conn| media::check_quota(conn, owner, incoming, quota))
        .await?;

    let earlier = {
        let sha = sha256.clone();
        state
            .db(move |conn| media::find_same_content(conn, &sha))
            .await?
    };
    let store = state.media.clone();
    let reusable = match earlier {
        Some(m) if (m.kind == media::MediaKind::Image || purpose.accepts_pdf()) => {
            let mut all = true;
            for v in &m.variants {
                all &= store
                    .exists(&sha256, v.name)
                    .await
                    .map_err(|e| ApiError::internal(e.as_ref()))?;
            }
            all.then_some(m)
        }
        _ => None,
    };
    let new = match reusable {
        // The same bytes were processed before: stored once, the record reuses the result.
        Some(m) => NewMedia {
            owner_id: owner,
            purpose,
            kind: m.kind,
            source_type: m.source_type,
            sha256,
            size_bytes: size as i64,
            width: m.width,
            height: m.height,
            variants: m.variants,
        },
        None => {
            let limits = ProcessLimits {
                max_pixels: config.media_max_pixels,
            };
            let path = received.file.path().to_owned();
            // Waits for a free slot (see `MediaStore::processing`); held until the decode ends.
            let _slot = store
                .processing
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| ApiError::internal(&e))?;
            let processed = web::block(move || crate::media::process(&path, size, purpose, limits))
                .await
                .map_err(|e| ApiError::internal(&e))?
                .map_err(refused)?;
            store
                .keep(processed, sha256, size, owner, purpose)
                .await
                .map_err(|e| ApiError::internal(e.as_ref()))?
        }
    };
    drop(received);
    let recorded = state
        .db(move |conn| media::record_upload(conn, new, quota))
        .await?;
    Ok(HttpResponse::Created().json(MediaView::from(&recorded)))
}

/// The media item if the reader may read it, and how. Public verdicts come from memory while
/// nothing changed (see `media::public_cache`).
async fn readable(
    state: &AppState,
    reader: Option<domain::Actor>,
    id: Uuid,
) -> ApiResult<(Arc<Media>, Readability)> {
    if let Some(m) = state.public_media.media(id) {
        return Ok((m, Readability::Public));
    }
    let generation = domain::db::generation();
    let (m, readability) = state
        .db(move |conn| -> Result<_, domain::media::MediaError> {
            let m = media::find_media(conn, id)?;
            let r = media_access::readability(conn, reader.as_ref(), &m)?;
            Ok((Arc::new(m), r))
        })
        .await?;
    match readability {
        Readability::Hidden => Err(ApiError::from_domain(domain::media::MediaError::NotFound)),
        Readability::Public => {
            state.public_media.remember(generation, m.clone());
            Ok((m, readability))
        }
        Readability::Private => Ok((m, readability)),
    }
}

#[utoipa::path(security((), ("bearer" = [])), tag = "media", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The upload's metadata and variants", body = MediaView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "media_not_found: no such media, or not readable by you", body = ErrorBody)))]
/// A media record (public images to anyone; others to those who may read them).
#[get("/api/v1/media/{id}")]
pub async fn get_media(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (m, _) = readable(&state, user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(MediaView::from(&*m)))
}

/// Public media: cached for a year by anyone (the bytes at a URL never change).
const PUBLIC_CACHE: &str = "public, max-age=31536000, immutable";
/// Media readable by some only.
const PRIVATE_CACHE: &str = "private, no-cache";

#[utoipa::path(operation_id = "get_media_variant", security((), ("bearer" = [])), tag = "media", params(("id" = Uuid, Path), ("variant" = String, Path, description = "thumbnail, medium or original")), responses(
    (status = 200, description = "the bytes, with the type of the variant"),
    (status = 206, description = "the requested byte range"),
    (status = 304, description = "not modified (If-None-Match)"),
    (status = 401, response = Unauthorized),
    (status = 404, description = "media_not_found: no such media or variant, or not readable by you", body = ErrorBody),
    (status = 416, description = "range_not_satisfiable", body = ErrorBody)))]
/// The bytes of a variant, with ETag, 304 and Range; private files as downloads.
#[get("/api/v1/media/{id}/{variant}")]
pub async fn get_variant(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<(Uuid, String)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (id, variant) = path.into_inner();
    let not_found = || ApiError::from_domain(domain::media::MediaError::NotFound);
    let name = VariantName::parse(&variant).ok_or_else(not_found)?;
    let (m, readability) = readable(&state, user.0, id).await?;
    let v = m.variant(name).ok_or_else(not_found)?.clone();
    let etag = format!("\"{}-{}\"", m.id.simple(), name.as_str());
    let mut response = HttpResponse::build(StatusCode::OK);
    response
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    if readability == Readability::Public {
        response.insert_header((header::CACHE_CONTROL, PUBLIC_CACHE));
    } else {
        response.insert_header((header::CACHE_CONTROL, PRIVATE_CACHE));
    }
    if m.purpose.is_private() {
        // Licence scans and attachments are downloads, never rendered in the site's origin.
        response
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}.{}\"",
                    m.id,
                    extension(&v.content_type)
                ),
            ))
            .insert_header(("Content-Security-Policy", "sandbox"));
    }
    if if_none_match(&req, &etag) {
        return Ok(response.status(StatusCode::NOT_MODIFIED).finish());
    }
    let total = u64::try_from(v.size_bytes).unwrap_or(0);
    let range = match req.headers().get(header::RANGE) {
        None => None,
        Some(value) => match parse_range(value, total) {
            Some(r) => Some(r),
            None => {
                let mut refused = actix_web::ResponseError::error_response(&ApiError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "range_not_satisfiable",
                    format!("the range is outside the {total} bytes"),
                ));
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{total}")) {
                    refused.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                return Ok(refused);
            }
        },
    };
    let public_whole = readability == Readability::Public && range.is_none();
    let kept = public_whole
        .then(|| state.public_media.bytes(&m.sha256, name))
        .flatten();
    let bytes = match kept {
        Some(bytes) => bytes,
        None => {
            let bytes = state
                .media
                .get(&m.sha256, name, range.clone())
                .await
                .map_err(|e| ApiError::internal(e.as_ref()))?
                .ok_or_else(not_found)?;
            if public_whole {
                state.public_media.keep(&m.sha256, name, &bytes);
            }
            bytes
        }
    };
    response.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_str(&v.content_type).map_err(|e| ApiError::internal(&e))?,
    ));
    if let Some(r) = range {
        response.status(StatusCode::PARTIAL_CONTENT).insert_header((
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{total}", r.start, r.end - 1),
        ));
    }
    Ok(response.body(bytes))
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == etag || t == "*"))
}

/// One `bytes=` range (`a-b`, `a-` or `-n`) within `total` bytes, as a half-open range; `None`
/// when it cannot be satisfied. Several ranges are answered with the first.
fn parse_range(value: &HeaderValue, total: u64) -> Option<std::ops::Range<u64>> {
    let spec = value.to_str().ok()?.trim().strip_prefix("bytes=")?;
    let first = spec.split(',').next()?.trim();
    let (start, end) = first.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (total.checked_sub(n.min(total))?, total)
        }
        (a, "") => (a.parse().ok()?, total),
        (a, b) => (
            a.parse().ok()?,
            b.parse::<u64>().ok()?.saturating_add(1).min(total),
        ),
    };
    (start < end && end <= total).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = |s: &str| parse_range(&HeaderValue::from_str(s).unwrap(), 100);
        assert_eq!(r("bytes=0-9"), Some(0..10));
        assert_eq!(r("bytes=90-"), Some(90..100));
        assert_eq!(r("bytes=-5"), Some(95..100));
        assert_eq!(r("bytes=95-200"), Some(95..100));
        assert_eq!(r("bytes=100-"), None);
        assert_eq!(r("bytes=5-2"), None);
        assert_eq!(r("items=0-1"), None);
    }
}
