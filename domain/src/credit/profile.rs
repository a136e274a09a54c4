//! Computing, storing and reading the credit profile.
//!
//! It is recomputed in the transaction of each event that moves an input (verification and
//! status decisions, licence changes, ratings published or taken down, upheld reports, penalty
//! points) and periodically for what time moves (days on the platform, the response rate,
//! expiring points and complaints, expired licences). A change of score updates the copy on
//! the company with its `company.changed` outbox event, so the search index follows.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::CreditError;
use super::complaints::upheld_complaints;
use super::formula::{Components, FORMULA_VERSION, score_tenths};
use crate::access::Actor;
use crate::clock::now;
use crate::company::{Company, find_company};
use crate::db::schema::{companies, credit_profiles, ratings};
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::penalty::PenaltyLevel;

#[derive(Debug, Clone, PartialEq)]
pub struct CreditProfile {
    pub company_id: Uuid,
    pub formula_version: i32,
    /// Tenths of a point, 0–1000.
    pub score: i32,
    pub components: Components,
    pub penalty_level: PenaltyLevel,
    pub computed_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = credit_profiles, treat_none_as_null = true)]
struct ProfileRow {
    company_id: String,
    formula_version: i32,
    score: i32,
    verified: bool,
    days_on_platform: i32,
    response_rate_pct: Option<i32>,
    rating_count: i32,
    rating_sum: i32,
    upheld_complaints: i32,
    active_points: i32,
    penalty_level: String,
    computed_at: PrimitiveDateTime,
}

impl From<ProfileRow> for CreditProfile {
    fn from(r: ProfileRow) -> CreditProfile {
        CreditProfile {
            company_id: parse_db_id(&r.company_id),
            formula_version: r.formula_version,
            score: r.score,
            components: Components {
                verified: r.verified,
                days_on_platform: r.days_on_platform,
                response_rate_pct: r.response_rate_pct,
                rating_count: r.rating_count,
                rating_sum: r.rating_sum,
                upheld_complaints: r.upheld_complaints,
                active_points: r.active_points,
            },
            penalty_level: PenaltyLevel::parse(&r.penalty_level).unwrap_or(PenaltyLevel::None),
            computed_at: r.computed_at,
        }
    }
}

/// The ratings of a company that count, in the credit score and in the public average: of each
/// buyer's published ratings of the company only the latest (by `created_at`, then id), so
/// opening more threads with a supplier does not add weight. Returns `(id, stars)`, newest
/// first; the others stay visible as history.
pub fn counted_ratings(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<Vec<(String, i32)>> {
    let rows: Vec<(String, String, i32)> = ratings::table
        .filter(ratings::company_id.eq(company_id.to_string()))
        .filter(ratings::status.eq("published"))
        .order((ratings::created_at.desc(), ratings::id.desc()))
        .select((ratings::id, ratings::rater_id, ratings::stars))
        .load(conn)?;
    let mut raters = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|(_, rater, _)| raters.insert(rater.clone()))
        .map(|(id, _, stars)| (id, stars))
        .collect())
}

/// The formula's inputs for a company as of `at`.
fn components(
    conn: &mut DbConnection,
    company: &Company,
    at: PrimitiveDateTime,
) -> QueryResult<Components> {
    let stars: Vec<i32> = counted_ratings(conn, company.id)?
        .into_iter()
        .map(|(_, stars)| stars)
        .collect();
    Ok(Components {
        verified: company.is_verified() && !company.licence_expired(at),
        days_on_platform: (at - company.created_at).whole_days().max(0) as i32,
        response_rate_pct: company.response_rate_pct,
        rating_count: stars.len() as i32,
        rating_sum: stars.iter().sum(),
        upheld_complaints: upheld_complaints(conn, company.id, at)?,
        active_points: crate::penalty::active_points(conn, company.id, at)?,
    })
}

