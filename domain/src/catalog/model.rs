use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::products;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    pub enum ProductStatus {
        Draft => "draft",
        PendingReview => "pending_review",
        Published => "published",
        Rejected => "rejected",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// From `min_quantity` units on, each unit costs `unit_price_minor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTier {
    pub min_quantity: i64,
    pub unit_price_minor: i64,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: Uuid,
    pub company_id: Uuid,
    pub status: ProductStatus,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub description: String,
    pub category_id: String,
    pub attributes: Vec<Attribute>,
    pub images: Vec<String>,
    pub unit: String,
    pub moq: i64,
    pub price_on_request: bool,
    pub currency: Option<String>,
    pub price_tiers: Vec<PriceTier>,
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub lead_time_days: Option<i32>,
    pub place_of_origin: Option<String>,
    pub keywords: Vec<String>,
    pub review_note: Option<String>,
    pub published_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// When an operator sent the submission back (the product is then a draft the owner sees
    /// as `changes_requested` until publishing it again).
    pub changes_requested_at: Option<PrimitiveDateTime>,
    /// The company's own code for the product (unique among its live products); an import
    /// matches its rows to products by it.
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub(crate) struct ProductRow {
    pub id: String,
    pub company_id: String,
    pub status: String,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub description: String,
    pub category_id: String,
    pub attributes: String,
    pub images: String,
    pub unit: String,
    pub moq: i64,
    pub price_on_request: bool,
    pub currency: Option<String>,
    pub price_tiers: String,
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub lead_time_days: Option<i32>,
    pub place_of_origin: Option<String>,
    pub keywords: String,
    pub review_note: Option<String>,
    pub published_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub changes_requested_at: Option<PrimitiveDateTime>,
    pub sku: Option<String>,
}

impl From<ProductRow> for Product {
    fn from(r: ProductRow) -> Product {
        Product {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            status: from_db(&r.status, ProductStatus::parse, ProductStatus::Draft),
            title_zh: r.title_zh,
            title_en: r.title_en,
            description: r.description,
            category_id: r.category_id,
            attributes: from_json(&r.attributes),
            images: from_json(&r.images),
            unit: r.unit,
            moq: r.moq,
            price_on_request: r.price_on_request,
            currency: r.currency,
            price_tiers: from_json(&r.price_tiers),
            price_min_minor: r.price_min_minor,
            price_max_minor: r.price_max_minor,
            lead_time_days: r.lead_time_days,
            place_of_origin: r.place_of_origin,
            keywords: from_json(&r.keywords),
            review_note: r.review_note,
            published_at: r.published_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            changes_requested_at: r.changes_requested_at,
            sku: r.sku,
        }
    }
}
