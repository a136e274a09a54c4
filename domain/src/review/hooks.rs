//! Where the rest of the domain tells the queue what happened, always inside the transaction
//! of the change itself. Products and listings call in from their one write path
//! (`save_product`, `save_listing`), so no product or listing write can leave the queue behind:
//! an item is open exactly while the row is `pending_review`, and a change request stays open
//! only while its item is live.
//!
//! The hooks take what the queue needs as plain values (`SavedItem`, `WaitingCompany`,
//! `ReportState`), so the queue knows nothing of the areas that call it.

use diesel::prelude::*;

use super::change::{reopen_pending, withdraw_open};
use super::model::{ItemStatus, Outcome, ReviewKind};
use super::queue::{Waiting, close_open, ensure_open, reports_changed, rescreened};
use crate::db::DbConnection;
use crate::db::schema::{companies, listings, products, review_items};

/// A product or listing as written, in the queue's terms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SavedItem<'a> {
    pub id: &'a str,
    pub status: &'a str,
    /// `false` once the item was deleted.
    pub live: bool,
    pub company_id: Option<&'a str>,
    /// The account that posted it (listings).
    pub owner_id: Option<&'a str>,
    pub category_id: &'a str,
    pub title: &'a str,
    pub changes_requested: bool,
    pub review_note: Option<&'a str>,
}

/// A company as written, for its verification review.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitingCompany<'a> {
    pub id: &'a str,
    pub verification_status: &'a str,
    pub suspended: bool,
    pub legal_name: &'a str,
}

/// A report as filed or resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportState<'a> {
    pub id: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub reason: &'a str,
    pub reporter_id: &'a str,
    pub status: &'a str,
    pub resolution_note: Option<&'a str>,
}

/// How a review ended when the row left `pending_review` outside the queue's own decisions.
fn outcome_of(status: &str, changes_requested: bool) -> Outcome {
    match status {
        "published" | "open" => Outcome::Approved,
        "rejected" => Outcome::Rejected,
        "draft" if changes_requested => Outcome::ChangesRequested,
        _ => Outcome::Withdrawn,
    }
}

/// Every product write.
pub(crate) fn product_saved(conn: &mut DbConnection, row: &SavedItem) -> QueryResult<()> {
    let live = row.live;
    if live && row.status == "pending_review" {
        ensure_open(
            conn,
            &Waiting {
                kind: ReviewKind::Product,
                subject_id: row.id,
                target_type: "product",
                target_id: row.id,
                company_id: row.company_id,
                owner_id: None,
                category_id: Some(row.category_id),
                title: row.title,
            },
        )?;
    } else {
        let outcome = if live {
            outcome_of(row.status, row.changes_requested)
        } else {
            Outcome::Withdrawn
        };
        // The operator's reason, which the product keeps.
        let note = (outcome != Outcome::Withdrawn)
            .then_some(row.review_note)
            .flatten();
        close_open(conn, ReviewKind::Product, row.id, outcome, note)?;
    }
    if !(live && row.status == "published") {
        withdraw_open(conn, "product", row.id)?;
    }
    Ok(())
}

pub(crate) fn listing_kind(kind: &str) -> ReviewKind {
    if kind == "sell" {
        ReviewKind::SellOffer
    } else {
        ReviewKind::BuyRequest
    }
}

/// Every listing write.
pub(crate) fn listing_saved(
    conn: &mut DbConnection,
    kind: ReviewKind,
    row: &SavedItem,
) -> QueryResult<()> {
    if row.status == "pending_review" {
        ensure_open(
            conn,
            &Waiting {
                kind,
                subject_id: row.id,
                target_type: "listing",
                target_id: row.id,
                company_id: row.company_id,
                owner_id: row.owner_id,
                category_id: Some(row.category_id),
                title: row.title,
            },
        )?;
    } else {
        let outcome = outcome_of(row.status, row.changes_requested);
        let note = (outcome != Outcome::Withdrawn)
            .then_some(row.review_note)
            .flatten();
        close_open(conn, kind, row.id, outcome, note)?;
    }
    if row.status != "open" {
        withdraw_open(conn, "listing", row.id)?;
    }
    Ok(())
}