fn load(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Option<ProfileRow>> {
    credit_profiles::table
        .find(company_id.to_string())
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()
}

/// Recomputes and stores the company's profile now (keeping its penalty level), inside the
/// caller's transaction. The company's row is locked first, so two recomputations of one
/// company serialize on PostgreSQL (SQLite's write transactions already do).
pub(crate) fn recompute_in_tx(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<CreditProfile> {
    diesel::update(companies::table.find(company_id.to_string()))
        .set(companies::id.eq(companies::id))
        .execute(conn)?;
    let company = match find_company(conn, company_id) {
        Ok(c) => c,
        Err(crate::company::CompanyError::Database(e)) => return Err(e),
        Err(_) => return Err(diesel::result::Error::NotFound),
    };
    store(conn, &company, now()).map(|(profile, _)| profile)
}

/// Computes the profile at `at` and writes it when an input or the score changed (the stored
/// `computed_at` is when the inputs were last found different). Returns the profile and
/// whether anything was written.
fn store(
    conn: &mut DbConnection,
    company: &Company,
    at: PrimitiveDateTime,
) -> QueryResult<(CreditProfile, bool)> {
    let c = components(conn, company, at)?;
    let score = score_tenths(&c);
    let mut stored = load(conn, company.id)?;
    if stored.is_none() {
        // The first profile: lock the company row so a concurrent first insert waits for this
        // one (the periodic refresh does not lock otherwise), then look again.
        diesel::update(companies::table.find(company.id.to_string()))
            .set(companies::id.eq(companies::id))
            .execute(conn)?;
        stored = load(conn, company.id)?;
    }
    let level = stored
        .as_ref()
        .map(|r| r.penalty_level.clone())
        .unwrap_or_else(|| PenaltyLevel::None.as_str().to_owned());
    let row = ProfileRow {
        company_id: company.id.to_string(),
        formula_version: FORMULA_VERSION,
        score,
        verified: c.verified,
        days_on_platform: c.days_on_platform,
        response_rate_pct: c.response_rate_pct,
        rating_count: c.rating_count,
        rating_sum: c.rating_sum,
        upheld_complaints: c.upheld_complaints,
        active_points: c.active_points,
        penalty_level: level,
        computed_at: at,
    };
    let written = match &stored {
        Some(old) if same_inputs(old, &row) => false,
        Some(_) => {
            diesel::update(credit_profiles::table.find(&row.company_id))
                .set(&row)
                .execute(conn)?;
            true
        }
        None => {
            diesel::insert_into(credit_profiles::table)
                .values(&row)
                .execute(conn)?;
            true
        }
    };
    if company.credit_score != Some(score) {
        crate::company::modify_company(
            conn,
            company.id,
            json!({"change": "credit", "credit_score": score}),
            |c| c.credit_score = Some(score),
        )?;
    }
    let profile = match stored {
        Some(old) if !written => CreditProfile::from(old),
        _ => CreditProfile::from(row),
    };
    Ok((profile, written))
}

fn same_inputs(a: &ProfileRow, b: &ProfileRow) -> bool {
    a.formula_version == b.formula_version
        && a.score == b.score
        && a.verified == b.verified
        && a.days_on_platform == b.days_on_platform
        && a.response_rate_pct == b.response_rate_pct
        && a.rating_count == b.rating_count
        && a.rating_sum == b.rating_sum
        && a.upheld_complaints == b.upheld_complaints
        && a.active_points == b.active_points
}

/// A company's credit profile as stored (computed now, without storing, for a company that has
/// none yet). Anyone who may see the company may see its profile.
pub fn get_credit(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
) -> Result<CreditProfile, CreditError> {
    let company = crate::company::get_company(conn, actor, company_id)?;
    credit_of(conn, &company)
}

/// The profile of a company its caller has already loaded and may show (the supplier card of a
/// public page), without loading the company again.
pub fn credit_of(conn: &mut DbConnection, company: &Company) -> Result<CreditProfile, CreditError> {
    let company_id = company.id;
    if let Some(row) = load(conn, company_id)? {
        return Ok(CreditProfile::from(row));
    }
    let at = now();
    let c = components(conn, company, at)?;
    Ok(CreditProfile {
        company_id,
        formula_version: FORMULA_VERSION,
        score: score_tenths(&c),
        components: c,
        penalty_level: PenaltyLevel::None,
        computed_at: at,
    })
}

const BATCH: usize = 200;

/// Recomputes every company's profile (run periodically: time moves several inputs). One
/// transaction per batch; only changed profiles are written. Returns how many changed.
pub fn refresh_credit(conn: &mut DbConnection) -> QueryResult<usize> {
    let ids: Vec<String> = companies::table
        .select(companies::id)
        .order(companies::id.asc())
        .load(conn)?;
    let mut changed = 0;
    for chunk in ids.chunks(BATCH) {
        changed += db::transaction(conn, |conn| -> QueryResult<usize> {
            let at = now();
            let mut n = 0;
            for id in chunk {
                let Some(company) = crate::company::load_company(conn, parse_db_id(id))? else {
                    continue;
                };
                if store(conn, &company, at)?.1 {
                    n += 1;
                }
            }
            Ok(n)
        })?;
    }
    Ok(changed)
}
