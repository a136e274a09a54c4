//! Who may read an uploaded file. It sits above `media` and the areas media is attached to
//! (products, companies, inquiry threads, listings, quotes, reports, IP notices), because the
//! answer is theirs: `media` itself is below them, as they attach files through it.

use diesel::prelude::*;
use uuid::Uuid;

use crate::access::{Actor, CompanyAction, may_on_company};
use crate::db::DbConnection;
use crate::db::schema::media_links;
use crate::ids::parse_db_id;
use crate::media::{Media, MediaError, Target};

/// How a media item may be served to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readability {
    /// To anyone, cacheable by anyone: an image of something the public sees.
    Public,
    /// To this reader only, not cached by shared caches.
    Private,
    /// Not at all; the reader is told it does not exist.
    Hidden,
}

/// Whether `actor` (anonymous when `None`) may read `media`. Public: an image of a product the
/// public sees (and still among its images), or the logo or banner of a public company. Private:
/// the uploader; for product images and company media, the company's members and operators; for
/// inquiry attachments, the thread's participants and operators; for listing attachments, any
/// signed-in account while the listing is public, and always its owner, its company's members
/// and operators; for quote attachments, those who may read the quote (the quoting company's
/// members, the buy request's owner and operators); for a report's evidence, its filer and
/// operators (the reported company never sees who reported it, nor with what); for an IP
/// notice's evidence, whoever may read the case (the notifier and operators, the item's owner
/// side once it is served).
pub fn readability(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    media: &Media,
) -> Result<Readability, MediaError> {
    let links: Vec<(String, String)> = media_links::table
        .filter(media_links::media_id.eq(media.id.to_string()))
        .select((media_links::target_type, media_links::target_id))
        .load(conn)?;
    let mut private = actor.is_some_and(|a| a.user_id == media.owner_id);
    for (kind, id) in links {
        let Some(target) = Target::from_parts(&kind, parse_db_id(&id)) else {
            continue;
        };
        match link_readability(conn, actor, media, target)? {
            Readability::Public if !media.purpose.is_private() => return Ok(Readability::Public),
            Readability::Hidden => {}
            _ => private = true,
        }
    }
    Ok(if private {
        Readability::Private
    } else {
        Readability::Hidden
    })
}

fn link_readability(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    media: &Media,
    target: Target,
) -> Result<Readability, MediaError> {
    match target {
        Target::Product(product_id) => {
            if let Ok(p) = crate::catalog::get_product(conn, None, product_id)
                && p.images.contains(&media.id.to_string())
            {
                return Ok(Readability::Public);
            }
            Ok(match actor {
                Some(a) if crate::catalog::get_product(conn, Some(a), product_id).is_ok() => {
                    Readability::Private
                }
                _ => Readability::Hidden,
            })
        }
        Target::CompanyLogo(company_id) | Target::CompanyBanner(company_id) => {
            let Ok(company) = crate::company::find_company(conn, company_id) else {
                return Ok(Readability::Hidden);
            };
            let current = match target {
                Target::CompanyLogo(_) => company.logo_id.as_deref(),
                _ => company.banner_id.as_deref(),
            };
            if company.is_public() && current == Some(media.id.to_string().as_str()) {
                return Ok(Readability::Public);
            }
            member_or_operator(conn, actor, company_id)
        }
        Target::CompanyLicence(company_id) => member_or_operator(conn, actor, company_id),
        Target::InquiryMessage(message_id) => {
            let Some(actor) = actor else {
                return Ok(Readability::Hidden);
            };
            Ok(
                if actor.is_operator() || may_read_message(conn, actor, message_id)? {
                    Readability::Private
                } else {
                    Readability::Hidden
                },
            )
        }
        Target::Listing(listing_id) => listing_readability(conn, actor, media, listing_id),
        Target::Report(report_id) => Ok(match actor {
            Some(a) if a.is_operator() || filed_report(conn, a, report_id)? => Readability::Private,
            _ => Readability::Hidden,
        }),
        Target::TakedownNotice(notice_id) => Ok(match actor {
            Some(a) if crate::takedown::get_case(conn, a, notice_id).is_ok() => {
                Readability::Private
            }
            _ => Readability::Hidden,
        }),
        Target::Quote(quote_id) => Ok(match actor {
            Some(a) if crate::quote::get_quote(conn, a, quote_id).is_ok() => Readability::Private,
            _ => Readability::Hidden,
        }),
    }
}

/// A listing's attachments are private files (never cached publicly), but a buy request's
/// drawings are what suppliers quote on: any signed-in account reads those of a listing the
/// public sees, as long as they are among its live attachments (a pending change's new files
/// are for its owner, its company and the reviewers). Anonymous readers get nothing.
fn listing_readability(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    media: &Media,
    listing_id: Uuid,
) -> Result<Readability, MediaError> {
    let Some(actor) = actor else {
        return Ok(Readability::Hidden);
    };
    let Ok(listing) = crate::listing::get_listing(conn, Some(actor), listing_id) else {
        return Ok(Readability::Hidden);
    };
    let live = listing.attachments.contains(&media.id.to_string());
    if actor.is_operator()
        || listing.owner_id == actor.user_id
        || (live && crate::listing::get_listing(conn, None, listing_id).is_ok())
    {
        return Ok(Readability::Private);
    }
    match listing.company_id {
        Some(company_id) => member_or_operator(conn, Some(actor), company_id),
        None => Ok(Readability::Hidden),
    }
}

fn member_or_operator(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
) -> Result<Readability, MediaError> {
    let Some(actor) = actor else {
        return Ok(Readability::Hidden);
    };
    let role = crate::membership::role_in(conn, company_id, actor.user_id)?;
    Ok(if may_on_company(actor, role, CompanyAction::ViewPrivate) {
        Readability::Private
    } else {
        Readability::Hidden
    })
}

/// Whether the actor may read the thread this message belongs to.
fn may_read_message(
    conn: &mut DbConnection,
    actor: &Actor,
    message_id: Uuid,
) -> Result<bool, MediaError> {
    use crate::db::schema::inquiry_messages;
    let inquiry: Option<String> = inquiry_messages::table
        .find(message_id.to_string())
        .select(inquiry_messages::inquiry_id)
        .first(conn)
        .optional()?;
    Ok(match inquiry {
        Some(id) => crate::inquiry::get_inquiry(conn, actor, parse_db_id(&id)).is_ok(),
        None => false,
    })
}

/// Whether the actor filed this report.
fn filed_report(
    conn: &mut DbConnection,
    actor: &Actor,
    report_id: Uuid,
) -> Result<bool, MediaError> {
    use crate::db::schema::reports;
    let filer: Option<String> = reports::table
        .find(report_id.to_string())
        .select(reports::reporter_id)
        .first(conn)
        .optional()?;
    Ok(filer.is_some_and(|f| parse_db_id(&f) == actor.user_id))
}
