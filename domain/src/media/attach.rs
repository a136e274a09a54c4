use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::MediaError;
use super::model::{Media, MediaRow, Purpose};
use crate::db::DbConnection;
use crate::db::schema::{media, media_links};
use crate::error::FieldError;

/// What media can be attached to. The id is the product's, the company's, the message's, the
/// listing's or the quote's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Product(Uuid),
    CompanyLogo(Uuid),
    CompanyBanner(Uuid),
    CompanyLicence(Uuid),
    InquiryMessage(Uuid),
    /// A buy request's or sell offer's attachments (drawings, specifications).
    Listing(Uuid),
    /// A quote's attachments (price lists, drawings).
    Quote(Uuid),
    /// A report's evidence files (screenshots, documents).
    Report(Uuid),
    /// An IP notice's evidence files (registration certificates, photos of the infringing use).
    TakedownNotice(Uuid),
}

impl Target {
    pub(crate) fn parts(self) -> (&'static str, Uuid) {
        match self {
            Target::Product(id) => ("product", id),
            Target::CompanyLogo(id) => ("company_logo", id),
            Target::CompanyBanner(id) => ("company_banner", id),
            Target::CompanyLicence(id) => ("company_licence", id),
            Target::InquiryMessage(id) => ("inquiry_message", id),
            Target::Listing(id) => ("listing", id),
            Target::Quote(id) => ("quote", id),
            Target::Report(id) => ("report", id),
            Target::TakedownNotice(id) => ("takedown_notice", id),
        }
    }

    pub(crate) fn from_parts(kind: &str, id: Uuid) -> Option<Target> {
        Some(match kind {
            "product" => Target::Product(id),
            "company_logo" => Target::CompanyLogo(id),
            "company_banner" => Target::CompanyBanner(id),
            "company_licence" => Target::CompanyLicence(id),
            "inquiry_message" => Target::InquiryMessage(id),
            "listing" => Target::Listing(id),
            "quote" => Target::Quote(id),
            "report" => Target::Report(id),
            "takedown_notice" => Target::TakedownNotice(id),
            _ => return None,
        })
    }

    /// The purpose an upload must have been made for to go here.
    pub fn purpose(self) -> Purpose {
        match self {
            Target::Product(_) => Purpose::ProductImage,
            Target::CompanyLogo(_) => Purpose::CompanyLogo,
            Target::CompanyBanner(_) => Purpose::CompanyBanner,
            Target::CompanyLicence(_) => Purpose::LicenceScan,
            Target::InquiryMessage(_)
            | Target::Listing(_)
            | Target::Quote(_)
            | Target::Report(_)
            | Target::TakedownNotice(_) => Purpose::Attachment,
        }
    }
}

/// Attaches `ids` to `target` (their order is the target's own business). Each must exist, be
/// uploaded for the target's purpose, and by `actor` or a member of `company` (the company the
/// target belongs to, when it belongs to one). Problems are field errors on `field[i]`. Call it
/// inside the transaction that writes the target.
pub fn attach(
    conn: &mut DbConnection,
    actor: Uuid,
    company: Option<Uuid>,
    target: Target,
    field: &str,
    ids: &[Uuid],
) -> Result<(), MediaError> {
    let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let found = by_id(conn, &wanted)?;
    let mut members: HashMap<Uuid, bool> = HashMap::new();
    let mut errors = Vec::new();
    for (i, id) in wanted.iter().enumerate() {
        let name = format!("{field}[{i}]");
        let Some(m) = found.get(id) else {
            errors.push(FieldError::new(name, "unknown_media", "no such upload"));
            continue;
        };
        let own = m.owner_id == actor
            || match company {
                None => false,
                Some(c) => match members.get(&m.owner_id) {
                    Some(is) => *is,
                    None => {
                        let is = crate::membership::role_in(conn, c, m.owner_id)?.is_some();
                        members.insert(m.owner_id, is);
                        is
                    }
                },
            };
        if !own {
            // Someone else's upload is reported as unknown: ids of others are not confirmed.
            errors.push(FieldError::new(name, "unknown_media", "no such upload"));
        } else if m.purpose != target.purpose() {
            errors.push(FieldError::new(
                name,
                "wrong_purpose",
                format!(
                    "was uploaded as {}, not {}",
                    m.purpose.as_str(),
                    target.purpose().as_str()
                ),
            ));
        } else if wanted[..i].contains(id) {
            errors.push(FieldError::new(name, "duplicate", "is listed twice"));
        }
    }
    if !errors.is_empty() {
        return Err(MediaError::Validation(errors));
    }
    let (kind, target_id) = target.parts();
    let now = crate::clock::now();
    // Links are only added here: a change request's new images are linked while the live
    // version still shows the old ones (reads check the live version, see `media_access::readability`).
    for (position, id) in wanted.iter().enumerate() {
        let exists: i64 = media_links::table
            .filter(media_links::media_id.eq(id))
            .filter(media_links::target_type.eq(kind))
            .filter(media_links::target_id.eq(target_id.to_string()))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(media_links::table)
                .values((
                    media_links::media_id.eq(id),
                    media_links::target_type.eq(kind),
                    media_links::target_id.eq(target_id.to_string()),
                    media_links::position.eq(position as i32),
                    media_links::created_at.eq(now),
                ))
                .execute(conn)?;
            crate::db::note_change(conn);
        }
    }
    Ok(())
}

/// Removes every link of `target` (its media become orphans unless linked elsewhere).
pub fn detach_all(conn: &mut DbConnection, target: Target) -> QueryResult<()> {
    let (kind, target_id) = target.parts();
    diesel::delete(
        media_links::table
            .filter(media_links::target_type.eq(kind))
            .filter(media_links::target_id.eq(target_id.to_string())),
    )
    .execute(conn)?;
    crate::db::note_change(conn);
    Ok(())
}

/// The media of `target`, in their order.
pub fn attached_to(conn: &mut DbConnection, target: Target) -> Result<Vec<Media>, MediaError> {
    let (kind, target_id) = target.parts();
    Ok(media_links::table
        .inner_join(media::table)
        .filter(media_links::target_type.eq(kind))
        .filter(media_links::target_id.eq(target_id.to_string()))
        .order(media_links::position.asc())
        .select(MediaRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Media::from)
        .collect())
}

/// The media records of `ids` that exist, in the order given (for rendering reads).
pub fn media_in_order(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<Media>, MediaError> {
    let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut found = by_id(conn, &wanted)?;
    Ok(wanted.iter().filter_map(|id| found.remove(id)).collect())
}

fn by_id(conn: &mut DbConnection, ids: &[String]) -> QueryResult<HashMap<String, Media>> {
    Ok(media::table
        .filter(media::id.eq_any(ids))
        .select(MediaRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| (r.id.clone(), Media::from(r)))
        .collect())
}
