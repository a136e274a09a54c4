//! The credit profile (信用评价) of a company: its score, every input of the published formula
//! and what each term contributed (docs/credit.md).

use actix_web::{HttpResponse, get, web};
use domain::credit::{self, Contributions, CreditProfile};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::responses::Unauthorized;
use crate::auth::MaybeUser;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

/// The formula's inputs as stored with the score.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditComponentsView {
    /// Verified, not suspended, licence not expired.
    pub verified: bool,
    pub days_on_platform: i32,
    /// Percent over the last 30 days; `null` without data (the formula then assumes 50 %).
    pub response_rate_pct: Option<i32>,
    /// Published ratings and the sum of their stars.
    pub rating_count: i32,
    pub rating_sum: i32,
    /// `(5 × 3.5 + rating_sum) / (5 + rating_count)`.
    pub rating_bayesian_average: f64,
    /// Reports about the company or its items upheld in the last 365 days.
    pub upheld_complaints: i32,
    pub active_penalty_points: i32,
}

/// What each term of the formula added (deductions negative), before the 0–100 clamp.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditContributionsView {
    pub verification: f64,
    pub tenure: f64,
    pub response: f64,
    pub ratings: f64,
    pub complaints: f64,
    pub penalties: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreditView {
    pub company_id: Uuid,
    /// 0–100, one decimal.
    #[schema(example = 60.5)]
    pub score: f64,
    /// The version of the formula that computed `score` (docs/credit.md).
    pub formula_version: i32,
    pub components: CreditComponentsView,
    pub contributions: CreditContributionsView,
    /// `none`, `warn`, `restrict` or `suspend`: where the active penalty points put the company.
    pub penalty_level: String,
    /// When the inputs were last computed.
    #[serde(with = "time::serde::rfc3339")]
    pub computed_at: OffsetDateTime,
}

/// Rounds a contribution to 4 decimals for display (the score is computed unrounded).
fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl From<CreditProfile> for CreditView {
    fn from(p: CreditProfile) -> CreditView {
        let c = p.components;
        let t = Contributions::of(&c);
        CreditView {
            company_id: p.company_id,
            score: f64::from(p.score) / 10.0,
            formula_version: p.formula_version,
            components: CreditComponentsView {
                verified: c.verified,
                days_on_platform: c.days_on_platform,
                response_rate_pct: c.response_rate_pct,
                rating_count: c.rating_count,
                rating_sum: c.rating_sum,
                rating_bayesian_average: r4(credit::bayesian_rating(c.rating_count, c.rating_sum)),
                upheld_complaints: c.upheld_complaints,
                active_penalty_points: c.active_points,
            },
            contributions: CreditContributionsView {
                verification: r4(t.verification),
                tenure: r4(t.tenure),
                response: r4(t.response),
                ratings: r4(t.ratings),
                complaints: r4(t.complaints),
                penalties: r4(t.penalties),
            },
            penalty_level: p.penalty_level.as_str().into(),
            computed_at: utc(p.computed_at),
        }
    }
}

/// A company's credit profile: score, formula version and every input.
///
/// A company's credit profile: score, formula version and every input, so anyone can
/// recompute it (docs/credit.md). Visible to whoever may see the company.
#[utoipa::path(security((), ("bearer" = [])), tag = "credit", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The credit profile with every input of its score", body = CreditView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/credit")]
pub async fn get_credit(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let profile = state
        .db(move |conn| credit::get_credit(conn, user.0.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(CreditView::from(profile)))
}