/// A company waits for verification: created, sent back to verification by a licence change,
/// or edited by its owner after changes were requested (resubmission).
pub(crate) fn company_waiting(conn: &mut DbConnection, row: &WaitingCompany) -> QueryResult<()> {
    if row.verification_status != "pending" || row.suspended {
        return Ok(());
    }
    ensure_open(
        conn,
        &Waiting {
            kind: ReviewKind::Company,
            subject_id: row.id,
            target_type: "company",
            target_id: row.id,
            company_id: Some(row.id),
            owner_id: None,
            category_id: None,
            title: row.legal_name,
        },
    )
}

/// An operator changed the company's status (outside the queue, or the queue's own decision,
/// which already closed its item): the verification review ends; a suspension takes everything
/// of the company out of the queue and reinstatement puts back what still waits.
pub(crate) fn company_status_changed(
    conn: &mut DbConnection,
    company_id: &str,
    action: &str,
) -> QueryResult<()> {
    let outcome = match action {
        "verify" => Outcome::Approved,
        "reject" => Outcome::Rejected,
        "request_changes" => Outcome::ChangesRequested,
        "suspend" => return company_down(conn, company_id, "the company was suspended"),
        "reinstate" => return company_back(conn, company_id),
        _ => Outcome::Withdrawn,
    };
    close_open(conn, ReviewKind::Company, company_id, outcome, None)
}

