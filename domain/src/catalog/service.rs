use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::CatalogError;
use super::batch::WriteBatch;
use super::category::leaf_category_problem;
use super::change::ProductEdit;
use super::input::{ProductInput, ValidProduct};
use super::model::{Product, ProductRow, ProductStatus};
use super::repo::{
    all_products_of_company, load_product, public_products_of_company, save_product,
};
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::company::{Company, MemberRole, find_company, role_in};
use crate::db::schema::products;
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::outbox::{self, topic};
use crate::paging::{Page, PageRequest};

pub(super) fn check_category(conn: &mut DbConnection, id: &str) -> Result<(), CatalogError> {
    match leaf_category_problem(conn, "category_id", id)? {
        None => Ok(()),
        Some(problem) => Err(CatalogError::Validation(vec![problem])),
    }
}

fn sku_duplicate() -> CatalogError {
    CatalogError::Validation(vec![FieldError::new(
        "sku",
        "duplicate",
        "another product of the company has this SKU",
    )])
}

/// Refuses a SKU that another live product of the company has (the unique index catches a
/// race; this names the field).
fn check_sku(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    company_id: Uuid,
    sku: Option<&str>,
    product_id: &str,
) -> Result<(), CatalogError> {
    let Some(sku) = sku else { return Ok(()) };
    match batch.product_id_by_sku(conn, company_id, sku)? {
        Some(other) if other.to_string() != product_id => Err(sku_duplicate()),
        _ => Ok(()),
    }
}

/// A unique violation on the SKU index is the same refusal as `check_sku`'s.
fn sku_race(e: diesel::result::Error) -> CatalogError {
    if crate::db::unique_violation_on(&e, "products", "sku") {
        sku_duplicate()
    } else {
        CatalogError::Database(e)
    }
}

pub(super) fn fill_row(row: &mut ProductRow, v: ValidProduct) {
    let (min, max) = v.price_range();
    row.title_zh = v.title_zh;
    row.title_en = v.title_en;
    row.description = v.description;
    row.category_id = v.category_id;
    row.attributes = to_json(&v.attributes);
    row.images = to_json(&v.images);
    row.unit = v.unit;
    row.moq = v.moq;
    row.price_on_request = v.price_on_request;
    row.currency = v.currency;
    row.price_tiers = to_json(&v.price_tiers);
    row.price_min_minor = min;
    row.price_max_minor = max;
    row.lead_time_days = v.lead_time_days;
    row.place_of_origin = v.place_of_origin;
    row.keywords = to_json(&v.keywords);
}

/// Screens what the product shows buyers; a blocking hit refuses the write.
pub(super) fn screen_product(
    conn: &mut DbConnection,
    row: &ProductRow,
) -> Result<crate::screening::Verdict, CatalogError> {
    let rules = crate::screening::current_rules(conn)?;
    screen_product_with(&rules, row)
}

fn screen_product_with(
    rules: &crate::screening::Engine,
    row: &ProductRow,
) -> Result<crate::screening::Verdict, CatalogError> {
    let description = crate::text::plain_text(&row.description);
    let attributes: Vec<super::model::Attribute> = crate::json_col::from_json(&row.attributes);
    let attributes: String = attributes
        .iter()
        .map(|a| format!("{}: {}", a.name, a.value))
        .collect::<Vec<_>>()
        .join("\n");
    let keywords: Vec<String> = crate::json_col::from_json(&row.keywords);
    let keywords = keywords.join(", ");
    let verdict = crate::screening::Verdict::of(
        rules,
        &[
            ("title_zh", row.title_zh.as_deref().unwrap_or("")),
            ("title_en", row.title_en.as_deref().unwrap_or("")),
            ("description", &description),
            ("attributes", &attributes),
            ("keywords", &keywords),
        ],
    );
    if verdict.blocked() {
        return Err(CatalogError::Blocked(verdict.block_errors()));
    }
    Ok(verdict)
}

