use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use uuid::Uuid;

use super::RatingError;
use super::model::{Rating, RatingRow, RatingStatus};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::db::DbConnection;
use crate::db::schema::{ratings, users};
use crate::error::FieldError;
use crate::paging::{Page, PageRequest};

/// The published ratings of a company that count (each buyer's latest) in figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingSummary {
    pub count: i32,
    /// Plain average of the stars; `None` without ratings.
    pub average: Option<f64>,
    /// The Bayesian average the credit formula uses (`credit::bayesian_rating`).
    pub bayesian_average: f64,
}

/// Ratings with `status` (of `company`, when given), newest first, with the raters' names.
fn page_of(
    conn: &mut DbConnection,
    status: RatingStatus,
    company: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Page<Rating>> {
    let mut query = ratings::table
        .inner_join(users::table.on(users::id.eq(ratings::rater_id)))
        .filter(ratings::status.eq(status.as_str()))
        .into_boxed();
    if let Some(company) = company {
        query = query.filter(ratings::company_id.eq(company.to_string()));
    }
    if let Some(after) = &page.after {
        query = query.filter(ratings::id.lt(after.clone()));
    }
    let rows: Vec<(RatingRow, String)> = query
        .order(ratings::id.desc())
        .limit(page.limit + 1)
        .select((RatingRow::as_select(), users::display_name))
        .load(conn)?;
    let mut items: Vec<Rating> = rows
        .into_iter()
        .map(|(row, name)| row.into_rating(&name))
        .collect();
    mark_counted(conn, &mut items)?;
    Ok(page.page(items, |r| r.id.to_string()))
}

/// Sets `counts` on published ratings: only each rater's latest of a company counts.
pub(crate) fn mark_counted(conn: &mut DbConnection, items: &mut [Rating]) -> QueryResult<()> {
    let mut counted: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for r in items.iter_mut() {
        if r.status != RatingStatus::Published {
            r.counts = false;
            continue;
        }
        let ids = match counted.entry(r.company_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                crate::credit::counted_ratings(conn, r.company_id)?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect(),
            ),
        };
        r.counts = ids.contains(&r.id.to_string());
    }
    Ok(())
}

/// A company's published ratings, newest first, with their summary; for anyone who may see
/// the company.
pub fn list_company_ratings(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
    page: &PageRequest,
) -> Result<(RatingSummary, Page<Rating>), RatingError> {
    crate::company::get_company(conn, actor, company_id).map_err(|e| match e {
        crate::company::CompanyError::Database(e) => RatingError::Database(e),
        _ => RatingError::CompanyNotFound,
    })?;
    let summary = company_summary(conn, company_id)?;
    let items = page_of(conn, RatingStatus::Published, Some(company_id), page)?;
    Ok((summary, items))
}

/// A company's published ratings, newest first (the caller has checked the company is one the
/// reader may see).
pub fn published_of_company(
    conn: &mut DbConnection,
    company_id: Uuid,
    page: &PageRequest,
) -> Result<Page<Rating>, RatingError> {
    Ok(page_of(
        conn,
        RatingStatus::Published,
        Some(company_id),
        page,
    )?)
}

/// The count and averages of a company's counted ratings (the caller has checked the company
/// is one the reader may see).
pub fn company_summary(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> Result<RatingSummary, RatingError> {
    let counted = crate::credit::counted_ratings(conn, company_id)?;
    let count = counted.len() as i32;
    let sum: i32 = counted.iter().map(|(_, stars)| stars).sum();
    Ok(RatingSummary {
        count,
        average: (count > 0).then(|| f64::from(sum) / f64::from(count)),
        bayesian_average: crate::credit::bayesian_rating(count, sum),
    })
}

/// Operators: ratings by status (held ones wait for a decision), newest first.
pub fn list_ratings_for_review(
    conn: &mut DbConnection,
    actor: &Actor,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Rating>, RatingError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(RatingError::Forbidden);
    }
    // Exact, as the document's enum says; blank is the default.
    let status = match status.filter(|s| !s.is_empty()) {
        None => RatingStatus::Held,
        Some(s) => RatingStatus::parse(s).ok_or_else(|| {
            RatingError::Validation(vec![FieldError::new(
                "status",
                "invalid_choice",
                format!("must be one of: {}", RatingStatus::names()),
            )])
        })?,
    };
    Ok(page_of(conn, status, None, page)?)
}
