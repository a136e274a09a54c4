//! Lead alerts (商机邮件): e-mail that tells a subscriber about new leads, i.e. products, sell
//! offers and buy requests matching what they follow. Subscriptions, consent (double opt-in,
//! one-click unsubscribe, the consent record), recording the matches the search crate's matcher
//! finds, and composing instant messages and digests into e-mail jobs. Not the supplier's CRM
//! leads (`lead`). The message composer and its templates also serve the account e-mails
//! (`account::mail`) and the e-mails notifications ask for (`notification_mail`). Sending is
//! the api crate's mail worker's.

mod compose;
mod consent;
mod delivery;
mod error;
mod matched_webhook;
mod matches;
mod model;
mod notification_mail;
mod notification_text;
mod reach;
mod strings;
mod subscription;

pub(crate) use compose::{AccountMessage, account_email, site_link};
pub use compose::{LeadGroup, LeadItem, LeadWindow};
pub(crate) use consent::preferences_in_tx;
pub use consent::{
    ConsentEvent, confirm_consent, consent_history, get_preferences, preferences_link_owner,
    request_consent, unsubscribe_by_link, update_preferences, withdraw_consent,
};
pub use delivery::{Outcome, send_due_digests, send_instant};
pub use error::LeadMailError;
pub use matches::{NewMatch, claim_step, consumer_position, record_matches};
pub use model::{
    ConsentSource, Frequency, Language, LeadConsent, MailSettings, Preferences, SavedSearch,
    Subscription, SubscriptionKind, SubscriptionStatus,
};
pub use notification_mail::{NOTIFICATION_CONSUMER, mail_notifications};
pub use reach::{CompanyReach, ItemReach, company_reach};
pub use subscription::{
    MAX_SUBSCRIPTIONS, NewSubscription, SubscriptionChanges, active_subscriptions_after,
    buy_lead_subscriptions_of, create_subscription, delete_subscription, get_subscription,
    list_subscriptions, preferences_of, subscribe_buy_request, subscriptions_by_ids,
    update_subscription,
};
