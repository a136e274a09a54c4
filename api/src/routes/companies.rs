//! Companies: create (the caller becomes owner), read, edit.

use actix_web::{HttpResponse, get, patch, post, web};
use domain::company::{self, Certification, Company, CompanyInput, Contact};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::change_requests::EditOutcome;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::{AuthUser, MaybeUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDto {
    #[schema(format = "line", min_length = 1, max_length = 50)]
    pub name: String,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationDto {
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 100,
        example = "ISO 9001:2015"
    )]
    pub name: String,
    #[schema(format = "line", max_length = 100)]
    pub number: Option<String>,
    #[schema(format = "line", max_length = 100)]
    pub issued_by: Option<String>,
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub valid_until: Option<String>,
}

/// Company profile. On create, `legal_name`, `credit_code`, `legal_representative`,
/// `registered_address`, `province`, `city`, `business_scope` and `company_type` are required;
/// on PATCH every field is optional, an absent field keeps its value and `""` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyRequest {
    /// Storefront address (`/storefronts/{slug}`): 3–60 lowercase letters, digits and single
    /// hyphens; derived from the English name when absent or blank.
    #[schema(format = "slug_or_blank", example = "haitian-machinery")]
    pub slug: Option<String>,
    #[schema(
        format = "line",
        min_length = 2,
        max_length = 100,
        example = "宁波海天精密机械有限公司"
    )]
    pub legal_name: Option<String>,
    #[schema(
        format = "line",
        max_length = 150,
        example = "Ningbo Haitian Precision Machinery Co., Ltd."
    )]
    pub english_name: Option<String>,
    /// Unified social credit code (统一社会信用代码), 18 characters, GB 32100-2015 check character.
    #[schema(min_length = 18, max_length = 18, example = "91350100M000100Y43")]
    pub credit_code: Option<String>,
    #[schema(format = "line", min_length = 1, max_length = 50)]
    pub legal_representative: Option<String>,
    #[schema(format = "line", min_length = 4, max_length = 200)]
    pub registered_address: Option<String>,
    #[schema(format = "line", min_length = 1, max_length = 30)]
    pub province: Option<String>,
    #[schema(format = "line", min_length = 1, max_length = 30)]
    pub city: Option<String>,
    #[schema(format = "line", min_length = 1, max_length = 2000)]
    pub business_scope: Option<String>,
    #[schema(minimum = 1800)]
    pub year_established: Option<i32>,
    /// `1-10`, `11-50`, `51-200`, `201-500`, `501-1000` or `1000+`.
    pub employee_range: Option<String>,
    /// `manufacturer`, `trading_company`, `distributor`, `agent`, `buying_office`, `service_provider` or `other`.
    pub company_type: Option<String>,
    #[schema(max_items = 10)]
    pub main_products: Option<Vec<String>>,
    #[schema(max_items = 5)]
    pub contacts: Option<Vec<ContactDto>>,
    /// A media id: an upload with purpose `company_logo` (by you or a member); `""` removes it.
    #[schema(format = Uuid)]
    pub logo_id: Option<String>,
    /// A media id: an upload with purpose `company_banner`; `""` removes it.
    #[schema(format = Uuid)]
    pub banner_id: Option<String>,
    /// Rich text; sanitized to a safe subset of HTML.
    #[schema(format = "html", max_length = 20000)]
    pub description: Option<String>,
    #[schema(max_items = 20)]
    pub certifications: Option<Vec<CertificationDto>>,
    /// The business licence scan: a media id, an upload with purpose `licence_scan` (an image
    /// or a PDF); `""` removes it. Private: only members and operators can read it. A licence
    /// fact: changing it sends a verified company back to verification.
    #[schema(format = Uuid)]
    pub licence_scan_id: Option<String>,
    /// The licence's expiry, `YYYY-MM-DD` (not in the past), or `long_term` / `长期`. A licence
    /// fact; its owners and admins are warned before it passes.
    #[schema(format = "licence_expiry_or_blank", example = "2031-06-30")]
    pub licence_expires_on: Option<String>,
}