/// The company and the actor's role in it, for a write; 404 where the actor may not even know
/// the company, 403 where they may see it but not write.
pub(crate) fn company_for_write(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<(Company, Option<MemberRole>), CatalogError> {
    let company = find_company(conn, company_id).map_err(|_| CatalogError::CompanyNotFound)?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if !may_on_company(actor, role, CompanyAction::WriteProducts) {
        return Err(if company.is_public() || actor.is_operator() {
            CatalogError::Forbidden
        } else {
            CatalogError::CompanyNotFound
        });
    }
    if company.is_suspended() {
        return Err(CatalogError::CompanySuspended);
    }
    Ok((company, role))
}

/// Links the product to its images: media the actor or a colleague uploaded as product images.
/// Malformed ids are left to `ProductInput::validate`, which reports them.
fn attach_images(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    product_id: Uuid,
    images: Option<&Vec<String>>,
) -> Result<(), CatalogError> {
    let Some(images) = images.filter(|i| !i.is_empty()) else {
        return Ok(());
    };
    let ids: Vec<Uuid> = images
        .iter()
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect();
    if ids.len() != images.len() {
        return Ok(());
    }
    let target = crate::media::Target::Product(product_id);
    crate::media::attach(
        conn,
        actor.user_id,
        Some(company_id),
        target,
        "images",
        &ids,
    )
    .map_err(|e| match e {
        crate::media::MediaError::Validation(f) => CatalogError::Validation(f),
        crate::media::MediaError::Database(e) => CatalogError::Database(e),
        _ => CatalogError::NotFound,
    })
}

/// Creates a draft product.
pub fn create_product(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    input: ProductInput,
) -> Result<Product, CatalogError> {
    create_product_in(conn, &mut WriteBatch::new(), actor, company_id, input)
}

/// `create_product` as one of a run of writes in the caller's transaction (`WriteBatch`).
pub fn create_product_in(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    actor: &Actor,
    company_id: Uuid,
    input: ProductInput,
) -> Result<Product, CatalogError> {
    let images = input.images.clone();
    let valid = input.validate(None).map_err(CatalogError::Validation)?;
    // Linking images can refuse them after the insert, so rows with images keep a savepoint.
    if batch.shares_transaction() && images.as_ref().is_none_or(Vec::is_empty) {
        // No savepoint of its own (two round trips fewer): every refusal below comes before
        // the first write, so a refused row has written nothing. A statement failing once the
        // writes began (a SKU a concurrent write just took) spoils the batch, which the import
        // rolls back and runs again with a savepoint per row.
        let created = insert_product(conn, batch, actor, company_id, valid, images.as_ref());
        batch.end_writes(created.is_ok());
        return created;
    }
    db::transaction(conn, |conn| {
        insert_product(conn, batch, actor, company_id, valid, images.as_ref())
    })
}

fn insert_product(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    actor: &Actor,
    company_id: Uuid,
    valid: ValidProduct,
    images: Option<&Vec<String>>,
) -> Result<Product, CatalogError> {
    {
        batch.company(conn, actor, company_id)?;
        batch.check_category(conn, &valid.category_id)?;
        let at = now();
        let id = new_id();
        let mut row = ProductRow {
            id: id.to_string(),
            company_id: company_id.to_string(),
            status: ProductStatus::Draft.as_str().to_owned(),
            title_zh: None,
            title_en: None,
            description: String::new(),
            category_id: String::new(),
            attributes: String::new(),
            images: String::new(),
            unit: String::new(),
            moq: 1,
            price_on_request: false,
            currency: None,
            price_tiers: String::new(),
            price_min_minor: None,
            price_max_minor: None,
            lead_time_days: None,
            place_of_origin: None,
            keywords: String::new(),
            review_note: None,
            published_at: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            changes_requested_at: None,
            sku: valid.sku.clone(),
        };
        check_sku(conn, batch, company_id, row.sku.as_deref(), &row.id)?;
        fill_row(&mut row, valid);
        let rules = batch.rules(conn)?;
        let verdict = screen_product_with(&rules, &row)?;
        batch.begin_writes();
        diesel::insert_into(products::table)
            .values(&row)
            .execute(conn)
            .map_err(sku_race)?;
        crate::screening::record_new(conn, "product", &row.id, &verdict)?;
        attach_images(conn, actor, company_id, id, images)?;
        outbox::emit(
            conn,
            topic::PRODUCT_CHANGED,
            id,
            json!({"change": "created"}),
        )?;
        batch.wrote(company_id, None, &row);
        Ok(Product::from(row))
    }
}

/// Whether the actor sees this product: published ones of public companies are public unless
/// an enforcement action or takedown hides them; every other state only for the company's
/// members and operators.
pub(crate) fn visible(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    product: &Product,
) -> Result<bool, CatalogError> {
    let company = find_company(conn, product.company_id).map_err(|_| CatalogError::NotFound)?;
    if publicly_visible(conn, product, &company)? {
        return Ok(true);
    }
    let Some(actor) = actor else { return Ok(false) };
    let role = role_in(conn, product.company_id, actor.user_id)?;
    Ok(may_on_company(actor, role, CompanyAction::ViewPrivate))
}

fn publicly_visible(
    conn: &mut DbConnection,
    product: &Product,
    company: &Company,
) -> Result<bool, CatalogError> {
    Ok(product.status == ProductStatus::Published
        && company.is_public()
        && !crate::enforcement::is_held(conn, "product", product.id)?)
}

/// A product as anyone may see it, with its (public) company: the product page shows both, and
/// deciding visibility loads the company anyway. `NotFound` when the public may not see it.
pub fn get_public_product(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<(Product, Company), CatalogError> {
    let mut product = load_product(conn, id)?
        .map(Product::from)
        .ok_or(CatalogError::NotFound)?;
    let company = find_company(conn, product.company_id).map_err(|_| CatalogError::NotFound)?;
    if !publicly_visible(conn, &product, &company)? {
        return Err(CatalogError::NotFound);
    }
    product.sku = None;
    Ok((product, company))
}

pub fn get_product(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<Product, CatalogError> {
    let Some(actor) = actor else {
        return get_public_product(conn, id).map(|(product, _)| product);
    };
    let actor = Some(actor);
    let mut product = load_product(conn, id)?
        .map(Product::from)
        .ok_or(CatalogError::NotFound)?;
    if !visible(conn, actor, &product)? {
        return Err(CatalogError::NotFound);
    }
    if !private_viewer(conn, actor, product.company_id)? {
        product.sku = None;
    }
    Ok(product)
}

/// Whether the actor sees the company's private data (its members and operators).
fn private_viewer(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
) -> Result<bool, CatalogError> {
    let Some(actor) = actor else { return Ok(false) };
    let role = role_in(conn, company_id, actor.user_id)?;
    Ok(may_on_company(actor, role, CompanyAction::ViewPrivate))
}

/// Loads a product for a write by a member: 404 if the actor cannot see it, 403 if they can
/// see it but not write it.
pub(crate) fn product_for_write(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(ProductRow, Company), CatalogError> {
    product_for_write_in(conn, &mut WriteBatch::new(), actor, id)
}

fn product_for_write_in(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    actor: &Actor,
    id: Uuid,
) -> Result<(ProductRow, Company), CatalogError> {
    let row = match batch.row(id) {
        Some(row) => row,
        None => load_product(conn, id)?.ok_or(CatalogError::NotFound)?,
    };
    // Found writable in this batch: the actor is a member, who sees every product of it.
    if let Some(company) = batch.writes_for(actor, crate::ids::parse_db_id(&row.company_id)) {
        return Ok((row, company.clone()));
    }
    let product = Product::from(row.clone());
    if !visible(conn, Some(actor), &product)? {
        return Err(CatalogError::NotFound);
    }
    let (company, _) = batch
        .company(conn, actor, product.company_id)
        .map_err(|e| match e {
            CatalogError::CompanyNotFound => CatalogError::NotFound,
            other => other,
        })?;
    Ok((row, company))
}

/// Edits a product. An edit of a published product is a change request: the live version stays
/// as it is until an operator approves the change, unless the rules approve it at once
/// (`catalog::change`). Other states are edited in place (they are not public); a rejected
/// product becomes a draft.
pub fn update_product(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: ProductInput,
) -> Result<ProductEdit, CatalogError> {
    update_product_in(conn, &mut WriteBatch::new(), actor, id, input)
}

/// `update_product` as one of a run of writes in the caller's transaction (`WriteBatch`).
pub fn update_product_in(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    actor: &Actor,
    id: Uuid,
    input: ProductInput,
) -> Result<ProductEdit, CatalogError> {
    db::transaction(conn, |conn| {
        let (mut row, company) = product_for_write_in(conn, batch, actor, id)?;
        let loaded = row.clone();
        let current = Product::from(row.clone());
        let before_sku = row.sku.clone();
        attach_images(conn, actor, company.id, id, input.images.as_ref())?;
        if let Some(sku) = input.sku.as_deref() {
            set_sku(conn, batch, &mut row, company.id, sku)?;
        }
        if current.status == ProductStatus::Published {
            let edit = super::change::propose(conn, actor, row.clone(), &company, input)?;
            // A proposal leaves the live row as it was, except for a new SKU.
            batch.wrote(company.id, before_sku.as_deref(), &row);
            return Ok(edit);
        }
        let valid = input
            .validate(Some(&current))
            .map_err(CatalogError::Validation)?;
        if valid.category_id != current.category_id {
            batch.check_category(conn, &valid.category_id)?;
        }
        fill_row(&mut row, valid);
        row.status = match current.status {
            ProductStatus::Rejected => ProductStatus::Draft,
            s => s,
        }
        .as_str()
        .to_owned();
        if row == loaded {
            // Nothing to write (a re-imported catalog's unchanged rows): no new screening, no
            // event, so the index, webhooks and `updated_at` are left alone.
            return Ok(ProductEdit {
                product: Product::from(row),
                change: None,
            });
        }
        let rules = batch.rules(conn)?;
        let verdict = screen_product_with(&rules, &row)?;
        crate::screening::record(conn, "product", &row.id, &verdict)?;
        row.updated_at = now();
        save_product(conn, &row, json!({"change": "updated"}))?;
        batch.wrote(company.id, before_sku.as_deref(), &row);
        Ok(ProductEdit {
            product: Product::from(row),
            change: None,
        })
    })
}

/// Writes a new SKU at once, whatever the product's state: it is the company's internal code,
/// shown only to its members and operators, so not part of what review approves. Other fields go through the
/// edit (in place, or as a change request).
fn set_sku(
    conn: &mut DbConnection,
    batch: &mut WriteBatch,
    row: &mut ProductRow,
    company_id: Uuid,
    sku: &str,
) -> Result<(), CatalogError> {
    let mut v = crate::validate::Validator::new();
    let sku = v.opt_text("sku", Some(sku), super::input::SKU_MAX_CHARS);
    v.finish().map_err(CatalogError::Validation)?;
    if sku == row.sku {
        return Ok(());
    }
    check_sku(conn, batch, company_id, sku.as_deref(), &row.id)?;
    diesel::update(products::table.find(&row.id))
        .set(products::sku.eq(&sku))
        .execute(conn)
        .map_err(sku_race)?;
    row.sku = sku;
    Ok(())
}

/// Soft delete: the row stays for the record, every read treats it as gone.
pub fn delete_product(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(), CatalogError> {
    db::transaction(conn, |conn| {
        let (mut row, _) = product_for_write(conn, actor, id)?;
        let at = now();
        row.deleted_at = Some(at);
        row.updated_at = at;
        save_product(conn, &row, json!({"change": "deleted"}))?;
        Ok(())
    })
}

/// Members and operators see every product of the company (drafts included, optionally one
/// status); anyone else sees the published ones.
pub fn list_company_products(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Product>, CatalogError> {
    let status = match status {
        None | Some("") => None,
        Some(s) => Some(ProductStatus::parse(s).ok_or_else(|| {
            CatalogError::Validation(vec![FieldError::new(
                "status",
                "invalid_choice",
                format!("must be one of: {}", ProductStatus::names()),
            )])
        })?),
    };
    let company = find_company(conn, company_id).map_err(|_| CatalogError::CompanyNotFound)?;
    let private = match actor {
        Some(actor) => {
            let role = role_in(conn, company_id, actor.user_id)?;
            may_on_company(actor, role, CompanyAction::ViewPrivate)
        }
        None => false,
    };
    if private {
        return Ok(all_products_of_company(conn, company_id, status, page)?);
    }
    if !company.is_public() {
        return Err(CatalogError::CompanyNotFound);
    }
    match status {
        None | Some(ProductStatus::Published) => {
            let mut page = public_products_of_company(conn, company_id, page)?;
            for p in &mut page.items {
                p.sku = None;
            }
            Ok(page)
        }
        Some(_) => Ok(Page {
            items: vec![],
            next_cursor: None,
        }),
    }
}
