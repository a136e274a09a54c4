//! Products: the company's catalog and the product flow.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::catalog::{
    self, Attribute, PriceTierInput, Product, ProductAction, ProductInput, format_minor,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::change_requests::EditOutcome;
use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::{AuthUser, MaybeUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeDto {
    #[schema(format = "line", min_length = 1, max_length = 50, example = "材质")]
    pub name: String,
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 200,
        example = "304不锈钢"
    )]
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceTierRequest {
    /// From this quantity on (in `unit`s) …
    #[schema(minimum = 1, maximum = 1_000_000_000_i64)]
    pub min_quantity: i64,
    /// … each unit costs this much, as a decimal string in `currency` ("49.90").
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$", value_type = String, example = "49.90")]
    pub unit_price: Decimal,
}

/// Product fields. On create a title (Chinese or English), `category_id`, `unit` and either
/// `price_tiers` with `currency` or `price_on_request: true` are required. On PATCH an absent
/// field keeps its value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    #[schema(
        format = "line",
        max_length = 200,
        example = "304不锈钢真空保温杯 500ml"
    )]
    pub title_zh: Option<String>,
    #[schema(
        format = "line",
        max_length = 200,
        example = "304 Stainless Steel Vacuum Flask 500ml"
    )]
    pub title_en: Option<String>,
    /// Rich text; sanitized to a safe subset of HTML.
    #[schema(format = "html", max_length = 50000)]
    pub description: Option<String>,
    /// A second-level category id from `/api/v1/categories`.
    #[schema(example = "home-goods.drinkware")]
    pub category_id: Option<String>,
    #[schema(max_items = 30)]
    pub attributes: Option<Vec<AttributeDto>>,
    /// Up to 10 media ids, in order (the first is the cover): uploads with purpose
    /// `product_image` by you or a member of the company (`POST /api/v1/media`).
    #[schema(max_items = 10)]
    pub images: Option<Vec<String>>,
    #[schema(format = "line", min_length = 1, max_length = 20, example = "piece")]
    pub unit: Option<String>,
    /// Minimum order quantity (default 1).
    #[schema(minimum = 1, maximum = 1_000_000_000_i64)]
    pub moq: Option<i64>,
    pub price_on_request: Option<bool>,
    /// ISO 4217 code.
    #[schema(example = "CNY")]
    pub currency: Option<String>,
    /// Up to 5 tiers with strictly increasing `min_quantity`.
    #[schema(max_items = 5)]
    pub price_tiers: Option<Vec<PriceTierRequest>>,
    #[schema(minimum = 0, maximum = 365)]
    pub lead_time_days: Option<i32>,
    #[schema(format = "line", max_length = 100)]
    pub place_of_origin: Option<String>,
    /// Up to 10.
    #[schema(max_items = 10)]
    pub keywords: Option<Vec<String>>,
    /// Your own product code, unique among the company's products; a catalog import matches
    /// its rows to products by it. Blank clears it. Only the company's members and operators see
    /// it, so it is written at once even on a published product (no change request).
    #[schema(format = "line", example = "VF-500-SS", max_length = 64)]
    pub sku: Option<String>,
}

/// A new product: the fields of `ProductRequest`, with `category_id` and `unit` required (an
/// edit keeps what it leaves out).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductCreateRequest {
    #[schema(
        format = "line",
        max_length = 200,
        example = "304不锈钢真空保温杯 500ml"
    )]
    pub title_zh: Option<String>,
    #[schema(
        format = "line",
        max_length = 200,
        example = "304 Stainless Steel Vacuum Flask 500ml"
    )]
    pub title_en: Option<String>,
    /// Rich text; sanitized to a safe subset of HTML.
    #[schema(format = "html", max_length = 50000)]
    pub description: Option<String>,
    /// A second-level category id from `/api/v1/categories`.
    #[schema(value_type = String, required = true, example = "home-goods.drinkware")]
    pub category_id: Option<String>,
    #[schema(max_items = 30)]
    pub attributes: Option<Vec<AttributeDto>>,
    /// Up to 10 media ids, in order (the first is the cover): uploads with purpose
    /// `product_image` by you or a member of the company (`POST /api/v1/media`).
    #[schema(max_items = 10)]
    pub images: Option<Vec<String>>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 20, example = "piece")]
    pub unit: Option<String>,
    /// Minimum order quantity (default 1).
    #[schema(minimum = 1, maximum = 1_000_000_000_i64)]
    pub moq: Option<i64>,
    pub price_on_request: Option<bool>,
    /// ISO 4217 code.
    #[schema(example = "CNY")]
    pub currency: Option<String>,
    /// Up to 5 tiers with strictly increasing `min_quantity`.
    #[schema(max_items = 5)]
    pub price_tiers: Option<Vec<PriceTierRequest>>,
    #[schema(minimum = 0, maximum = 365)]
    pub lead_time_days: Option<i32>,
    #[schema(format = "line", max_length = 100)]
    pub place_of_origin: Option<String>,
    /// Up to 10.
    #[schema(max_items = 10)]
    pub keywords: Option<Vec<String>>,
    /// Your own product code, unique among the company's products; a catalog import matches
    /// its rows to products by it. Blank clears it. Only the company's members and operators see
    /// it, so it is written at once even on a published product (no change request).
    #[schema(format = "line", example = "VF-500-SS", max_length = 64)]
    pub sku: Option<String>,
}

