use diesel::prelude::*;
use uuid::Uuid;

use super::RatingError;
use super::model::{Rating, RatingRow, RatingSource, RatingStatus};
use crate::access::{Actor, CompanyAction, InquiryAction, QuoteAction, may_on_company};
use crate::clock::now;
use crate::company::{find_company, role_in};
use crate::db::schema::{ratings, users};
use crate::db::{self, DbConnection, unique_violation_on};
use crate::ids::new_id;
use crate::inquiry::{InquiryError, InquiryStatus};
use crate::quote::{QuoteError, QuoteStatus};
use crate::validate::Validator;

pub const MAX_COMMENT_CHARS: usize = 2000;
pub const MAX_REPLY_CHARS: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct RatingInput {
    /// 1 to 5.
    pub stars: i32,
    pub comment: Option<String>,
}

struct ValidRating {
    stars: i32,
    comment: String,
}

impl RatingInput {
    fn validate(self) -> Result<ValidRating, RatingError> {
        let mut v = Validator::new();
        v.check(
            (1..=5).contains(&self.stars),
            "stars",
            "out_of_range",
            "must be between 1 and 5",
        );
        let comment = v
            .opt_multiline("comment", self.comment.as_deref(), MAX_COMMENT_CHARS)
            .unwrap_or_default();
        v.finish().map_err(RatingError::Validation)?;
        Ok(ValidRating {
            stars: self.stars,
            comment,
        })
    }
}

pub(crate) fn display_name(conn: &mut DbConnection, user_id: &str) -> QueryResult<String> {
    Ok(users::table
        .find(user_id)
        .select(users::display_name)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_default())
}

pub(crate) fn load_row(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<RatingRow>> {
    ratings::table
        .find(id.to_string())
        .select(RatingRow::as_select())
        .first(conn)
        .optional()
}

pub(crate) fn to_rating(conn: &mut DbConnection, row: RatingRow) -> QueryResult<Rating> {
    let name = display_name(conn, &row.rater_id)?;
    let mut rating = [row.into_rating(&name)];
    super::list::mark_counted(conn, &mut rating)?;
    let [rating] = rating;
    Ok(rating)
}

/// The buyer of an inquiry thread rates the company it is with (404 for whoever may not see
/// the thread, 403 for its other parties; not a thread the company marked as spam).
pub fn rate_inquiry(
    conn: &mut DbConnection,
    actor: &Actor,
    inquiry_id: Uuid,
    input: RatingInput,
) -> Result<Rating, RatingError> {
    let valid = input.validate()?;
    db::transaction(conn, |conn| {
        let opened = crate::inquiry::open_thread(conn, actor, inquiry_id, InquiryAction::Rate)
            .map_err(|e| match e {
                InquiryError::NotFound => RatingError::InquiryNotFound,
                InquiryError::Database(e) => RatingError::Database(e),
                _ => RatingError::Forbidden,
            })?;
        if opened.inquiry.status == InquiryStatus::Spam {
            return Err(RatingError::NotRateable(
                "the company marked the thread as spam",
            ));
        }
        create(
            conn,
            actor,
            opened.inquiry.company_id,
            RatingSource::Inquiry,
            inquiry_id,
            valid,
        )
    })
}

/// The buyer who accepted a quote rates the quoting company (404 for whoever may not see the
/// quote, 403 for the quoting company and operators; only an accepted quote).
pub fn rate_quote(
    conn: &mut DbConnection,
    actor: &Actor,
    quote_id: Uuid,
    input: RatingInput,
) -> Result<Rating, RatingError> {
    let valid = input.validate()?;
    db::transaction(conn, |conn| {
        let ctx = crate::quote::quote_for(conn, actor, quote_id, QuoteAction::Rate).map_err(
            |e| match e {
                QuoteError::NotFound => RatingError::QuoteNotFound,
                QuoteError::Database(e) => RatingError::Database(e),
                _ => RatingError::Forbidden,
            },
        )?;
        if ctx.quote.status != QuoteStatus::Accepted {
            return Err(RatingError::NotRateable(
                "only a quote you accepted can be rated",
            ));
        }
        create(
            conn,
            actor,
            ctx.quote.company_id,
            RatingSource::Quote,
            quote_id,
            valid,
        )
    })
}

/// Writes the rating once per source: screened (a blocking hit refuses it, a review hit holds
/// it), and counted in the credit profile when published.
fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    source: RatingSource,
    source_id: Uuid,
    valid: ValidRating,
) -> Result<Rating, RatingError> {
    let company = find_company(conn, company_id).map_err(|e| match e {
        crate::company::CompanyError::Database(e) => RatingError::Database(e),
        _ => RatingError::CompanyNotFound,
    })?;
    if !company.is_public() {
        return Err(RatingError::NotRateable("the company is not active"));
    }
    let taken: i64 = ratings::table
        .filter(ratings::source_type.eq(source.as_str()))
        .filter(ratings::source_id.eq(source_id.to_string()))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RatingError::AlreadyRated(source.as_str()));
    }
    let verdict = crate::screening::screen(conn, &[("comment", &valid.comment)])?;
    if verdict.blocked() {
        return Err(RatingError::Blocked(verdict.block_errors()));
    }
    let status = if verdict.needs_review() {
        RatingStatus::Held
    } else {
        RatingStatus::Published
    };
    let row = RatingRow {
        id: new_id().to_string(),
        company_id: company_id.to_string(),
        rater_id: actor.user_id.to_string(),
        source_type: source.as_str().to_owned(),
        source_id: source_id.to_string(),
        stars: valid.stars,
        comment: valid.comment,
        status: status.as_str().to_owned(),
        moderation_note: None,
        moderated_by: None,
        moderated_at: None,
        reply: None,
        replied_by: None,
        replied_at: None,
        created_at: now(),
    };
    diesel::insert_into(ratings::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| {
            if unique_violation_on(&e, "ratings", "source_id") {
                RatingError::AlreadyRated(source.as_str())
            } else {
                RatingError::Database(e)
            }
        })?;
    crate::screening::record(conn, "rating", &row.id, &verdict)?;
    if status == RatingStatus::Published {
        crate::credit::recompute_in_tx(conn, company_id)?;
    }
    Ok(to_rating(conn, row)?)
}

