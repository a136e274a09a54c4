//! The public storefront (企业店铺).

use actix_web::{HttpResponse, get, web};
use domain::company;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::companies::{CertificationDto, ContactDto};
use super::pagination::PageQuery;
use super::products::ProductPage;
use super::ratings::{RatingSummaryView, RatingView};
use super::responses::BadRequest;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// The business-licence facts a trading platform must display (营业执照信息).
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceView {
    pub legal_name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub registered_address: String,
    /// Whether a licence scan is on file (the scan itself is private: the company's members and
    /// operators read it through the company).
    pub scan_on_file: bool,
    /// `YYYY-MM-DD`, `long_term` (长期), or `null` when not given.
    pub expires_on: Option<String>,
    /// Whether the expiry date has passed.
    pub expired: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationView {
    pub verified: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub verified_at: Option<OffsetDateTime>,
    /// The display name of the operator who verified the company.
    pub verified_by: Option<String>,
}

/// The credit profile in short (`GET /api/v1/companies/{id}/credit` has every input).
#[derive(Debug, Serialize, ToSchema)]
pub struct StorefrontCreditView {
    /// 0–100, one decimal.
    pub score: f64,
    pub formula_version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub computed_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StorefrontView {
    pub company_id: Uuid,
    pub slug: String,
    pub name: String,
    pub english_name: Option<String>,
    pub licence: LicenceView,
    pub verification: VerificationView,
    #[serde(with = "time::serde::rfc3339")]
    pub member_since: OffsetDateTime,
    pub province: String,
    pub city: String,
    pub company_type: String,
    pub business_scope: String,
    pub year_established: Option<i32>,
    pub employee_range: Option<String>,
    pub main_products: Vec<String>,
    pub description: String,
    pub logo: Option<super::media::ImageView>,
    pub banner: Option<super::media::ImageView>,
    pub contacts: Vec<ContactDto>,
    pub certifications: Vec<CertificationDto>,
    /// Inquiries answered within 24 h ÷ inquiries whose 24 h have passed (or that were
    /// answered), over the last 30 days; `null` when there are none (formula in the README).
    pub response_rate: Option<f64>,
    /// Median time to the first response over the last 30 days' answered inquiries.
    pub median_first_response_secs: Option<i64>,
    /// Inquiry threads received in the last 30 days.
    pub inquiries_received_30d: i64,
    /// Published products.
    pub product_count: i64,
    pub products: ProductPage,
    pub credit: StorefrontCreditView,
    pub ratings: RatingSummaryView,
    /// The newest published ratings (all of them: `GET /api/v1/companies/{id}/ratings`).
    pub recent_ratings: Vec<RatingView>,
}

/// A supplier's public storefront with its published products (paged). Suspended and rejected companies have none.
#[utoipa::path(tag = "storefronts", params(("slug" = String, Path), PageQuery), responses(
    (status = 200, description = "The storefront with a page of its published products", body = StorefrontView),
    (status = 400, response = BadRequest),
    (status = 404, description = "`company_not_found`: no such storefront, or the company is suspended or rejected", body = ErrorBody)))]
#[get("/api/v1/storefronts/{slug}")]
pub async fn get_storefront(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.parse()?;
    let slug = slug.into_inner();
    let s = state
        .db(move |conn| domain::storefront::storefront(conn, &slug, &page))
        .await?;
    let c = s.card.company;
    let response = s.card.response;
    let licence_expired = c.licence_expired(domain::clock::now());
    let view = StorefrontView {
        company_id: c.id,
        slug: c.slug,
        name: c.legal_name.clone(),
        english_name: c.english_name,
        licence: LicenceView {
            legal_name: c.legal_name,
            credit_code: c.credit_code,
            legal_representative: c.legal_representative,
            registered_address: c.registered_address,
            scan_on_file: c.licence_scan_id.is_some(),
            expires_on: c.licence_expiry.map(|e| e.as_text()),
            expired: licence_expired,
        },
        verification: VerificationView {
            verified: c.verification_status == company::VerificationStatus::Verified,
            verified_at: utc_opt(c.verified_at),
            verified_by: s.verified_by_name,
        },
        member_since: utc(c.created_at),
        province: c.province,
        city: c.city,
        company_type: c.company_type.as_str().into(),
        business_scope: c.business_scope,
        year_established: c.year_established,
        employee_range: c.employee_range.map(|e| e.as_str().into()),
        main_products: c.main_products,
        description: c.description,
        logo: super::media::image_view_of(c.logo_id.as_deref()),
        banner: super::media::image_view_of(c.banner_id.as_deref()),
        contacts: c
            .contacts
            .into_iter()
            .map(|x| ContactDto {
                name: x.name,
                phone: x.phone,
                email: x.email,
            })
            .collect(),
        certifications: c
            .certifications
            .into_iter()
            .map(|x| CertificationDto {
                name: x.name,
                number: x.number,
                issued_by: x.issued_by,
                valid_until: x.valid_until,
            })
            .collect(),
        response_rate: response.response_rate,
        median_first_response_secs: response.median_first_response_secs,
        inquiries_received_30d: response.received,
        product_count: s.product_count,
        products: ProductPage::from(s.card.products),
        credit: StorefrontCreditView {
            score: f64::from(s.card.credit.score) / 10.0,
            formula_version: s.card.credit.formula_version,
            computed_at: utc(s.card.credit.computed_at),
        },
        ratings: s.card.ratings.into(),
        recent_ratings: s.recent_ratings.into_iter().map(Into::into).collect(),
    };
    Ok(HttpResponse::Ok().json(view))
}
