use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::{email_preferences, subscriptions};
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum SubscriptionKind {
        /// A saved product search (q and filters as the search endpoint takes them).
        Search => "search",
        /// New products and sell offers of one company.
        Supplier => "supplier",
        /// New products and sell offers in a category (and its subcategories).
        Category => "category",
        /// Made automatically for a buy request's owner: products and sell offers like it.
        BuyRequest => "buy_request",
        /// For a supplier's member: new buy requests its company could answer.
        BuyLeads => "buy_leads",
    }
}

crate::text_enum! {
    pub enum Frequency {
        Instant => "instant",
        Daily => "daily",
        Weekly => "weekly",
    }
}

crate::text_enum! {
    pub enum SubscriptionStatus {
        Active => "active",
        Paused => "paused",
    }
}

crate::text_enum! {
    pub enum LeadConsent {
        /// Never asked.
        None => "none",
        /// A confirmation e-mail is out; nothing else is sent yet.
        Pending => "pending",
        Confirmed => "confirmed",
        /// Unsubscribed (link, account setting or complaint).
        Withdrawn => "withdrawn",
        /// No engagement after a re-permission request; confirming again resumes.
        PausedUnengaged => "paused_unengaged",
    }
}

crate::text_enum! {
    pub enum Language {
        Zh => "zh",
        En => "en",
    }
}

/// A saved search, normalized: prices in minor units of `currency`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SavedSearch {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moq_max: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl SavedSearch {
    /// Filters that only products have: a search with one of them matches no sell offer.
    pub fn has_product_only_filters(&self) -> bool {
        self.region.is_some()
            || self.verified.is_some()
            || self.company_type.is_some()
            || self.moq_max.is_some()
            || self.price_min.is_some()
            || self.price_max.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: SubscriptionKind,
    pub name: String,
    pub query: SavedSearch,
    /// The followed company, the category, the buy request, or the supplier's company.
    pub target_id: Option<String>,
    pub frequency: Frequency,
    pub status: SubscriptionStatus,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = subscriptions)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct SubscriptionRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub name: String,
    pub query: String,
    pub target_id: Option<String>,
    pub frequency: String,
    pub status: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<SubscriptionRow> for Subscription {
    fn from(r: SubscriptionRow) -> Subscription {
        Subscription {
            id: parse_db_id(&r.id),
            user_id: parse_db_id(&r.user_id),
            kind: from_db(&r.kind, SubscriptionKind::parse, SubscriptionKind::Search),
            name: r.name,
            query: serde_json::from_str(&r.query).unwrap_or_default(),
            target_id: r.target_id,
            frequency: from_db(&r.frequency, Frequency::parse, Frequency::Daily),
            status: from_db(
                &r.status,
                SubscriptionStatus::parse,
                SubscriptionStatus::Paused,
            ),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A recipient's e-mail settings (defaults when never set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub user_id: Uuid,
    pub language: Language,
    pub lead_consent: LeadConsent,
    pub consent_requested_at: Option<PrimitiveDateTime>,
    pub consent_confirmed_at: Option<PrimitiveDateTime>,
    pub consent_withdrawn_at: Option<PrimitiveDateTime>,
    pub tracking_enabled: bool,
    pub unengaged_sends: i32,
    pub repermission_sent_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = email_preferences)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct PreferencesRow {
    pub user_id: String,
    pub language: String,
    pub lead_consent: String,
    pub consent_requested_at: Option<PrimitiveDateTime>,
    pub consent_confirmed_at: Option<PrimitiveDateTime>,
    pub consent_withdrawn_at: Option<PrimitiveDateTime>,
    pub tracking_enabled: bool,
    pub unengaged_sends: i32,
    pub repermission_sent_at: Option<PrimitiveDateTime>,
    pub updated_at: PrimitiveDateTime,
}

impl From<PreferencesRow> for Preferences {
    fn from(r: PreferencesRow) -> Preferences {
        Preferences {
            user_id: parse_db_id(&r.user_id),
            language: from_db(&r.language, Language::parse, Language::Zh),
            lead_consent: from_db(&r.lead_consent, LeadConsent::parse, LeadConsent::None),
            consent_requested_at: r.consent_requested_at,
            consent_confirmed_at: r.consent_confirmed_at,
            consent_withdrawn_at: r.consent_withdrawn_at,
            tracking_enabled: r.tracking_enabled,
            unengaged_sends: r.unengaged_sends,
            repermission_sent_at: r.repermission_sent_at,
        }
    }
}

impl Preferences {
    pub(crate) fn to_row(&self) -> PreferencesRow {
        PreferencesRow {
            user_id: self.user_id.to_string(),
            language: self.language.as_str().to_owned(),
            lead_consent: self.lead_consent.as_str().to_owned(),
            consent_requested_at: self.consent_requested_at,
            consent_confirmed_at: self.consent_confirmed_at,
            consent_withdrawn_at: self.consent_withdrawn_at,
            tracking_enabled: self.tracking_enabled,
            unengaged_sends: self.unengaged_sends,
            repermission_sent_at: self.repermission_sent_at,
            updated_at: crate::clock::now(),
        }
    }
}

/// Where a consent step came from, for the consent record.
#[derive(Debug, Clone, Default)]
pub struct ConsentSource {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What links in mail point to and how messages are labelled; from configuration.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Base URL of the public API (links in mail).
    pub public_url: String,
    /// Host part of Message-IDs.
    pub message_id_host: String,
    /// Prefix promotional subjects with 广告/AD (China's rules for commercial e-mail).
    pub ad_prefix: bool,
    /// Instant lead e-mails per recipient per UTC day; later matches wait for the daily digest.
    pub instant_daily_cap: i64,
    /// Lead e-mails without an open or click before a re-permission request is sent.
    pub unengaged_after_sends: i32,
    /// Days after a re-permission request without engagement before lead mail pauses.
    pub repermission_grace_days: i64,
    /// How long a double opt-in link stays valid.
    pub consent_link_ttl_hours: i64,
    /// Only items first published this recently are sent as new leads.
    pub lead_max_age_days: i64,
}

impl Default for MailSettings {
    fn default() -> MailSettings {
        MailSettings {
            public_url: "http://127.0.0.1:8080".into(),
            message_id_host: "localhost".into(),
            ad_prefix: true,
            instant_daily_cap: 10,
            unengaged_after_sends: 10,
            repermission_grace_days: 14,
            consent_link_ttl_hours: 72,
            lead_max_age_days: 7,
        }
    }
}
