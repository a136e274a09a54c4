//! Edits of published products as change requests (see `review::change`): the proposal is
//! validated and screened like any edit, stored as a `ValidProduct`, and applied — to the row,
//! with its `product.changed` event — only when approved. Auto-approval: a verified company
//! whose new text screening finds nothing (no flag, review or block) sees it applied at once.

use diesel::prelude::*;
use serde_json::{Value, json};

use super::CatalogError;
use super::input::{ProductInput, ValidProduct};
use super::model::{Product, ProductRow, ProductStatus};
use super::money::format_minor;
use super::repo::{load_product, save_product};
use super::service::{check_category, fill_row, screen_product};
use crate::access::Actor;
use crate::clock::now;
use crate::company::Company;
use crate::db::DbConnection;
use crate::db::schema::products;
use crate::ids::parse_db_id;
use crate::json_col::from_json;
use crate::review::{ChangeRequest, Fields, Proposal, open_change, submit_change};

/// What an edit did: the product as the public now sees it (the live version) and, for an edit
/// of a published product, the change request that holds it (auto-approved or pending). No
/// change request: the edit was applied in place (a draft, a product under review), or changed
/// nothing.
#[derive(Debug, Clone)]
pub struct ProductEdit {
    pub product: Product,
    pub change: Option<ChangeRequest>,
}

/// The fields an owner edits, as people read them (prices as decimal strings).
fn fields(row: &ProductRow) -> Fields {
    let currency = row.currency.clone().unwrap_or_default();
    let tiers: Vec<super::PriceTier> = from_json(&row.price_tiers);
    let tiers: Vec<Value> = tiers
        .iter()
        .map(|t| {
            json!({
                "min_quantity": t.min_quantity,
                "unit_price": format_minor(t.unit_price_minor, &currency),
            })
        })
        .collect();
    let json_of = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    vec![
        ("title_zh", json!(row.title_zh)),
        ("title_en", json!(row.title_en)),
        ("description", json!(row.description)),
        ("category_id", json!(row.category_id)),
        ("attributes", json_of(&row.attributes)),
        ("images", json_of(&row.images)),
        ("unit", json!(row.unit)),
        ("moq", json!(row.moq)),
        ("price_on_request", json!(row.price_on_request)),
        ("currency", json!(row.currency)),
        ("price_tiers", json!(tiers)),
        ("lead_time_days", json!(row.lead_time_days)),
        ("place_of_origin", json!(row.place_of_origin)),
        ("keywords", json_of(&row.keywords)),
    ]
}

fn with_version(row: &ProductRow, version: ValidProduct) -> ProductRow {
    let mut row = row.clone();
    fill_row(&mut row, version);
    row
}

/// An edit of a published product (inside `update_product`'s transaction).
pub(super) fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    row: ProductRow,
    company: &Company,
    input: ProductInput,
) -> Result<ProductEdit, CatalogError> {
    let id = parse_db_id(&row.id);
    // Edits of one product take turns (a row lock on PostgreSQL; SQLite's write transactions
    // already do), so two edits cannot both open a change request; the row is read again
    // under the lock.
    diesel::update(products::table.find(&row.id))
        .set(products::updated_at.eq(products::updated_at))
        .execute(conn)?;
    let mut row = load_product(conn, id)?.ok_or(CatalogError::NotFound)?;
    // A new edit builds on the open proposal: fields it does not name keep their proposed value.
    let base = match open_change(conn, "product", id)? {
        Some(cr) => match serde_json::from_value::<ValidProduct>(cr.proposed) {
            Ok(version) => with_version(&row, version),
            Err(_) => row.clone(),
        },
        None => row.clone(),
    };
    let valid = input
        .validate(Some(&Product::from(base)))
        .map_err(CatalogError::Validation)?;
    if valid.category_id != row.category_id {
        check_category(conn, &valid.category_id)?;
    }
    let proposed_row = with_version(&row, valid.clone());
    let verdict = screen_product(conn, &proposed_row)?;
    let auto_approve = company.is_verified() && verdict.outcome().is_none();
    let title = proposed_row
        .title_zh
        .as_deref()
        .or(proposed_row.title_en.as_deref())
        .unwrap_or("");
    let change = submit_change(
        conn,
        Proposal {
            subject_type: "product",
            subject_id: id,
            company_id: Some(company.id),
            owner_id: None,
            requested_by: actor.user_id,
            live: fields(&row),
            proposed_fields: fields(&proposed_row),
            proposed: serde_json::to_value(&valid).unwrap_or(Value::Null),
            verdict: &verdict,
            auto_approve,
            title,
            category_id: Some(&proposed_row.category_id),
        },
    )?;
    if let Some(cr) = &change
        && cr.status == crate::review::ChangeStatus::AutoApproved
    {
        fill_row(&mut row, valid);
        crate::screening::record(conn, "product", &row.id, &verdict)?;
        row.updated_at = now();
        save_product(
            conn,
            &row,
            json!({"change": "updated", "change_request": cr.id}),
        )?;
    }
    Ok(ProductEdit {
        product: Product::from(row),
        change,
    })
}

/// The live product's fields as a change request's diff and base show them (`None`: no such
/// product).
pub(crate) fn live_fields(conn: &mut DbConnection, id: uuid::Uuid) -> QueryResult<Option<Fields>> {
    Ok(load_product(conn, id)?.map(|row| fields(&row)))
}

/// Applies an approved change request to the live product, in the caller's transaction: the
/// row, its screening outcome (the proposal's) and the `product.changed` event search follows.
pub(crate) fn apply_change_in_tx(
    conn: &mut DbConnection,
    cr: &ChangeRequest,
) -> Result<Product, CatalogError> {
    let mut row = load_product(conn, cr.subject_id)?.ok_or(CatalogError::NotFound)?;
    if row.status != ProductStatus::Published.as_str() {
        return Err(CatalogError::InvalidTransition {
            action: "apply a change to",
            status: crate::enums::from_db(&row.status, ProductStatus::parse, ProductStatus::Draft)
                .as_str(),
        });
    }
    let version: ValidProduct = serde_json::from_value(cr.proposed.clone()).map_err(|e| {
        tracing::error!(error = %e, change_request = %cr.id, "malformed proposal");
        CatalogError::InvalidTransition {
            action: "apply a malformed change to",
            status: "published",
        }
    })?;
    fill_row(&mut row, version);
    let verdict = crate::screening::stored(conn, "change_request", &cr.id.to_string())?;
    crate::screening::record(conn, "product", &row.id, &verdict)?;
    row.updated_at = now();
    save_product(
        conn,
        &row,
        json!({"change": "updated", "change_request": cr.id}),
    )?;
    Ok(Product::from(row))
}