impl From<ProductCreateRequest> for ProductRequest {
    fn from(r: ProductCreateRequest) -> ProductRequest {
        ProductRequest {
            title_zh: r.title_zh,
            title_en: r.title_en,
            description: r.description,
            category_id: r.category_id,
            attributes: r.attributes,
            images: r.images,
            unit: r.unit,
            moq: r.moq,
            price_on_request: r.price_on_request,
            currency: r.currency,
            price_tiers: r.price_tiers,
            lead_time_days: r.lead_time_days,
            place_of_origin: r.place_of_origin,
            keywords: r.keywords,
            sku: r.sku,
        }
    }
}

impl From<ProductRequest> for ProductInput {
    fn from(r: ProductRequest) -> ProductInput {
        ProductInput {
            title_zh: r.title_zh,
            title_en: r.title_en,
            description: r.description,
            category_id: r.category_id,
            attributes: r.attributes.map(|a| {
                a.into_iter()
                    .map(|a| Attribute {
                        name: a.name,
                        value: a.value,
                    })
                    .collect()
            }),
            images: r.images,
            unit: r.unit,
            moq: r.moq,
            price_on_request: r.price_on_request,
            currency: r.currency,
            price_tiers: r.price_tiers.map(|t| {
                t.into_iter()
                    .map(|t| PriceTierInput {
                        min_quantity: t.min_quantity,
                        unit_price: t.unit_price,
                    })
                    .collect()
            }),
            lead_time_days: r.lead_time_days,
            place_of_origin: r.place_of_origin,
            keywords: r.keywords,
            sku: r.sku,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceTierView {
    pub min_quantity: i64,
    /// Decimal string in the product's currency.
    #[schema(example = "49.90")]
    pub unit_price: String,
    /// The same amount in minor units (fen, cents).
    pub unit_price_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    pub id: Uuid,
    pub company_id: Uuid,
    /// `draft`, `pending_review`, `published`, `rejected` or `changes_requested` (a draft an
    /// operator sent back with a note in `review_note`; publishing resubmits it).
    pub status: String,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub description: String,
    pub category_id: String,
    pub attributes: Vec<AttributeDto>,
    /// In order; the first is the cover.
    pub images: Vec<super::media::ImageView>,
    pub unit: String,
    pub moq: i64,
    pub price_on_request: bool,
    pub currency: Option<String>,
    pub price_tiers: Vec<PriceTierView>,
    /// Lowest and highest unit price, decimal strings.
    pub price_min: Option<String>,
    pub price_max: Option<String>,
    pub lead_time_days: Option<i32>,
    pub place_of_origin: Option<String>,
    pub keywords: Vec<String>,
    /// The company's own product code: `null` unless you are a member of the company or an
    /// operator.
    pub sku: Option<String>,
    /// The operator's note from the last review.
    pub review_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Product> for ProductView {
    fn from(p: Product) -> ProductView {
        let currency = p.currency.clone().unwrap_or_default();
        let fmt = |m: i64| format_minor(m, &currency);
        let status = if p.status == domain::catalog::ProductStatus::Draft
            && p.changes_requested_at.is_some()
        {
            "changes_requested"
        } else {
            p.status.as_str()
        };
        ProductView {
            id: p.id,
            company_id: p.company_id,
            status: status.into(),
            title_zh: p.title_zh,
            title_en: p.title_en,
            description: p.description,
            category_id: p.category_id,
            attributes: p
                .attributes
                .into_iter()
                .map(|a| AttributeDto {
                    name: a.name,
                    value: a.value,
                })
                .collect(),
            images: super::media::image_views(&p.images),
            unit: p.unit,
            moq: p.moq,
            price_on_request: p.price_on_request,
            price_tiers: p
                .price_tiers
                .iter()
                .map(|t| PriceTierView {
                    min_quantity: t.min_quantity,
                    unit_price: fmt(t.unit_price_minor),
                    unit_price_minor: t.unit_price_minor,
                })
                .collect(),
            price_min: p.price_min_minor.map(fmt),
            price_max: p.price_max_minor.map(fmt),
            currency: p.currency,
            lead_time_days: p.lead_time_days,
            place_of_origin: p.place_of_origin,
            keywords: p.keywords,
            sku: p.sku,
            review_note: p.review_note,
            published_at: utc_opt(p.published_at),
            created_at: utc(p.created_at),
            updated_at: utc(p.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<ProductView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl From<domain::paging::Page<Product>> for ProductPage {
    fn from(page: domain::paging::Page<Product>) -> ProductPage {
        ProductPage {
            items: page.items.into_iter().map(ProductView::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// Creates a draft product (company members).
#[utoipa::path(tag = "products", params(("id" = Uuid, Path, description = "company id")), request_body = ProductCreateRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The new draft product", body = ProductView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the company (operators included)", body = ErrorBody),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody),
    (status = 409, description = "company_suspended", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<ProductCreateRequest>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let input = ProductInput::from(ProductRequest::from(body.0));
    let product = state
        .db(move |conn| catalog::create_product(conn, &user.actor, company_id, input))
        .await?;
    Ok(HttpResponse::Created().json(ProductView::from(product)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CompanyProductsQuery {
    /// Members and operators only: `draft`, `pending_review`, `published` or `rejected`.
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A company's products, newest first.
///
/// Members and operators see every status (drafts included); everyone else sees the published ones.
#[utoipa::path(security((), ("bearer" = [])), tag = "products", params(("id" = Uuid, Path, description = "company id"), CompanyProductsQuery), responses(
    (status = 200, description = "A page of the company's products, newest first", body = ProductPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/products")]
pub async fn list_company_products(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
    query: web::Query<CompanyProductsQuery>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let query = query.into_inner();
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let status = query.status;
    let page = state
        .db(move |conn| {
            catalog::list_company_products(
                conn,
                user.0.as_ref(),
                company_id,
                status.as_deref(),
                &page,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(ProductPage::from(page)))
}

/// A product. Drafts and products under review exist only for the company's members and operators.
#[utoipa::path(security((), ("bearer" = [])), tag = "products", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The product", body = ProductView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`product_not_found`: no such product, or not visible to you", body = ErrorBody)))]
#[get("/api/v1/products/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let product = state
        .db(move |conn| catalog::get_product(conn, user.0.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(ProductView::from(product)))
}

/// What an edit did: the product as it is now live (or, for a draft, as edited) and `edit`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductEditView {
    #[serde(flatten)]
    pub product: ProductView,
    pub edit: EditOutcome,
}

/// Edits a product (company members).
///
/// Drafts, products under review and rejected ones are edited in place (`edit.outcome: applied`);
/// an edit that changes nothing writes nothing (the product keeps its `updated_at`).
/// An edit of a published product is a change request: the published version stays live and
/// searchable until an operator approves it (`edit.outcome: pending`, with
/// `edit.change_request_id`), unless the company is verified and screening finds nothing in the new
/// text — then it is applied at once and recorded as `auto_approved`. Each product has at most one
/// open change request; a new edit replaces its proposal (fields it does not name keep their
/// proposed value).
#[utoipa::path(tag = "products", params(("id" = Uuid, Path)), request_body = ProductRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The product, and whether the edit was applied or waits for review (`edit`)", body = ProductEditView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the product's company", body = ErrorBody),
    (status = 404, description = "`product_not_found`: no such product, or not visible to you", body = ErrorBody),
    (status = 409, description = "company_suspended", body = ErrorBody)))]
#[patch("/api/v1/products/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<ProductRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = ProductInput::from(body.0);
    let edit = state
        .db(move |conn| catalog::update_product(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(ProductEditView {
        edit: EditOutcome::from(edit.change.as_ref()),
        product: ProductView::from(edit.product),
    }))
}

/// Deletes a product (company members).
#[utoipa::path(tag = "products", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The product is deleted"),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the product's company", body = ErrorBody),
    (status = 404, description = "`product_not_found`: no such product, or not visible to you", body = ErrorBody)))]
#[delete("/api/v1/products/{id}")]
pub async fn delete_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| catalog::delete_product(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) async fn change_status(
    state: web::Data<AppState>,
    actor: domain::Actor,
    id: Uuid,
    action: ProductAction,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let product = state
        .db(move |conn| catalog::change_product_status(conn, &actor, id, action, reason.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(ProductView::from(product)))
}

/// Publishes a draft or rejected product: `published` for a verified company, `pending_review` otherwise.
#[utoipa::path(tag = "products", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The product, `published` or `pending_review`", body = ProductView),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden` (not a member of the product's company) or `company_restricted`", body = ErrorBody),
    (status = 404, description = "`product_not_found`: no such product, or not visible to you", body = ErrorBody),
    (status = 409, description = "invalid_state or company_suspended", body = ErrorBody)))]
#[post("/api/v1/products/{id}/publish")]
pub async fn publish_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user.actor,
        id.into_inner(),
        ProductAction::Publish,
        None,
    )
    .await
}

/// Takes a published or pending product back to draft.
#[utoipa::path(tag = "products", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The product, back to `draft`", body = ProductView),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the product's company", body = ErrorBody),
    (status = 404, description = "`product_not_found`: no such product, or not visible to you", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the product is neither published nor pending", body = ErrorBody)))]
#[post("/api/v1/products/{id}/unpublish")]
pub async fn unpublish_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user.actor,
        id.into_inner(),
        ProductAction::Unpublish,
        None,
    )
    .await
}
