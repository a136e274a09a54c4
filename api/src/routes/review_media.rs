//! The pictures and files of a review item, for the operator deciding it: what is attached to
//! the reviewed item now (a report's evidence too) and what a change request proposes. Here,
//! above both areas, because `review` knows nothing of the areas it reviews, nor of media.

use domain::db::DbConnection;
use domain::media::{Media, MediaError, Target, attached_to, media_in_order};
use domain::review::ReviewItemDetail;
use uuid::Uuid;

/// The fields of a change request that hold media ids (a list or one id).
const MEDIA_FIELDS: &[&str] = &[
    "images",
    "attachments",
    "logo_id",
    "banner_id",
    "licence_scan_id",
];

fn targets(detail: &ReviewItemDetail) -> Vec<Target> {
    let item = &detail.item;
    let id = item.target_id;
    let mut targets = match item.target_type.as_str() {
        "product" => vec![Target::Product(id)],
        "listing" => vec![Target::Listing(id)],
        "company" => vec![
            Target::CompanyLogo(id),
            Target::CompanyBanner(id),
            Target::CompanyLicence(id),
        ],
        "message" => vec![Target::InquiryMessage(id)],
        _ => vec![],
    };
    if item.kind == domain::review::ReviewKind::Report {
        targets.push(Target::Report(item.subject_id));
    }
    targets
}

/// The media ids a change request proposes, in the order of its fields.
fn proposed(detail: &ReviewItemDetail) -> Vec<Uuid> {
    let Some(change) = &detail.change_request else {
        return Vec::new();
    };
    change
        .changes
        .iter()
        .filter(|c| MEDIA_FIELDS.contains(&c.field.as_str()))
        .flat_map(|c| match &c.to {
            serde_json::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
        .collect()
}

/// Attached media first, then proposed ones not attached yet; each once.
pub fn review_media(
    conn: &mut DbConnection,
    detail: &ReviewItemDetail,
) -> Result<Vec<Media>, MediaError> {
    let mut media: Vec<Media> = Vec::new();
    for target in targets(detail) {
        media.extend(attached_to(conn, target)?);
    }
    let new: Vec<Uuid> = proposed(detail)
        .into_iter()
        .filter(|id| !media.iter().any(|m| m.id == *id))
        .collect();
    media.extend(media_in_order(conn, &new)?);
    let mut seen = std::collections::HashSet::new();
    media.retain(|m| seen.insert(m.id));
    Ok(media)
}
