//! Subscriptions: what a recipient wants to hear about. Every change is an outbox event so the
//! matcher's in-memory subscription index follows the database.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::LeadMailError;
use super::consent::{preferences_in_tx, request_consent_in_tx};
use super::model::{
    ConsentSource, Frequency, MailSettings, Preferences, SavedSearch, Subscription,
    SubscriptionKind, SubscriptionRow, SubscriptionStatus,
};
use crate::access::Actor;
use crate::clock::now;
use crate::db::schema::{categories, subscriptions};
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::outbox::{self, topic};
use crate::paging::{Page, PageRequest};
use crate::validate::Validator;

/// Subscriptions per account.
pub const MAX_SUBSCRIPTIONS: i64 = 50;

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub kind: SubscriptionKind,
    pub name: Option<String>,
    pub query: SavedSearch,
    pub target_id: Option<String>,
    pub frequency: Frequency,
}

#[derive(Debug, Clone, Default)]
pub struct SubscriptionChanges {
    pub name: Option<String>,
    pub query: Option<SavedSearch>,
    pub frequency: Option<Frequency>,
    pub status: Option<SubscriptionStatus>,
}

fn emit_changed(conn: &mut DbConnection, id: &str, change: &str) -> QueryResult<()> {
    outbox::emit(
        conn,
        topic::SUBSCRIPTION_CHANGED,
        crate::ids::parse_db_id(id),
        json!({ "change": change }),
    )
}

fn category_name(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    categories::table
        .find(id)
        .select(categories::name_zh)
        .first(conn)
        .optional()
}

/// Checks the target and returns the subscription's default name.
fn check_target(
    conn: &mut DbConnection,
    actor: &Actor,
    s: &NewSubscription,
    v: &mut Validator,
) -> Result<(Option<String>, String), LeadMailError> {
    match s.kind {
        SubscriptionKind::Search => {
            if s.query.q.is_empty() && s.query.category.is_none() && s.query.region.is_none() {
                v.push(
                    "query.q",
                    "required",
                    "a saved search needs words, a category or a region",
                );
            }
            let name = if s.query.q.is_empty() {
                s.query.category.clone().unwrap_or_default()
            } else {
                s.query.q.clone()
            };
            Ok((None, name))
        }
        SubscriptionKind::Supplier => {
            let Some(target) = s.target_id.as_deref().and_then(|t| Uuid::parse_str(t).ok()) else {
                v.push(
                    "target_id",
                    "required",
                    "must be the id of the company to follow",
                );
                return Ok((None, String::new()));
            };
            match crate::company::find_company(conn, target) {
                Ok(c) if c.is_public() => Ok((Some(c.id.to_string()), c.legal_name)),
                _ => {
                    v.push("target_id", "not_found", "no such company");
                    Ok((None, String::new()))
                }
            }
        }
        SubscriptionKind::Category => {
            let target = s.target_id.clone().unwrap_or_default();
            match category_name(conn, &target)? {
                Some(name) => Ok((Some(target), name)),
                None => {
                    v.push("target_id", "not_found", "no such category");
                    Ok((None, String::new()))
                }
            }
        }
        SubscriptionKind::BuyLeads => match crate::company::membership_of(conn, actor.user_id)? {
            Some((company, _)) => Ok((Some(company.to_string()), "求购商机 Buy leads".into())),
            None => Err(LeadMailError::Forbidden),
        },
        SubscriptionKind::BuyRequest => {
            v.push(
                "kind",
                "invalid_choice",
                "buy_request subscriptions are made automatically for a buy request's owner",
            );
            Ok((None, String::new()))
        }
    }
}