/// The company left every public endpoint (suspended, terminated, or it closed its account):
/// its open queue items — verification, products, sell offers and its members' buy requests,
/// change requests — close as `company_inactive` with `note`, so operators do not review what
/// nobody can see. The items themselves keep their state (a product stays `pending_review`), so
/// reinstatement can put them back. Reports stay open: the reporter is owed an answer, and an
/// upheld report still counts against the company.
pub(crate) fn company_down(
    conn: &mut DbConnection,
    company_id: &str,
    note: &str,
) -> QueryResult<()> {
    let company_listings = listings::table
        .filter(listings::company_id.eq(company_id))
        .select(listings::id);
    diesel::update(
        review_items::table
            .filter(review_items::status.eq(ItemStatus::Open.as_str()))
            .filter(review_items::kind.ne(ReviewKind::Report.as_str()))
            .filter(
                review_items::company_id
                    .eq(company_id)
                    .or(review_items::target_type
                        .eq("listing")
                        .and(review_items::target_id.eq_any(company_listings))
                        .nullable()),
            ),
    )
    .set((
        review_items::status.eq(ItemStatus::Closed.as_str()),
        review_items::outcome.eq(Outcome::CompanyInactive.as_str()),
        review_items::note.eq(note),
        review_items::closed_at.eq(crate::clock::now()),
        review_items::claimed_by.eq(None::<String>),
        review_items::claimed_until.eq(None::<time::PrimitiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// The company is back (reinstated, or its suspension or termination reversed on appeal): what
/// still waits enters the queue again as new episodes — its verification if pending, products
/// and listings still `pending_review`, pending change requests.
pub(crate) fn company_back(conn: &mut DbConnection, company_id: &str) -> QueryResult<()> {
    let Some((id, verification_status, suspended_at, legal_name)) = companies::table
        .find(company_id)
        .select((
            companies::id,
            companies::verification_status,
            companies::suspended_at,
            companies::legal_name,
        ))
        .first::<(String, String, Option<time::PrimitiveDateTime>, String)>(conn)
        .optional()?
    else {
        return Ok(());
    };
    if suspended_at.is_some() {
        return Ok(());
    }
    company_waiting(
        conn,
        &WaitingCompany {
            id: &id,
            verification_status: &verification_status,
            suspended: false,
            legal_name: &legal_name,
        },
    )?;
    type Waits = (String, String, Option<String>, Option<String>);
    let waiting_products: Vec<Waits> = products::table
        .filter(products::company_id.eq(company_id))
        .filter(products::status.eq("pending_review"))
        .filter(products::deleted_at.is_null())
        .select((
            products::id,
            products::category_id,
            products::title_zh,
            products::title_en,
        ))
        .load(conn)?;
    for (id, category_id, zh, en) in &waiting_products {
        ensure_open(
            conn,
            &Waiting {
                kind: ReviewKind::Product,
                subject_id: id,
                target_type: "product",
                target_id: id,
                company_id: Some(company_id),
                owner_id: None,
                category_id: Some(category_id),
                title: zh.as_deref().or(en.as_deref()).unwrap_or(""),
            },
        )?;
        withdraw_open(conn, "product", id)?;
    }
    let waiting_listings: Vec<(String, String, String, String, String)> = listings::table
        .filter(listings::company_id.eq(company_id))
        .filter(listings::status.eq("pending_review"))
        .select((
            listings::id,
            listings::kind,
            listings::owner_id,
            listings::category_id,
            listings::title,
        ))
        .load(conn)?;
    for (id, kind, owner_id, category_id, title) in &waiting_listings {
        ensure_open(
            conn,
            &Waiting {
                kind: listing_kind(kind),
                subject_id: id,
                target_type: "listing",
                target_id: id,
                company_id: Some(company_id),
                owner_id: Some(owner_id),
                category_id: Some(category_id),
                title,
            },
        )?;
        withdraw_open(conn, "listing", id)?;
    }
    reopen_pending(conn, company_id)
}

/// What a report is about, for the queue: its company, category and a title.
fn report_target(
    conn: &mut DbConnection,
    row: &ReportState,
) -> QueryResult<(Option<String>, Option<String>, String)> {
    let reason = row.reason;
    Ok(match row.subject_type {
        "product" => {
            let p: Option<(String, String, Option<String>, Option<String>)> = products::table
                .find(row.subject_id)
                .select((
                    products::company_id,
                    products::category_id,
                    products::title_zh,
                    products::title_en,
                ))
                .first(conn)
                .optional()?;
            match p {
                Some((company, category, zh, en)) => (
                    Some(company),
                    Some(category),
                    format!("{reason}: {}", zh.or(en).unwrap_or_default()),
                ),
                None => (None, None, format!("{reason}: product")),
            }
        }
        "listing" => {
            let l: Option<(Option<String>, String, String)> = listings::table
                .find(row.subject_id)
                .select((listings::company_id, listings::category_id, listings::title))
                .first(conn)
                .optional()?;
            match l {
                Some((company, category, title)) => {
                    (company, Some(category), format!("{reason}: {title}"))
                }
                None => (None, None, format!("{reason}: listing")),
            }
        }
        "company" => {
            let name: Option<String> = companies::table
                .find(row.subject_id)
                .select(companies::legal_name)
                .first(conn)
                .optional()?;
            (
                Some(row.subject_id.to_owned()),
                None,
                format!("{reason}: {}", name.unwrap_or_default()),
            )
        }
        _ => (None, None, format!("{reason}: message")),
    })
}

/// A report was filed: it waits for an operator, and the items about its subject get riskier.
pub(crate) fn report_filed(conn: &mut DbConnection, row: &ReportState) -> QueryResult<()> {
    let (company, category, title) = report_target(conn, row)?;
    ensure_open(
        conn,
        &Waiting {
            kind: ReviewKind::Report,
            subject_id: row.id,
            target_type: row.subject_type,
            target_id: row.subject_id,
            company_id: company.as_deref(),
            owner_id: Some(row.reporter_id),
            category_id: category.as_deref(),
            title: &title,
        },
    )?;
    reports_changed(conn, row.subject_type, row.subject_id)
}

/// A report was resolved (upheld is an approval of the report, dismissed a rejection).
pub(crate) fn report_resolved(conn: &mut DbConnection, row: &ReportState) -> QueryResult<()> {
    let outcome = if row.status == "upheld" {
        Outcome::Approved
    } else {
        Outcome::Rejected
    };
    close_open(
        conn,
        ReviewKind::Report,
        row.id,
        outcome,
        row.resolution_note,
    )?;
    reports_changed(conn, row.subject_type, row.subject_id)
}

/// A screening outcome was stored for an item.
pub(crate) fn screened(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<()> {
    rescreened(conn, subject_type, subject_id)
}
