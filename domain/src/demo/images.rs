//! Pictures for the demo products and drawings for the demo buy requests. The domain cannot draw
//! (no image codecs here): `tradefair seed-demo` generates one picture per product (and one
//! drawing per buy request) from its title, stores it as an upload of the company's owner (the
//! buyer) and attaches it here, after `load`.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::{company_members, listings, products, users};
use crate::ids::parse_db_id;
use crate::media::{Media, MediaError, NewMedia, Quota, Target};

/// Accounts whose e-mail address is under the demo domain (what `load` creates).
fn demo_account()
-> diesel::dsl::Or<diesel::dsl::Like<users::email, String>, diesel::dsl::Like<users::email, String>>
{
    users::email
        .like(format!("%@{}", super::DEMO_DOMAIN))
        .or(users::email.like(format!("%.{}", super::DEMO_DOMAIN)))
}

/// A demo product that has no picture yet.
#[derive(Debug, Clone)]
pub struct Unpictured {
    pub product_id: Uuid,
    /// An owner of its company: the uploader of its picture.
    pub owner_id: Uuid,
    /// What the picture is drawn from (the same title, the same picture).
    pub title: String,
}

/// Products of the demo companies (owned by a demo account: its e-mail address is under the
/// demo domain) without images, with that owner. Other companies' products are never touched.
pub fn products_without_images(conn: &mut DbConnection) -> QueryResult<Vec<Unpictured>> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> = products::table
        .inner_join(company_members::table.on(company_members::company_id.eq(products::company_id)))
        .inner_join(users::table.on(users::id.eq(company_members::user_id)))
        .filter(company_members::role.eq("owner"))
        .filter(demo_account())
        .filter(products::images.eq("[]"))
        .filter(products::deleted_at.is_null())
        .select((
            products::id,
            company_members::user_id,
            products::title_zh,
            products::title_en,
        ))
        .order(products::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(p, o, zh, en)| Unpictured {
            product_id: parse_db_id(&p),
            owner_id: parse_db_id(&o),
            title: zh.or(en).unwrap_or_default(),
        })
        .collect())
}

/// Records a generated file as an upload of its owner (no quota: seeding) and links it to
/// `target`; the caller writes the target's own column in the same transaction.
fn record_and_link(
    conn: &mut DbConnection,
    file: NewMedia,
    target: Target,
    field: &str,
) -> Result<Media, MediaError> {
    let owner = file.owner_id;
    let unlimited = Quota {
        max_count: i64::MAX,
        max_bytes: i64::MAX,
    };
    let media = crate::media::record_upload(conn, file, unlimited)?;
    crate::media::attach(conn, owner, None, target, field, &[media.id])?;
    Ok(media)
}

/// Records the generated picture and makes it the product's only image. Seeding only: the live
/// row is written directly (no change request, no outbox event: search shows no images).
pub fn attach_picture(
    conn: &mut DbConnection,
    product_id: Uuid,
    picture: NewMedia,
) -> Result<Media, MediaError> {
    crate::db::transaction(conn, |conn| {
        let media = record_and_link(conn, picture, Target::Product(product_id), "images")?;
        diesel::update(products::table.find(product_id.to_string()))
            .set(products::images.eq(serde_json::json!([media.id.to_string()]).to_string()))
            .execute(conn)?;
        Ok(media)
    })
}

/// A demo buy request without attachments: its buyer attaches a drawing.
#[derive(Debug, Clone)]
pub struct Undrawn {
    pub listing_id: Uuid,
    /// The buyer who posted it: the uploader of its drawing.
    pub owner_id: Uuid,
    /// What the drawing is drawn from.
    pub title: String,
}

/// Buy requests of the demo accounts (their e-mail addresses are under the demo domain) that
/// have no attachments. Other accounts' buy requests are never touched.
pub fn buy_requests_without_attachments(conn: &mut DbConnection) -> QueryResult<Vec<Undrawn>> {
    let rows: Vec<(String, String, String)> = listings::table
        .inner_join(users::table.on(users::id.eq(listings::owner_id)))
        .filter(listings::kind.eq("buy"))
        .filter(listings::attachments.eq("[]"))
        .filter(demo_account())
        .select((listings::id, listings::owner_id, listings::title))
        .order(listings::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(l, o, title)| Undrawn {
            listing_id: parse_db_id(&l),
            owner_id: parse_db_id(&o),
            title,
        })
        .collect())
}

/// Records the generated drawing and makes it the buy request's only attachment. Seeding only,
/// as `attach_picture`: the live row is written directly (search holds no attachments).
pub fn attach_drawing(
    conn: &mut DbConnection,
    listing_id: Uuid,
    drawing: NewMedia,
) -> Result<Media, MediaError> {
    crate::db::transaction(conn, |conn| {
        let media = record_and_link(conn, drawing, Target::Listing(listing_id), "attachments")?;
        diesel::update(listings::table.find(listing_id.to_string()))
            .set(listings::attachments.eq(serde_json::json!([media.id.to_string()]).to_string()))
            .execute(conn)?;
        Ok(media)
    })
}