/// A new company: the fields of `CompanyRequest`, with the ones a company cannot lack required
/// (an edit, `CompanyRequest`, keeps what it leaves out).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyCreateRequest {
    /// Storefront address (`/storefronts/{slug}`): 3–60 lowercase letters, digits and single
    /// hyphens; derived from the English name when absent or blank.
    #[schema(format = "slug_or_blank", example = "haitian-machinery")]
    pub slug: Option<String>,
    #[schema(
        format = "line",
        min_length = 2,
        max_length = 100,
        example = "宁波海天精密机械有限公司"
    )]
    #[schema(value_type = String, required = true)]
    pub legal_name: Option<String>,
    #[schema(
        format = "line",
        max_length = 150,
        example = "Ningbo Haitian Precision Machinery Co., Ltd."
    )]
    pub english_name: Option<String>,
    /// Unified social credit code (统一社会信用代码), 18 characters, GB 32100-2015 check character.
    #[schema(value_type = String, required = true, min_length = 18, max_length = 18, example = "91350100M000100Y43")]
    pub credit_code: Option<String>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 50)]
    pub legal_representative: Option<String>,
    #[schema(value_type = String, required = true, format = "line", min_length = 4, max_length = 200)]
    pub registered_address: Option<String>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 30)]
    pub province: Option<String>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 30)]
    pub city: Option<String>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 2000)]
    pub business_scope: Option<String>,
    #[schema(minimum = 1800)]
    pub year_established: Option<i32>,
    /// `1-10`, `11-50`, `51-200`, `201-500`, `501-1000` or `1000+`.
    pub employee_range: Option<String>,
    /// `manufacturer`, `trading_company`, `distributor`, `agent`, `buying_office`, `service_provider` or `other`.
    #[schema(value_type = String, required = true)]
    pub company_type: Option<String>,
    #[schema(max_items = 10)]
    pub main_products: Option<Vec<String>>,
    #[schema(max_items = 5)]
    pub contacts: Option<Vec<ContactDto>>,
    /// A media id: an upload with purpose `company_logo` (by you or a member); `""` removes it.
    #[schema(format = Uuid)]
    pub logo_id: Option<String>,
    /// A media id: an upload with purpose `company_banner`; `""` removes it.
    #[schema(format = Uuid)]
    pub banner_id: Option<String>,
    /// Rich text; sanitized to a safe subset of HTML.
    #[schema(format = "html", max_length = 20000)]
    pub description: Option<String>,
    #[schema(max_items = 20)]
    pub certifications: Option<Vec<CertificationDto>>,
    /// The business licence scan: a media id, an upload with purpose `licence_scan` (an image
    /// or a PDF); `""` removes it. Private: only members and operators can read it. A licence
    /// fact: changing it sends a verified company back to verification.
    #[schema(format = Uuid)]
    pub licence_scan_id: Option<String>,
    /// The licence's expiry, `YYYY-MM-DD` (not in the past), or `long_term` / `长期`. A licence
    /// fact; its owners and admins are warned before it passes.
    #[schema(format = "licence_expiry_or_blank", example = "2031-06-30")]
    pub licence_expires_on: Option<String>,
}

impl From<CompanyCreateRequest> for CompanyRequest {
    fn from(r: CompanyCreateRequest) -> CompanyRequest {
        CompanyRequest {
            slug: r.slug,
            legal_name: r.legal_name,
            english_name: r.english_name,
            credit_code: r.credit_code,
            legal_representative: r.legal_representative,
            registered_address: r.registered_address,
            province: r.province,
            city: r.city,
            business_scope: r.business_scope,
            year_established: r.year_established,
            employee_range: r.employee_range,
            company_type: r.company_type,
            main_products: r.main_products,
            contacts: r.contacts,
            logo_id: r.logo_id,
            banner_id: r.banner_id,
            description: r.description,
            certifications: r.certifications,
            licence_scan_id: r.licence_scan_id,
            licence_expires_on: r.licence_expires_on,
        }
    }
}

impl From<CompanyRequest> for CompanyInput {
    fn from(r: CompanyRequest) -> CompanyInput {
        CompanyInput {
            slug: r.slug,
            legal_name: r.legal_name,
            english_name: r.english_name,
            credit_code: r.credit_code,
            legal_representative: r.legal_representative,
            registered_address: r.registered_address,
            province: r.province,
            city: r.city,
            business_scope: r.business_scope,
            year_established: r.year_established,
            employee_range: r.employee_range,
            company_type: r.company_type,
            main_products: r.main_products,
            contacts: r.contacts.map(|cs| {
                cs.into_iter()
                    .map(|c| company::ContactInput {
                        name: c.name,
                        phone: c.phone,
                        email: c.email,
                    })
                    .collect()
            }),
            logo_id: r.logo_id,
            banner_id: r.banner_id,
            description: r.description,
            certifications: r.certifications.map(|cs| {
                cs.into_iter()
                    .map(|c| company::CertificationInput {
                        name: c.name,
                        number: c.number,
                        issued_by: c.issued_by,
                        valid_until: c.valid_until,
                    })
                    .collect()
            }),
            licence_scan_id: r.licence_scan_id,
            licence_expires_on: r.licence_expires_on,
        }
    }
}

fn contact_dto(c: Contact) -> ContactDto {
    ContactDto {
        name: c.name,
        phone: c.phone,
        email: c.email,
    }
}

