//! Turning recorded leads into e-mail jobs: instant ones as soon as they are recorded (up to a
//! daily cap per recipient, after which they wait for the daily digest), digests once their
//! window (UTC day, ISO week) has closed. Everything a recipient gets in one message is
//! decided in one transaction with the job that carries it.

use std::collections::BTreeMap;

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::compose::{self, LeadGroup, LeadItem, LeadMessage, LeadWindow};
use super::consent::{preferences_in_tx, record_event, save_preferences, verified_contact};
use super::model::{
    ConsentSource, Frequency, LeadConsent, MailSettings, Preferences, Subscription,
    SubscriptionKind, SubscriptionRow,
};
use super::strings::strings;
use crate::clock::now;
use crate::db::schema::{email_jobs, email_suppressions, lead_matches, subscriptions};
use crate::db::{self, DbConnection};
use crate::email::{LinkPurpose, LinkToken, enqueue_with_id, sign_link};
use crate::ids::{new_id, parse_db_id};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_matches)]
struct MatchRow {
    id: String,
    user_id: String,
    subscription_id: Option<String>,
    item_type: String,
    item_id: String,
    matched_at: PrimitiveDateTime,
}

fn start_of_day(t: PrimitiveDateTime) -> PrimitiveDateTime {
    PrimitiveDateTime::new(t.date(), Time::MIDNIGHT)
}

fn start_of_week(t: PrimitiveDateTime) -> PrimitiveDateTime {
    let back = t.weekday().number_days_from_monday();
    PrimitiveDateTime::new(
        t.date() - time::Duration::days(i64::from(back)),
        Time::MIDNIGHT,
    )
}

fn week_label(d: Date) -> String {
    let (year, week, _) = d.to_iso_week_date();
    format!("{year}-W{week:02}")
}