/// Subscribes the actor. Without confirmed consent this also sends the double opt-in e-mail
/// (in the same transaction); nothing is mailed until it is confirmed.
pub fn create_subscription(
    conn: &mut DbConnection,
    actor: &Actor,
    s: NewSubscription,
    settings: &MailSettings,
    source: &ConsentSource,
) -> Result<(Subscription, Preferences), LeadMailError> {
    if actor.is_operator() {
        return Err(LeadMailError::Forbidden);
    }
    let mut v = Validator::new();
    let name = v.opt_text("name", s.name.as_deref(), 100);
    let (target, default_name) = check_target(conn, actor, &s, &mut v)?;
    v.finish().map_err(LeadMailError::Validation)?;
    db::transaction(conn, |conn| {
        let count: i64 = subscriptions::table
            .filter(subscriptions::user_id.eq(actor.user_id.to_string()))
            .count()
            .get_result(conn)?;
        if count >= MAX_SUBSCRIPTIONS {
            return Err(LeadMailError::TooMany);
        }
        let at = now();
        let row = SubscriptionRow {
            id: new_id().to_string(),
            user_id: actor.user_id.to_string(),
            kind: s.kind.as_str().to_owned(),
            name: name.unwrap_or_else(|| default_name.chars().take(100).collect()),
            query: serde_json::to_string(&s.query).unwrap_or_else(|_| "{}".into()),
            target_id: target,
            frequency: s.frequency.as_str().to_owned(),
            status: SubscriptionStatus::Active.as_str().to_owned(),
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(subscriptions::table)
            .values(&row)
            .execute(conn)?;
        emit_changed(conn, &row.id, "created")?;
        let prefs = request_consent_in_tx(conn, actor.user_id, settings, source, "subscription")?;
        Ok((Subscription::from(row), prefs))
    })
}

/// Subscribes a buy request's owner to products and sell offers like it; call it in the
/// transaction that opens the request. Mail goes out only once the owner has confirmed consent.
pub fn subscribe_buy_request(
    conn: &mut DbConnection,
    owner: Uuid,
    listing_id: Uuid,
    title: &str,
    category_id: &str,
) -> QueryResult<()> {
    let existing: i64 = subscriptions::table
        .filter(subscriptions::kind.eq(SubscriptionKind::BuyRequest.as_str()))
        .filter(subscriptions::target_id.eq(listing_id.to_string()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let at = now();
    let query = SavedSearch {
        q: title.chars().take(200).collect(),
        category: Some(category_id.to_owned()),
        ..SavedSearch::default()
    };
    let row = SubscriptionRow {
        id: new_id().to_string(),
        user_id: owner.to_string(),
        kind: SubscriptionKind::BuyRequest.as_str().to_owned(),
        name: title.chars().take(100).collect(),
        query: serde_json::to_string(&query).unwrap_or_else(|_| "{}".into()),
        target_id: Some(listing_id.to_string()),
        frequency: Frequency::Daily.as_str().to_owned(),
        status: SubscriptionStatus::Active.as_str().to_owned(),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(subscriptions::table)
        .values(&row)
        .execute(conn)?;
    emit_changed(conn, &row.id, "created")
}

fn own_row(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<SubscriptionRow, LeadMailError> {
    subscriptions::table
        .find(id.to_string())
        .filter(subscriptions::user_id.eq(actor.user_id.to_string()))
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(LeadMailError::NotFound)
}

pub fn get_subscription(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Subscription, LeadMailError> {
    Ok(own_row(conn, actor, id)?.into())
}

pub fn list_subscriptions(
    conn: &mut DbConnection,
    actor: &Actor,
    page: &PageRequest,
) -> Result<Page<Subscription>, LeadMailError> {
    let mut query = subscriptions::table
        .filter(subscriptions::user_id.eq(actor.user_id.to_string()))
        .order(subscriptions::id.desc())
        .limit(page.limit + 1)
        .select(SubscriptionRow::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(subscriptions::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    let page = page.page(rows, |r| r.id.clone());
    Ok(Page {
        items: page.items.into_iter().map(Subscription::from).collect(),
        next_cursor: page.next_cursor,
    })
}

pub fn update_subscription(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    changes: SubscriptionChanges,
) -> Result<Subscription, LeadMailError> {
    db::transaction(conn, |conn| {
        let mut row = own_row(conn, actor, id)?;
        let mut v = Validator::new();
        if let Some(name) = changes.name.as_deref() {
            row.name = v.text("name", name, 1, 100);
        }
        if let Some(query) = &changes.query {
            if row.kind != SubscriptionKind::Search.as_str() {
                v.push("query", "not_allowed", "only a saved search has a query");
            } else if query.q.is_empty() && query.category.is_none() && query.region.is_none() {
                v.push(
                    "query.q",
                    "required",
                    "a saved search needs words, a category or a region",
                );
            }
            row.query = serde_json::to_string(query).unwrap_or_else(|_| "{}".into());
        }
        v.finish().map_err(LeadMailError::Validation)?;
        if let Some(f) = changes.frequency {
            row.frequency = f.as_str().to_owned();
        }
        if let Some(s) = changes.status {
            row.status = s.as_str().to_owned();
        }
        row.updated_at = now();
        diesel::update(subscriptions::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        emit_changed(conn, &row.id, "updated")?;
        Ok(Subscription::from(row))
    })
}

pub fn delete_subscription(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(), LeadMailError> {
    db::transaction(conn, |conn| {
        let row = own_row(conn, actor, id)?;
        diesel::delete(subscriptions::table.find(&row.id)).execute(conn)?;
        emit_changed(conn, &row.id, "deleted")?;
        Ok(())
    })
}

/// Active subscriptions after `after_id` in id order, for building the matcher's index.
pub fn active_subscriptions_after(
    conn: &mut DbConnection,
    after_id: &str,
    limit: i64,
) -> QueryResult<Vec<Subscription>> {
    let rows: Vec<SubscriptionRow> = subscriptions::table
        .filter(subscriptions::status.eq(SubscriptionStatus::Active.as_str()))
        .filter(subscriptions::id.gt(after_id))
        .order(subscriptions::id.asc())
        .limit(limit)
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Subscription::from).collect())
}

/// The current state of the given subscriptions (missing ones were deleted).
pub fn subscriptions_by_ids(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<Subscription>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<SubscriptionRow> = subscriptions::table
            .filter(subscriptions::id.eq_any(chunk))
            .select(SubscriptionRow::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(Subscription::from));
    }
    Ok(out)
}

/// The `buy_leads` subscriptions of one company's members (the matcher refreshes them when the
/// company's products change, because the products are what they match on).
pub fn buy_lead_subscriptions_of(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<Vec<Subscription>> {
    let rows: Vec<SubscriptionRow> = subscriptions::table
        .filter(subscriptions::kind.eq(SubscriptionKind::BuyLeads.as_str()))
        .filter(subscriptions::target_id.eq(company_id.to_string()))
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Subscription::from).collect())
}

/// Reads the recipient's preferences (for views that show consent next to subscriptions).
pub fn preferences_of(conn: &mut DbConnection, user_id: Uuid) -> QueryResult<Preferences> {
    preferences_in_tx(conn, user_id)
}