fn certification_dto(c: Certification) -> CertificationDto {
    CertificationDto {
        name: c.name,
        number: c.number,
        issued_by: c.issued_by,
        valid_until: c.valid_until,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyView {
    pub id: Uuid,
    pub slug: String,
    pub legal_name: String,
    pub english_name: Option<String>,
    pub credit_code: String,
    pub legal_representative: String,
    pub registered_address: String,
    pub province: String,
    pub city: String,
    pub business_scope: String,
    pub year_established: Option<i32>,
    pub employee_range: Option<String>,
    pub company_type: String,
    pub main_products: Vec<String>,
    pub contacts: Vec<ContactDto>,
    pub logo: Option<super::media::ImageView>,
    pub banner: Option<super::media::ImageView>,
    pub description: String,
    pub certifications: Vec<CertificationDto>,
    /// `pending`, `verified`, `rejected` or `suspended`; `terminated` (a termination in force)
    /// or `closed` (it left the platform) for a company that is down for good. Only members and
    /// operators see a company that is not public.
    pub status: String,
    pub verified: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub verified_at: Option<OffsetDateTime>,
    /// The operator who verified the company.
    pub verified_by: Option<Uuid>,
    /// The operator's reason for the last status change.
    pub status_reason: Option<String>,
    /// The licence scan's media id; its file (`/api/v1/media/{id}/original`) is readable by the
    /// company's members and operators only.
    pub licence_scan_id: Option<String>,
    /// `YYYY-MM-DD`, `long_term`, or `null` when not given.
    pub licence_expires_on: Option<String>,
    /// Whether the licence's expiry date has passed.
    pub licence_expired: bool,
    /// Credit score, 0–100 with one decimal (`GET /api/v1/companies/{id}/credit` explains it).
    pub credit_score: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Company> for CompanyView {
    fn from(c: Company) -> CompanyView {
        CompanyView {
            status: c.status().into(),
            verified: c.is_verified(),
            licence_expired: c.licence_expired(domain::clock::now()),
            id: c.id,
            slug: c.slug,
            legal_name: c.legal_name,
            english_name: c.english_name,
            credit_code: c.credit_code,
            legal_representative: c.legal_representative,
            registered_address: c.registered_address,
            province: c.province,
            city: c.city,
            business_scope: c.business_scope,
            year_established: c.year_established,
            employee_range: c.employee_range.map(|e| e.as_str().into()),
            company_type: c.company_type.as_str().into(),
            main_products: c.main_products,
            contacts: c.contacts.into_iter().map(contact_dto).collect(),
            logo: super::media::image_view_of(c.logo_id.as_deref()),
            banner: super::media::image_view_of(c.banner_id.as_deref()),
            description: c.description,
            certifications: c
                .certifications
                .into_iter()
                .map(certification_dto)
                .collect(),
            verified_at: utc_opt(c.verified_at),
            verified_by: c.verified_by,
            status_reason: c.status_reason,
            licence_scan_id: c.licence_scan_id,
            licence_expires_on: c.licence_expiry.map(|e| e.as_text()),
            credit_score: c.credit_score.map(|s| f64::from(s) / 10.0),
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
        }
    }
}

/// Creates the caller's company; the caller (a supplier account in no company) becomes its owner.
#[utoipa::path(tag = "companies", request_body = CompanyCreateRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The new company, `pending` until an operator verifies it", body = CompanyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "not_a_supplier", body = ErrorBody),
    (status = 409, description = "slug_taken, credit_code_taken or already_in_company", body = ErrorBody)))]
#[post("/api/v1/companies")]
pub async fn create_company(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<CompanyCreateRequest>,
) -> ApiResult<HttpResponse> {
    let input = CompanyInput::from(CompanyRequest::from(body.0));
    let company = state
        .db(move |conn| company::create_company(conn, &user.actor, input))
        .await?;
    Ok(HttpResponse::Created().json(CompanyView::from(company)))
}

/// A company profile. Suspended and rejected companies are visible only to their members and operators.
#[utoipa::path(security((), ("bearer" = [])), tag = "companies", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The company profile", body = CompanyView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or it is suspended or rejected and you are not a member or operator", body = ErrorBody)))]
#[get("/api/v1/companies/{id}")]
pub async fn get_company(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let company = state
        .db(move |conn| company::get_company(conn, user.0.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(CompanyView::from(company)))
}

/// What a profile edit did: the company as the public now sees it and `edit`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyEditView {
    #[serde(flatten)]
    pub company: CompanyView,
    pub edit: EditOutcome,
}

/// Edits the profile (owners and admins).
///
/// Changing the licence facts of a verified company sends it back to verification and is applied at
/// once (`edit.outcome: applied`). Any other edit of a verified company's profile is a change
/// request: applied at once (`auto_approved`) when screening finds nothing in the new text,
/// otherwise the live profile stays as it is until an operator approves it (`edit.outcome:
/// pending`, with `edit.change_request_id`; the diff at `GET /api/v1/change-requests/{id}`).
/// Companies that are not verified are edited in place.
#[utoipa::path(tag = "companies", params(("id" = Uuid, Path)), request_body = CompanyRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The profile, and whether the edit was applied or waits for review (`edit`)", body = CompanyEditView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner or admin of the company", body = ErrorBody),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody),
    (status = 409, description = "`credit_code_taken` or `slug_taken`: another company has it", body = ErrorBody)))]
#[patch("/api/v1/companies/{id}")]
pub async fn update_company(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<CompanyRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = CompanyInput::from(body.0);
    let edit = state
        .db(move |conn| company::update_company(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(CompanyEditView {
        edit: EditOutcome::from(edit.change.as_ref()),
        company: CompanyView::from(edit.company),
    }))
}