fn drop_matches(conn: &mut DbConnection, ids: &[String], reason: &str) -> QueryResult<()> {
    for chunk in ids.chunks(500) {
        diesel::update(lead_matches::table.filter(lead_matches::id.eq_any(chunk)))
            .set((
                lead_matches::status.eq("dropped"),
                lead_matches::drop_reason.eq(reason),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn suppressed(conn: &mut DbConnection, address: &str) -> QueryResult<bool> {
    let n: i64 = email_suppressions::table
        .find(address.to_lowercase())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The item as the e-mail shows it, or `None` when it is no longer public (hidden, closed,
/// its company suspended): such leads are dropped before sending.
fn lead_item(
    conn: &mut DbConnection,
    settings: &MailSettings,
    prefs: &Preferences,
    item_type: &str,
    item_id: Uuid,
) -> QueryResult<Option<(LeadItem, String)>> {
    let s = strings(prefs.language);
    let base = settings.public_url.trim_end_matches('/');
    let zh = prefs.language == super::model::Language::Zh;
    // Links open the site's pages in the recipient's language (`/zh/product/{id}` …).
    let page = format!("{base}/{}", prefs.language.as_str());
    match item_type {
        "product" => {
            let Some(d) = crate::catalog::product_search_doc(conn, item_id)? else {
                return Ok(None);
            };
            let p = &d.product;
            let title = match (&p.title_zh, &p.title_en) {
                (Some(z), _) if zh => z.clone(),
                (_, Some(e)) => e.clone(),
                (Some(z), None) => z.clone(),
                (None, None) => String::new(),
            };
            let price = match (p.price_min_minor, p.price_max_minor, &p.currency) {
                (Some(min), Some(max), Some(c)) if min == max => {
                    format!("{c} {}", crate::catalog::format_minor(min, c))
                }
                (Some(min), Some(max), Some(c)) => format!(
                    "{c} {}–{}",
                    crate::catalog::format_minor(min, c),
                    crate::catalog::format_minor(max, c)
                ),
                _ => s.price_on_request.to_owned(),
            };
            let company = if zh {
                d.company.legal_name.clone()
            } else {
                d.company
                    .english_name
                    .clone()
                    .unwrap_or_else(|| d.company.legal_name.clone())
            };
            Ok(Some((
                LeadItem {
                    title,
                    company,
                    verified: d.company.is_verified(),
                    detail: format!("{price} · {} {} {}", s.moq, p.moq, p.unit),
                    url: format!("{page}/product/{}", p.id),
                    // The first picture is the cover; image entries from before uploads
                    // (URLs, not media ids) have no thumbnail.
                    image_url: p
                        .images
                        .first()
                        .and_then(|id| Uuid::parse_str(id).ok())
                        .map(|id| format!("{base}/api/v1/media/{id}/thumbnail")),
                },
                d.company.id.to_string(),
            )))
        }
        _ => {
            let Some(d) = crate::listing::listing_search_doc(conn, item_id)? else {
                return Ok(None);
            };
            let l = &d.listing;
            if !l.is_live(now()) {
                return Ok(None);
            }
            let company = d
                .company
                .as_ref()
                .map(|c| {
                    if zh {
                        c.legal_name.clone()
                    } else {
                        c.english_name
                            .clone()
                            .unwrap_or_else(|| c.legal_name.clone())
                    }
                })
                .unwrap_or_default();
            let price = match (l.price_minor, &l.currency) {
                (Some(m), Some(c)) => format!("{c} {}", crate::catalog::format_minor(m, c)),
                _ => s.price_on_request.to_owned(),
            };
            Ok(Some((
                LeadItem {
                    title: l.title.clone(),
                    company,
                    verified: d.company.as_ref().is_some_and(|c| c.is_verified()),
                    detail: format!("{price} · {} {} {}", s.quantity, l.quantity, l.unit),
                    url: match l.kind {
                        crate::listing::ListingKind::Buy => format!("{page}/buy-requests/{}", l.id),
                        crate::listing::ListingKind::Sell => format!("{page}/sell-offers/{}", l.id),
                    },
                    // A listing's files are attachments (drawings, PDFs), not a cover picture.
                    image_url: None,
                },
                l.company_id.map(|c| c.to_string()).unwrap_or_default(),
            )))
        }
    }
}

fn heading(prefs: &Preferences, sub: Option<&Subscription>) -> String {
    let s = strings(prefs.language);
    let Some(sub) = sub else {
        return s.lead_intro.to_owned();
    };
    let template = match sub.kind {
        SubscriptionKind::Search => s.matched_search,
        SubscriptionKind::Supplier => s.matched_supplier,
        SubscriptionKind::Category => s.matched_category,
        SubscriptionKind::BuyRequest => s.matched_buy_request,
        SubscriptionKind::BuyLeads => s.matched_buy_leads,
    };
    template.replace("{name}", &sub.name)
}

/// What happened to one recipient's pending leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(Uuid),
    Repermission(Uuid),
    Dropped(&'static str),
    Nothing,
}

/// Composes one message for one recipient from their pending matches (inside the caller's
/// transaction), applying consent, suppression, engagement and visibility on the way.
fn compose_for_recipient(
    conn: &mut DbConnection,
    settings: &MailSettings,
    key: &[u8],
    user_id: Uuid,
    rows: &[MatchRow],
    window: LeadWindow,
    dedupe_key: Option<String>,
) -> QueryResult<Outcome> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut prefs = preferences_in_tx(conn, user_id)?;
    if prefs.lead_consent != LeadConsent::Confirmed {
        drop_matches(conn, &ids, "no_consent")?;
        return Ok(Outcome::Dropped("no_consent"));
    }
    let Some((address, name)) = verified_contact(conn, user_id).optional()? else {
        drop_matches(conn, &ids, "unverified")?;
        return Ok(Outcome::Dropped("unverified"));
    };
    if suppressed(conn, &address)? {
        drop_matches(conn, &ids, "suppressed")?;
        return Ok(Outcome::Dropped("suppressed"));
    }
    let at = now();
    if let Some(asked) = prefs.repermission_sent_at {
        if at - asked >= time::Duration::days(settings.repermission_grace_days) {
            prefs.lead_consent = LeadConsent::PausedUnengaged;
            save_preferences(conn, &prefs)?;
            record_event(
                conn,
                user_id,
                "paused_unengaged",
                "no_engagement",
                &ConsentSource::default(),
            )?;
            drop_matches(conn, &ids, "paused_unengaged")?;
            return Ok(Outcome::Dropped("paused_unengaged"));
        }
        drop_matches(conn, &ids, "awaiting_repermission")?;
        return Ok(Outcome::Dropped("awaiting_repermission"));
    }
    if prefs.unengaged_sends >= settings.unengaged_after_sends {
        prefs.repermission_sent_at = Some(at);
        save_preferences(conn, &prefs)?;
        record_event(
            conn,
            user_id,
            "repermission_requested",
            "no_engagement",
            &ConsentSource::default(),
        )?;
        let token = sign_link(
            key,
            &LinkToken {
                purpose: LinkPurpose::ConfirmConsent,
                user_id,
                job_id: None,
                data: Some(((at.assume_utc().unix_timestamp_nanos() / 1000) as i64).to_string()),
                expires_at: Some(
                    (at + time::Duration::days(settings.repermission_grace_days))
                        .assume_utc()
                        .unix_timestamp(),
                ),
            },
        );
        let job_id = new_id();
        let email = compose::repermission(settings, &prefs, &address, &name, &token, key, job_id);
        enqueue_with_id(conn, job_id, email, &settings.message_id_host)?;
        drop_matches(conn, &ids, "awaiting_repermission")?;
        return Ok(Outcome::Repermission(job_id));
    }
    // Group the items by the subscription that found them, in the order they matched.
    let sub_ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r.subscription_id.clone())
        .collect();
    let subs: BTreeMap<String, Subscription> = subscriptions::table
        .filter(subscriptions::id.eq_any(&sub_ids))
        .select(SubscriptionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| (r.id.clone(), Subscription::from(r)))
        .collect();
    let mut groups: Vec<(Option<String>, LeadGroup)> = Vec::new();
    let mut sent_ids = Vec::new();
    let mut hidden = Vec::new();
    for r in rows {
        match lead_item(
            conn,
            settings,
            &prefs,
            &r.item_type,
            parse_db_id(&r.item_id),
        )? {
            None => hidden.push(r.id.clone()),
            Some((item, _)) => {
                let sub = r.subscription_id.as_ref().and_then(|s| subs.get(s));
                match groups.iter_mut().find(|(k, _)| *k == r.subscription_id) {
                    Some((_, g)) => g.items.push(item),
                    None => groups.push((
                        r.subscription_id.clone(),
                        LeadGroup {
                            heading: heading(&prefs, sub),
                            items: vec![item],
                        },
                    )),
                }
                sent_ids.push(r.id.clone());
            }
        }
    }
    drop_matches(conn, &hidden, "not_public")?;
    if sent_ids.is_empty() {
        return Ok(Outcome::Dropped("not_public"));
    }
    let job_id = new_id();
    let mut email = compose::lead_email(LeadMessage {
        settings,
        prefs: &prefs,
        address: &address,
        name: &name,
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        window,
        key,
        job_id,
    });
    email.dedupe_key = dedupe_key;
    if enqueue_with_id(conn, job_id, email, &settings.message_id_host)?.is_none() {
        // This window's digest already went out (a replay): these leads were in it or are late.
        drop_matches(conn, &sent_ids, "window_closed")?;
        return Ok(Outcome::Nothing);
    }
    for chunk in sent_ids.chunks(500) {
        diesel::update(lead_matches::table.filter(lead_matches::id.eq_any(chunk)))
            .set((
                lead_matches::status.eq("sent"),
                lead_matches::email_job_id.eq(job_id.to_string()),
                lead_matches::sent_at.eq(at),
            ))
            .execute(conn)?;
    }
    // The mail worker counts unengaged sends when the message is actually sent.
    Ok(Outcome::Sent(job_id))
}

fn pending(
    conn: &mut DbConnection,
    frequency: Frequency,
    before: Option<PrimitiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    let mut q = lead_matches::table
        .filter(lead_matches::status.eq("pending"))
        .filter(lead_matches::frequency.eq(frequency.as_str()))
        .order((lead_matches::user_id.asc(), lead_matches::matched_at.asc()))
        .limit(limit)
        .select(MatchRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(lead_matches::matched_at.lt(before));
    }
    q.load(conn)
}

fn by_user(rows: Vec<MatchRow>) -> BTreeMap<String, Vec<MatchRow>> {
    let mut out: BTreeMap<String, Vec<MatchRow>> = BTreeMap::new();
    for r in rows {
        out.entry(r.user_id.clone()).or_default().push(r);
    }
    out
}

/// Still pending (another process may have sent them since they were read).
fn still_pending(conn: &mut DbConnection, rows: Vec<MatchRow>) -> QueryResult<Vec<MatchRow>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let live: std::collections::HashSet<String> = lead_matches::table
        .filter(lead_matches::id.eq_any(&ids))
        .filter(lead_matches::status.eq("pending"))
        .select(lead_matches::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    Ok(rows.into_iter().filter(|r| live.contains(&r.id)).collect())
}

/// Sends every recipient's pending instant leads as one message each, within the daily cap;
/// over the cap they move to the daily digest. Returns the jobs written.
pub fn send_instant(conn: &mut DbConnection, settings: &MailSettings) -> QueryResult<Vec<Uuid>> {
    let key = crate::email::link_key(conn)?;
    let mut jobs = Vec::new();
    let rows = pending(conn, Frequency::Instant, None, 5000)?;
    for (user, rows) in by_user(rows) {
        let outcome = db::transaction(conn, |conn| -> QueryResult<Outcome> {
            let rows = still_pending(conn, rows)?;
            if rows.is_empty() {
                return Ok(Outcome::Nothing);
            }
            let today = start_of_day(now());
            let sent_today: i64 = email_jobs::table
                .filter(email_jobs::user_id.eq(&user))
                .filter(email_jobs::kind.eq("lead_instant"))
                .filter(email_jobs::created_at.ge(today))
                .count()
                .get_result(conn)?;
            if sent_today >= settings.instant_daily_cap {
                let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
                for chunk in ids.chunks(500) {
                    diesel::update(lead_matches::table.filter(lead_matches::id.eq_any(chunk)))
                        .set(lead_matches::frequency.eq(Frequency::Daily.as_str()))
                        .execute(conn)?;
                }
                return Ok(Outcome::Dropped("capped"));
            }
            compose_for_recipient(
                conn,
                settings,
                &key,
                parse_db_id(&user),
                &rows,
                LeadWindow::Instant,
                None,
            )
        })?;
        if let Outcome::Sent(id) | Outcome::Repermission(id) = outcome {
            jobs.push(id);
        }
    }
    Ok(jobs)
}

/// Sends the digests whose window has closed: one per recipient and window.
pub fn send_due_digests(
    conn: &mut DbConnection,
    settings: &MailSettings,
) -> QueryResult<Vec<Uuid>> {
    let key = crate::email::link_key(conn)?;
    let mut jobs = Vec::new();
    let at = now();
    for (frequency, before) in [
        (Frequency::Daily, start_of_day(at)),
        (Frequency::Weekly, start_of_week(at)),
    ] {
        let rows = pending(conn, frequency, Some(before), 5000)?;
        for (user, rows) in by_user(rows) {
            let mut windows: BTreeMap<String, Vec<MatchRow>> = BTreeMap::new();
            for r in rows {
                let label = match frequency {
                    Frequency::Weekly => week_label(r.matched_at.date()),
                    _ => r.matched_at.date().to_string(),
                };
                windows.entry(label).or_default().push(r);
            }
            for (label, rows) in windows {
                let window = match frequency {
                    Frequency::Weekly => LeadWindow::Weekly(label.clone()),
                    _ => LeadWindow::Daily(label.clone()),
                };
                let dedupe = format!("digest:{}:{user}:{label}", frequency.as_str());
                let outcome = db::transaction(conn, |conn| -> QueryResult<Outcome> {
                    let rows = still_pending(conn, rows)?;
                    if rows.is_empty() {
                        return Ok(Outcome::Nothing);
                    }
                    compose_for_recipient(
                        conn,
                        settings,
                        &key,
                        parse_db_id(&user),
                        &rows,
                        window,
                        Some(dedupe),
                    )
                })?;
                if let Outcome::Sent(id) | Outcome::Repermission(id) = outcome {
                    jobs.push(id);
                }
            }
        }
    }
    Ok(jobs)
}