/// Whether the actor may see a rating: published ones are public; held and rejected ones are
/// the rater's and the operators'.
pub(crate) fn may_see(actor: Option<&Actor>, row: &RatingRow) -> bool {
    row.status == RatingStatus::Published.as_str()
        || actor.is_some_and(|a| a.is_operator() || a.user_id.to_string() == row.rater_id)
}

/// The company's owners and admins answer a published rating, once; the reply is screened as
/// the company's profile is (a blocking hit refuses it; other hits are recorded).
pub fn reply_to_rating(
    conn: &mut DbConnection,
    actor: &Actor,
    rating_id: Uuid,
    reply: &str,
) -> Result<Rating, RatingError> {
    let mut v = Validator::new();
    let reply = v.multiline("reply", reply, 1, MAX_REPLY_CHARS);
    v.finish().map_err(RatingError::Validation)?;
    db::transaction(conn, |conn| {
        let row = load_row(conn, rating_id)?.ok_or(RatingError::NotFound)?;
        if !may_see(Some(actor), &row) {
            return Err(RatingError::NotFound);
        }
        let company_id = crate::ids::parse_db_id(&row.company_id);
        let role = role_in(conn, company_id, actor.user_id)?;
        if !may_on_company(actor, role, CompanyAction::ReplyToRatings) {
            return Err(RatingError::Forbidden);
        }
        if row.status != RatingStatus::Published.as_str() {
            return Err(RatingError::InvalidTransition {
                action: "reply to",
                status: RatingStatus::parse(&row.status)
                    .unwrap_or(RatingStatus::Held)
                    .as_str(),
            });
        }
        if row.reply.is_some() {
            return Err(RatingError::AlreadyReplied);
        }
        let verdict = crate::screening::screen(conn, &[("reply", &reply)])?;
        if verdict.blocked() {
            return Err(RatingError::Blocked(verdict.block_errors()));
        }
        let at = now();
        let claimed = diesel::update(
            ratings::table
                .find(&row.id)
                .filter(ratings::reply.is_null()),
        )
        .set((
            ratings::reply.eq(&reply),
            ratings::replied_by.eq(actor.user_id.to_string()),
            ratings::replied_at.eq(at),
        ))
        .execute(conn)?;
        if claimed == 0 {
            return Err(RatingError::AlreadyReplied);
        }
        crate::screening::record(conn, "rating_reply", &row.id, &verdict)?;
        let row = load_row(conn, rating_id)?.ok_or(RatingError::NotFound)?;
        Ok(to_rating(conn, row)?)
    })
}
