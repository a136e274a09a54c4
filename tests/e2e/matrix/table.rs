//! The matrix itself: one row per route (and per target where the object's state matters), the
//! expected status for each actor.
//!
//! Rules the rows encode (derived from `domain/src/access.rs` and the services):
//! - reads of public things (health, keys, categories, a verified company, its storefront, a
//!   published product, its published list) are open to everyone;
//! - a draft of A exists only for A's members and operators: 404 to everyone else, for reads and
//!   writes alike; writes by outsiders to what they can see (A's profile, A's published product)
//!   are 403;
//! - A's owner, admin and staff all write products (create, edit, delete, publish, unpublish);
//!   PATCH company and member management are owners and admins only (staff 403); admins manage
//!   staff only (the `roles` scenario covers the non-staff targets);
//! - operators see everything (drafts, member lists) but write nothing of a company's own
//!   (profile, members, products: 403);
//! - operator routes: 401 anonymous, 403 for every other account, 200 for operators;
//! - the platform's rules are public in every version; operators publish them; each account
//!   reads what it accepted;
//! - creating a company is for suppliers in no company: buyers and operators 403, every
//!   supplier of this world already belongs to one (409 `already_in_company`);
//! - an inquiry thread (the world's buyer to A) exists only for the buyer, A's members and
//!   operators: 404 for B's owner on every thread route; operators read it but write nothing
//!   (403); any member writes, reads, closes and marks spam; owners and admins assign; the
//!   buyer writes, reads and closes but cannot mark spam or assign (403);
//! - sending inquiries is for buyers and suppliers (to another company: C), not operators;
//! - A's blocked buyers: members and operators see the list (404 to others); owners and admins
//!   block and unblock (403 to staff and to those who see A).
//! - lead e-mail: subscriptions, e-mail preferences and consent are each account's own (another
//!   account's subscription is 404); operators get no leads (403 on subscribing and opting in);
//!   the links in e-mails are signed and need no sign-in; A's lead reach is private to A;
//! - credit: A's credit profile and published ratings are public; its penalty history is its
//!   members' and the operators' (404 to others); only the buyer of a thread or of an accepted
//!   quote rates (404 for who cannot see it, 403 for its other parties); A's owners and admins
//!   reply to a published rating (403 to everyone else, who can see it).
//! - media: any signed-in account uploads; an image of a published product is public; a draft's
//!   images are its company's members' and the operators'; an upload attached to nothing is its
//!   uploader's alone (404 to everyone else, operators included).

use std::fmt;

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Buyer,
    OwnerA,
    AdminA,
    StaffA,
    OwnerB,
    Operator,
    /// A key of A made by A's owner with every scope: on a route that takes keys it answers
    /// as A's owner does; every other route refuses it (403).
    KeyA,
    /// A key of A with every scope but the one the row's route needs (every scope for a
    /// route that takes no keys): refused everywhere (403).
    KeyAWithoutScope,
}

/// The actors of the `expect` arrays.
pub const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::Buyer,
    Actor::OwnerA,
    Actor::AdminA,
    Actor::StaffA,
    Actor::OwnerB,
    Actor::Operator,
];

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Actor::Anonymous => "anonymous",
            Actor::Buyer => "buyer",
            Actor::OwnerA => "supplier A owner",
            Actor::AdminA => "supplier A admin",
            Actor::StaffA => "supplier A staff",
            Actor::OwnerB => "supplier B owner",
            Actor::Operator => "operator",
            Actor::KeyA => "key of A",
            Actor::KeyAWithoutScope => "key of A w/o scope",
        })
    }
}

/// The object a cell acts on; `Fresh…` targets are made anew for every cell, so one actor's
/// success never changes the next cell's expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Nothing,
    CompanyA,
    SlugA,
    PublishedA,
    DraftA,
    FreshPublishedA,
    FreshDraftA,
    /// A `pending_review` product of the world's unverified company C.
    FreshPendingReview,
    FreshPendingCompany,
    FreshSuspendedCompany,
    /// `{id}` = A, `{user_id}` = a staff member added by A's owner for this cell.
    FreshStaffOfA,
    /// A lead of A (the world's buyer as the buyer).
    FreshLeadA,
    /// A notification of the world's buyer.
    FreshNotificationOfBuyer,
    /// A screening rule made by the operator.
    FreshRule,
    /// An open report filed by the world's buyer.
    FreshReport,
    /// A new inquiry thread from the world's buyer to A.
    FreshThreadA,
    /// `{id}` = A, `{user_id}` = a new buyer A's owner blocked for this cell.
    FreshBlockedBuyerOfA,
    /// An open sell offer of A.
    OpenSellA,
    /// A draft sell offer of A.
    DraftSellA,
    /// A draft buy request of the buyer.
    DraftBuyOfBuyer,
    /// An open buy request of the buyer on which A has quoted.
    QuotedBuyOfBuyer,
    /// A's quote on `QuotedBuyOfBuyer`.
    QuoteOfA,
    FreshOpenSellA,
    FreshDraftSellA,
    FreshClosedSellA,
    /// A sell offer of the unverified company C, waiting for review.
    FreshPendingSellC,
    FreshOpenBuyOfBuyer,
    FreshDraftBuyOfBuyer,
    /// A's quote on a new open buy request of the buyer.
    FreshQuoteOfA,
    /// A new e-mail job (to a random address).
    FreshEmailJob,
    /// `{token}` = a signed open-pixel token of a new job.
    FreshOpenToken,
    /// `{token}` = a signed click token of a new job, pointing at this server's `/healthz`
    /// (the client follows the redirect, and stays on loopback).
    FreshClickToken,
    /// `{address}` = a new address on the suppression list.
    FreshSuppression,
    /// A's quote on a new buy request of the buyer, accepted by the buyer.
    FreshAcceptedQuoteOfA,
    /// A new saved search of the world's buyer.
    FreshSubscriptionOfBuyer,
    /// `?token=` a new account's double opt-in link, taken from its confirmation e-mail.
    FreshConfirmToken,
    /// `?token=` the verification link of a new (unverified) account, from its e-mail.
    FreshVerifyToken,
    /// `?token=` the password reset link of a new account, from its e-mail.
    FreshResetToken,
    /// `?token=` a signed unsubscribe link of a new account.
    FreshUnsubscribeToken,
    /// `?token=` a signed preferences link of a new account.
    FreshPreferencesToken,
    /// A published rating of A by the world's buyer (on a new thread).
    FreshRatingOfA,
    /// A rating of A held by screening for an operator.
    FreshHeldRatingOfA,
    /// The open review-queue item of a new pending company.
    FreshReviewItem,
    /// An (auto-approved) change request of a new published product of A.
    FreshChangeRequestA,
    /// An IP notice by the buyer about a new published product of A, not yet decided.
    FreshNoticeOnA,
    /// The same, accepted by the operator (served on A; the window is open).
    FreshAcceptedNoticeOnA,
    /// The same, with A's counter-notice waiting for the operator.
    FreshCounteredNoticeOnA,
    /// The same, kept down by the operator after the counter-notice (appealable).
    FreshKeptDownNoticeOnA,
    /// A new published product of A hidden by the operator.
    FreshHiddenProductA,
    /// A new open sell offer of A hidden by the operator.
    FreshHiddenSellA,
    /// A new warning of A (an enforcement action).
    FreshWarningOfA,
    /// An open appeal by A's owner against a new warning of A.
    FreshAppealOfA,
    /// An image of a new published product of A (`{variant}` = `thumbnail`).
    FreshImageOfPublishedA,
    /// An image of a new draft product of A.
    FreshImageOfDraftA,
    /// An upload of A's owner attached to nothing yet.
    FreshUploadOfOwnerA,
    /// `{id}` = A, `{key_id}` = a new API key of A made by A's owner.
    FreshApiKeyOfA,
    /// `{id}` = A, `{endpoint_id}` = a new webhook endpoint of A registered by A's owner.
    FreshWebhookOfA,
    /// The same, and `{delivery_id}` = a delivery to it (of a new inquiry to A).
    FreshWebhookDeliveryOfA,
    /// `{id}` = A, `{import_id}` = the world's finished catalog import of A.
    ImportOfA,
}

/// The (valid) request body of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    None,
    /// A new e-mail address.
    Register,
    /// The credentials of an account registered for this cell.
    Login,
    /// A refresh token of an account signed in for this cell.
    Refresh,
    /// The refresh token of a new session of the actor, whose access token is used too (so the
    /// actor's main token survives).
    Logout,
    Company,
    CompanyPatch,
    /// A new supplier account as `staff`.
    AddStaff,
    Product,
    ProductPatch,
    Reason,
    /// A valid set of search synonym groups.
    Synonyms,
    /// A new version of a platform rule.
    Policy,
    /// Accepting version 0 of the terms (no such version: a 400 past authorization).
    AcceptPolicy,
    LeadPatch,
    LeadNote,
    /// A new screening rule.
    Rule,
    RulePatch,
    RuleTest,
    /// A report about A's published product.
    Report,
    Resolve,
    /// An inquiry to the world's unverified (but public) company C.
    Inquiry,
    /// A message in a thread.
    Message,
    /// Assign the thread to A's staff member.
    AssignStaffA,
    /// Block a new buyer account.
    BlockBuyer,
    BuyListing,
    SellListing,
    ListingPatch,
    /// A new `valid_until`.
    Republish,
    Quote,
    QuotePatch,
    /// A delivery status notification (a raw `message/rfc822` body, not JSON).
    Dsn,
    /// A saved search.
    Subscription,
    /// A new frequency for a subscription.
    SubscriptionPatch,
    /// E-mail settings.
    EmailPreferences,
    /// A new display name and language.
    MePatch,
    /// A password change with a wrong current password (no cell ends the actor's sessions).
    WrongPasswordChange,
    /// A switch to a new address, with the account's password.
    EmailChange,
    /// A new address asking for a reset link.
    ResetRequest,
    /// A reset with a token that is not a link of ours.
    BadResetConfirm,
    /// Stars and a comment.
    Rating,
    /// The company's reply to a rating.
    RatingReply,
    /// A few penalty points.
    Penalty,
    /// A rejection with a reason code and a note.
    RejectDecision,
    /// A note to the owner (request changes).
    NoteDecision,
    /// Approve a new review-queue item in bulk.
    BulkApprove,
    /// An IP notice about A's published product.
    Notice,
    /// An operator's note on a takedown decision.
    Note,
    CounterNotice,
    Appeal,
    /// Reject an appeal.
    AppealDecision,
    /// Leaving with a confirmation that is not A's slug: the owner gets past authorization to
    /// the 400, so no cell closes A (the retention tests close companies for real).
    LeaveUnconfirmed,
    /// The account's password; the buyer's cell uses a new buyer account (erasure is final).
    Erasure,
    /// A multipart upload of a small JPEG as a product image.
    Upload,
    /// A new API key's name and scopes.
    ApiKey,
    /// A new webhook endpoint's URL and event types.
    Webhook,
    /// A CSV catalog file with the template's header and no rows: members get past
    /// authorization to the 400 (`no_rows`), so no cell queues an import (one runs per company
    /// at a time, and the cells of a row run at once).
    CatalogFileWithoutRows,
}

pub struct Row {
    pub method: &'static str,
    /// The path exactly as the OpenAPI document spells it.
    pub path: &'static str,
    pub target: Target,
    pub payload: Payload,
    /// Expected status per actor, in `ACTORS` order.
    pub expect: [u16; 7],
}

impl Row {
    pub fn label(&self) -> String {
        let target = match self.target {
            Target::PublishedA | Target::FreshPublishedA => " [published]",
            Target::DraftA | Target::FreshDraftA => " [draft]",
            Target::FreshPendingReview => " [pending_review]",
            Target::FreshPendingCompany => " [pending company]",
            Target::FreshSuspendedCompany => " [suspended company]",
            Target::FreshStaffOfA => " [staff of A]",
            Target::FreshLeadA => " [lead of A]",
            Target::FreshThreadA => " [thread with A]",
            Target::FreshBlockedBuyerOfA => " [blocked by A]",
            Target::OpenSellA | Target::FreshOpenSellA => " [open sell offer]",
            Target::DraftSellA | Target::FreshDraftSellA => " [draft sell offer]",
            Target::FreshClosedSellA => " [closed sell offer]",
            Target::FreshPendingSellC => " [sell offer under review]",
            Target::DraftBuyOfBuyer | Target::FreshDraftBuyOfBuyer => " [draft buy request]",
            Target::FreshOpenBuyOfBuyer => " [open buy request]",
            Target::QuotedBuyOfBuyer => " [buy request quoted by A]",
            Target::QuoteOfA | Target::FreshQuoteOfA => " [quote of A]",
            Target::FreshAcceptedQuoteOfA => " [accepted quote of A]",
            Target::FreshRatingOfA => " [published rating of A]",
            Target::FreshHeldRatingOfA => " [held rating of A]",
            Target::FreshReviewItem => " [open review item]",
            Target::FreshChangeRequestA => " [change request of A]",
            Target::FreshNoticeOnA => " [submitted notice on A]",
            Target::FreshAcceptedNoticeOnA => " [accepted notice on A]",
            Target::FreshCounteredNoticeOnA => " [countered notice on A]",
            Target::FreshKeptDownNoticeOnA => " [kept-down notice on A]",
            Target::FreshHiddenProductA | Target::FreshHiddenSellA => " [hidden]",
            Target::FreshWarningOfA => " [warning of A]",
            Target::FreshAppealOfA => " [appeal of A]",
            Target::FreshImageOfPublishedA => " [image of a published product]",
            Target::FreshImageOfDraftA => " [image of a draft]",
            Target::FreshUploadOfOwnerA => " [unattached upload]",
            Target::FreshApiKeyOfA => " [key of A]",
            Target::FreshWebhookOfA => " [webhook of A]",
            Target::FreshWebhookDeliveryOfA => " [webhook delivery of A]",
            Target::ImportOfA => " [import of A]",
            _ => "",
        };
        format!("{} {}{target}", self.method, self.path)
    }
}

const fn row(
    method: &'static str,
    path: &'static str,
    target: Target,
    payload: Payload,
    expect: [u16; 7],
) -> Row {
    Row {
        method,
        path,
        target,
        payload,
        expect,
    }
}

use Payload as P;
use Target as T;

const OPEN: [u16; 7] = [200; 7];
/// Operator decisions.
const OPERATOR: [u16; 7] = [401, 403, 403, 403, 403, 403, 200];
/// The company's private CRM: its members only; 404 for everyone else, operators included.
const MEMBERS_OF_A: [u16; 7] = [401, 404, 200, 200, 200, 404, 404];
/// Any signed-in account, about itself.
const SIGNED_IN: [u16; 7] = [401, 200, 200, 200, 200, 200, 200];
/// Operator measures that create a record.
const OPERATOR_CREATES: [u16; 7] = [401, 403, 403, 403, 403, 403, 201];

#[rustfmt::skip]
pub fn rows() -> Vec<Row> {
    vec![
        //                                                                                     anon buyer ownA admA stfA ownB  op
        row("GET",    "/healthz",                                  T::Nothing,   P::None,     OPEN),
        row("GET",    "/readyz",                                   T::Nothing,   P::None,     OPEN),
        row("GET",    "/.well-known/jwks.json",                    T::Nothing,   P::None,     OPEN),
        row("POST",   "/api/v1/auth/register",                     T::Nothing,   P::Register, [202, 202, 202, 202, 202, 202, 202]),
        row("POST",   "/api/v1/auth/login",                        T::Nothing,   P::Login,    OPEN),
        row("POST",   "/api/v1/auth/refresh",                      T::Nothing,   P::Refresh,  OPEN),
        row("POST",   "/api/v1/auth/logout",                       T::Nothing,   P::Logout,   [401, 204, 204, 204, 204, 204, 204]),
        row("GET",    "/api/v1/me",                                T::Nothing,   P::None,     [401, 200, 200, 200, 200, 200, 200]),
        row("PATCH",  "/api/v1/me",                                T::Nothing,   P::MePatch,  SIGNED_IN),
        row("POST",   "/api/v1/me/password",                       T::Nothing,   P::WrongPasswordChange, [401, 400, 400, 400, 400, 400, 400]),
        row("POST",   "/api/v1/me/email",                          T::Nothing,   P::EmailChange, [401, 202, 202, 202, 202, 202, 202]),
        row("POST",   "/api/v1/me/verification",                   T::Nothing,   P::None,     [401, 202, 202, 202, 202, 202, 202]),
        row("POST",   "/api/v1/auth/password-reset",               T::Nothing,   P::ResetRequest, [202; 7]),
        row("POST",   "/api/v1/auth/password-reset/confirm",       T::Nothing,   P::BadResetConfirm, [400; 7]),
        row("GET",    "/api/v1/email/verify-address",              T::FreshVerifyToken, P::None, OPEN),
        row("POST",   "/api/v1/email/verify-address",              T::FreshVerifyToken, P::None, OPEN),
        row("GET",    "/api/v1/email/reset-password",              T::FreshResetToken, P::None, OPEN),
        row("POST",   "/api/v1/email/reset-password",              T::FreshResetToken, P::None, [400; 7]),
        row("GET",    "/api/v1/categories",                        T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/policies",                          T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/policies/{kind}",                   T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/policies/{kind}/versions",          T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/policies/{kind}/versions/{version}", T::Nothing,  P::None,     OPEN),
        row("POST",   "/api/v1/operator/policies/{kind}",          T::Nothing,   P::Policy,   OPERATOR_CREATES),
        row("GET",    "/api/v1/me/policy-acceptances",             T::Nothing,   P::None,     SIGNED_IN),
        // The matrix publishes no terms (every registration would have to accept them), so
        // the body names version 0: past the sign-in (and the key refusal) every account gets
        // the validation's 400; the flow itself is tested in `web::policies`.
        row("POST",   "/api/v1/me/policy-acceptances",             T::Nothing,   P::AcceptPolicy, [401, 400, 400, 400, 400, 400, 400]),
        row("GET",    "/api/v1/search/products",                   T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/search/suppliers",                  T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/search/suggest",                    T::Nothing,   P::None,     OPEN),
        row("POST",   "/api/v1/companies",                         T::Nothing,   P::Company,  [401, 403, 409, 409, 409, 409, 403]),
        row("GET",    "/api/v1/companies/{id}",                    T::CompanyA,  P::None,     OPEN),
        row("PATCH",  "/api/v1/companies/{id}",                    T::CompanyA,  P::CompanyPatch, [401, 403, 200, 200, 403, 403, 403]),
        row("GET",    "/api/v1/companies/{id}/members",            T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/companies/{id}/members",            T::CompanyA,  P::AddStaff, [401, 403, 201, 201, 403, 403, 403]),
        row("DELETE", "/api/v1/companies/{id}/members/{user_id}",  T::FreshStaffOfA, P::None, [401, 403, 204, 204, 403, 403, 403]),
        row("POST",   "/api/v1/companies/{id}/products",           T::CompanyA,  P::Product,  [401, 403, 201, 201, 201, 403, 403]),
        row("GET",    "/api/v1/companies/{id}/products",           T::CompanyA,  P::None,     OPEN),
        row("GET",    "/api/v1/products/{id}",                     T::PublishedA, P::None,    OPEN),
        row("GET",    "/api/v1/products/{id}",                     T::DraftA,    P::None,     [404, 404, 200, 200, 200, 404, 200]),
        row("PATCH",  "/api/v1/products/{id}",                     T::FreshPublishedA, P::ProductPatch, [401, 403, 200, 200, 200, 403, 403]),
        row("PATCH",  "/api/v1/products/{id}",                     T::FreshDraftA, P::ProductPatch, [401, 404, 200, 200, 200, 404, 403]),
        row("DELETE", "/api/v1/products/{id}",                     T::FreshPublishedA, P::None, [401, 403, 204, 204, 204, 403, 403]),
        row("DELETE", "/api/v1/products/{id}",                     T::FreshDraftA, P::None,   [401, 404, 204, 204, 204, 404, 403]),
        row("POST",   "/api/v1/products/{id}/publish",             T::FreshDraftA, P::None,   [401, 404, 200, 200, 200, 404, 403]),
        row("POST",   "/api/v1/products/{id}/unpublish",           T::FreshPublishedA, P::None, [401, 403, 200, 200, 200, 403, 403]),
        row("GET",    "/api/v1/storefronts/{slug}",                T::SlugA,     P::None,     OPEN),
        row("POST",   "/api/v1/operator/companies/{id}/verify",    T::FreshPendingCompany, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/companies/{id}/reject",    T::FreshPendingCompany, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/companies/{id}/suspend",   T::FreshPendingCompany, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/companies/{id}/reinstate", T::FreshSuspendedCompany, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/products/{id}/approve",    T::FreshPendingReview, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/products/{id}/reject",     T::FreshPublishedA, P::Reason, OPERATOR),
        row("GET",    "/api/v1/operator/search/synonyms",          T::Nothing,   P::None,     [401, 403, 403, 403, 403, 403, 200]),
        row("PUT",    "/api/v1/operator/search/synonyms",          T::Nothing,   P::Synonyms, [401, 403, 403, 403, 403, 403, 200]),
        row("GET",    "/api/v1/companies/{id}/leads",              T::CompanyA,  P::None,     MEMBERS_OF_A),
        row("GET",    "/api/v1/companies/{id}/leads.csv",          T::CompanyA,  P::None,     MEMBERS_OF_A),
        row("GET",    "/api/v1/leads/{id}",                        T::FreshLeadA, P::None,    MEMBERS_OF_A),
        row("PATCH",  "/api/v1/leads/{id}",                        T::FreshLeadA, P::LeadPatch, MEMBERS_OF_A),
        row("POST",   "/api/v1/leads/{id}/notes",                  T::FreshLeadA, P::LeadNote, [401, 404, 201, 201, 201, 404, 404]),
        row("GET",    "/api/v1/operator/rules",                    T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/operator/rules",                    T::Nothing,   P::Rule,     [401, 403, 403, 403, 403, 403, 201]),
        row("PATCH",  "/api/v1/operator/rules/{id}",               T::FreshRule, P::RulePatch, OPERATOR),
        row("POST",   "/api/v1/operator/rules/test",               T::Nothing,   P::RuleTest, OPERATOR),
        row("GET",    "/api/v1/operator/audit",                    T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/operator/audit/verify",             T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/reports",                           T::Nothing,   P::Report,   [401, 201, 201, 201, 201, 201, 201]),
        row("GET",    "/api/v1/reports",                           T::Nothing,   P::None,     SIGNED_IN),
        row("GET",    "/api/v1/operator/reports",                  T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/operator/reports/{id}/resolve",     T::FreshReport, P::Resolve, OPERATOR),
        row("GET",    "/api/v1/transparency",                      T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/notifications",                     T::Nothing,   P::None,     SIGNED_IN),
        row("POST",   "/api/v1/notifications/read-all",            T::Nothing,   P::None,     SIGNED_IN),
        row("POST",   "/api/v1/notifications/{id}/read",           T::FreshNotificationOfBuyer, P::None, [401, 204, 404, 404, 404, 404, 404]),
        row("POST",   "/api/v1/inquiries",                         T::Nothing,   P::Inquiry,  [401, 201, 201, 201, 201, 201, 403]),
        row("GET",    "/api/v1/inquiries",                         T::Nothing,   P::None,     [401, 200, 200, 200, 200, 200, 200]),
        row("GET",    "/api/v1/inquiries/unread",                  T::Nothing,   P::None,     [401, 200, 200, 200, 200, 200, 200]),
        row("GET",    "/api/v1/inquiries/{id}",                    T::FreshThreadA, P::None,  [401, 200, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/inquiries/{id}/messages",           T::FreshThreadA, P::Message, [401, 201, 201, 201, 201, 404, 403]),
        row("POST",   "/api/v1/inquiries/{id}/read",               T::FreshThreadA, P::None,  [401, 204, 204, 204, 204, 404, 403]),
        row("POST",   "/api/v1/inquiries/{id}/assign",             T::FreshThreadA, P::AssignStaffA, [401, 403, 200, 200, 403, 404, 403]),
        row("POST",   "/api/v1/inquiries/{id}/close",              T::FreshThreadA, P::None,  [401, 200, 200, 200, 200, 404, 403]),
        row("POST",   "/api/v1/inquiries/{id}/spam",               T::FreshThreadA, P::None,  [401, 403, 200, 200, 200, 404, 403]),
        row("GET",    "/api/v1/companies/{id}/blocked-buyers",     T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/companies/{id}/blocked-buyers",     T::CompanyA,  P::BlockBuyer, [401, 403, 201, 201, 403, 403, 403]),
        row("DELETE", "/api/v1/companies/{id}/blocked-buyers/{user_id}", T::FreshBlockedBuyerOfA, P::None, [401, 403, 204, 204, 403, 403, 403]),
        // Listings: buy requests are any buyer's or supplier's, sell offers a company's; the
        // owner (and for a sell offer the company's members) writes; operators see and moderate.
        row("POST",   "/api/v1/listings",                          T::Nothing,   P::BuyListing,  [401, 201, 201, 201, 201, 201, 403]),
        row("POST",   "/api/v1/listings",                          T::Nothing,   P::SellListing, [401, 403, 201, 201, 201, 201, 403]),
        row("GET",    "/api/v1/listings",                          T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/listings/{id}",                     T::OpenSellA, P::None,     OPEN),
        row("GET",    "/api/v1/listings/{id}",                     T::DraftSellA, P::None,    [404, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/listings/{id}",                     T::DraftBuyOfBuyer, P::None, [404, 200, 404, 404, 404, 404, 200]),
        row("PATCH",  "/api/v1/listings/{id}",                     T::FreshOpenSellA, P::ListingPatch, [401, 403, 200, 200, 200, 403, 403]),
        row("PATCH",  "/api/v1/listings/{id}",                     T::FreshDraftBuyOfBuyer, P::ListingPatch, [401, 200, 404, 404, 404, 404, 403]),
        row("POST",   "/api/v1/listings/{id}/publish",             T::FreshDraftSellA, P::None, [401, 404, 200, 200, 200, 404, 403]),
        row("POST",   "/api/v1/listings/{id}/close",               T::FreshOpenBuyOfBuyer, P::None, [401, 200, 403, 403, 403, 403, 403]),
        row("POST",   "/api/v1/listings/{id}/republish",           T::FreshClosedSellA, P::Republish, [401, 403, 200, 200, 200, 403, 403]),
        row("POST",   "/api/v1/operator/listings/{id}/approve",    T::FreshPendingSellC, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/listings/{id}/reject",     T::FreshOpenSellA, P::Reason, OPERATOR),
        row("GET",    "/api/v1/companies/{id}/buy-leads",          T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/search/listings",                   T::Nothing,   P::None,     OPEN),
        // Quotes: company members quote on others' requests; the buyer compares and accepts;
        // a quote is seen by the buyer, the quoting company and operators only.
        row("POST",   "/api/v1/listings/{id}/quotes",              T::FreshOpenBuyOfBuyer, P::Quote, [401, 403, 201, 201, 201, 201, 403]),
        row("GET",    "/api/v1/listings/{id}/quotes",              T::QuotedBuyOfBuyer, P::None, [401, 200, 200, 200, 200, 403, 200]),
        row("GET",    "/api/v1/quotes/{id}",                       T::QuoteOfA,  P::None,     [401, 200, 200, 200, 200, 404, 200]),
        row("PATCH",  "/api/v1/quotes/{id}",                       T::FreshQuoteOfA, P::QuotePatch, [401, 403, 200, 200, 200, 404, 403]),
        row("POST",   "/api/v1/quotes/{id}/accept",                T::FreshQuoteOfA, P::None, [401, 200, 403, 403, 403, 404, 403]),
        // E-mail delivery: bounce reports from operators (or the MTA's shared secret, which is
        // no actor here); tracking links work for anyone holding a signed token; the delivery
        // reports and the suppression list are for operators.
        row("POST",   "/api/v1/email/bounces",                     T::Nothing,   P::Dsn,      OPERATOR),
        row("GET",    "/api/v1/email/open/{token}",                T::FreshOpenToken, P::None, OPEN),
        row("GET",    "/api/v1/email/click/{token}",               T::FreshClickToken, P::None, OPEN),
        row("GET",    "/api/v1/operator/email/stats",              T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/operator/email/jobs",               T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/operator/email/jobs/{id}",          T::FreshEmailJob, P::None, OPERATOR),
        row("GET",    "/api/v1/operator/email/suppressions",       T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/operator/email/suppressions/{address}", T::FreshSuppression, P::None, OPERATOR),
        row("DELETE", "/api/v1/operator/email/suppressions/{address}", T::FreshSuppression, P::None, [401, 403, 403, 403, 403, 403, 204]),
        // Lead e-mail: subscriptions and e-mail settings are each account's own (operators
        // receive no leads); the signed links work without sign-in; lead reach is A's private.
        row("POST",   "/api/v1/subscriptions",                     T::Nothing,   P::Subscription, [401, 201, 201, 201, 201, 201, 403]),
        row("GET",    "/api/v1/subscriptions",                     T::Nothing,   P::None,     SIGNED_IN),
        row("GET",    "/api/v1/subscriptions/{id}",                T::FreshSubscriptionOfBuyer, P::None, [401, 200, 404, 404, 404, 404, 404]),
        row("PATCH",  "/api/v1/subscriptions/{id}",                T::FreshSubscriptionOfBuyer, P::SubscriptionPatch, [401, 200, 404, 404, 404, 404, 404]),
        row("DELETE", "/api/v1/subscriptions/{id}",                T::FreshSubscriptionOfBuyer, P::None, [401, 204, 404, 404, 404, 404, 404]),
        row("GET",    "/api/v1/me/email-preferences",              T::Nothing,   P::None,     SIGNED_IN),
        row("PATCH",  "/api/v1/me/email-preferences",              T::Nothing,   P::EmailPreferences, SIGNED_IN),
        row("GET",    "/api/v1/me/email-consent",                  T::Nothing,   P::None,     SIGNED_IN),
        row("POST",   "/api/v1/me/email-consent",                  T::Nothing,   P::None,     [401, 200, 200, 200, 200, 200, 403]),
        row("DELETE", "/api/v1/me/email-consent",                  T::Nothing,   P::None,     SIGNED_IN),
        row("GET",    "/api/v1/companies/{id}/lead-reach",         T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/email/confirm",                     T::FreshConfirmToken, P::None, OPEN),
        row("POST",   "/api/v1/email/confirm",                     T::FreshConfirmToken, P::None, OPEN),
        row("GET",    "/api/v1/email/unsubscribe",                 T::FreshUnsubscribeToken, P::None, OPEN),
        row("POST",   "/api/v1/email/unsubscribe",                 T::FreshUnsubscribeToken, P::None, OPEN),
        row("GET",    "/api/v1/email/preferences",                 T::FreshPreferencesToken, P::None, OPEN),
        // Credit: the profile and ratings are public, the penalty history private.
        row("GET",    "/api/v1/companies/{id}/credit",             T::CompanyA,  P::None,     OPEN),
        row("GET",    "/api/v1/companies/{id}/penalties",          T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/operator/companies/{id}/penalties", T::FreshPendingCompany, P::Penalty, [401, 403, 403, 403, 403, 403, 201]),
        row("POST",   "/api/v1/inquiries/{id}/rating",             T::FreshThreadA, P::Rating, [401, 201, 403, 403, 403, 404, 403]),
        row("POST",   "/api/v1/quotes/{id}/rating",                T::FreshAcceptedQuoteOfA, P::Rating, [401, 201, 403, 403, 403, 404, 403]),
        row("GET",    "/api/v1/companies/{id}/ratings",            T::CompanyA,  P::None,     OPEN),
        row("POST",   "/api/v1/ratings/{id}/reply",                T::FreshRatingOfA, P::RatingReply, [401, 403, 200, 200, 403, 403, 403]),
        row("GET",    "/api/v1/operator/ratings",                  T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/operator/ratings/{id}/approve",     T::FreshHeldRatingOfA, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/ratings/{id}/reject",      T::FreshRatingOfA, P::Reason, OPERATOR),
        // The review queue is the operators'; change requests are seen by the item's company
        // (for a listing, its owner) and operators, and exist for nobody else.
        row("GET",    "/api/v1/operator/review-queue",             T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/operator/review-queue/{id}",        T::FreshReviewItem, P::None, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/{id}/claim",  T::FreshReviewItem, P::None, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/{id}/release", T::FreshReviewItem, P::None, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/{id}/approve", T::FreshReviewItem, P::None, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/{id}/reject", T::FreshReviewItem, P::RejectDecision, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/{id}/request-changes", T::FreshReviewItem, P::NoteDecision, OPERATOR),
        row("POST",   "/api/v1/operator/review-queue/bulk",        T::Nothing,   P::BulkApprove, OPERATOR),
        row("GET",    "/api/v1/change-requests",                   T::Nothing,   P::None,     SIGNED_IN),
        row("GET",    "/api/v1/change-requests/{id}",              T::FreshChangeRequestA, P::None, [401, 404, 200, 200, 200, 404, 200]),
        // IP notice and takedown: any buyer or supplier files about what it can see but not
        // about its own company's items (400 own_item); the notifier and operators see a case
        // from filing on, A's members once it is accepted; owners and admins answer.
        row("POST",   "/api/v1/takedowns",                         T::Nothing,   P::Notice,   [401, 201, 400, 400, 400, 201, 403]),
        row("GET",    "/api/v1/takedowns",                         T::Nothing,   P::None,     SIGNED_IN),
        row("GET",    "/api/v1/takedowns/{id}",                    T::FreshNoticeOnA, P::None, [401, 200, 404, 404, 404, 404, 200]),
        row("GET",    "/api/v1/takedowns/{id}",                    T::FreshAcceptedNoticeOnA, P::None, [401, 200, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/takedowns/{id}/counter-notice",     T::FreshAcceptedNoticeOnA, P::CounterNotice, [401, 403, 200, 200, 403, 404, 403]),
        row("POST",   "/api/v1/takedowns/{id}/appeal",             T::FreshKeptDownNoticeOnA, P::Appeal, [401, 403, 201, 201, 403, 404, 403]),
        row("GET",    "/api/v1/operator/takedowns",                T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/operator/takedowns/{id}/accept",    T::FreshNoticeOnA, P::Note, OPERATOR),
        row("POST",   "/api/v1/operator/takedowns/{id}/reject",    T::FreshNoticeOnA, P::Note, OPERATOR),
        row("POST",   "/api/v1/operator/takedowns/{id}/restore",   T::FreshCounteredNoticeOnA, P::Note, OPERATOR),
        row("POST",   "/api/v1/operator/takedowns/{id}/keep-down", T::FreshCounteredNoticeOnA, P::Note, OPERATOR),
        // Enforcement: operators act; every member of A sees what was done to A (404 to
        // others); owners and admins appeal once.
        row("POST",   "/api/v1/operator/products/{id}/hide",       T::FreshPublishedA, P::Reason, OPERATOR_CREATES),
        row("POST",   "/api/v1/operator/products/{id}/unhide",     T::FreshHiddenProductA, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/listings/{id}/hide",       T::FreshOpenSellA, P::Reason, OPERATOR_CREATES),
        row("POST",   "/api/v1/operator/listings/{id}/unhide",     T::FreshHiddenSellA, P::Reason, OPERATOR),
        row("POST",   "/api/v1/operator/companies/{id}/warn",      T::CompanyA,  P::Reason,   OPERATOR_CREATES),
        row("POST",   "/api/v1/operator/companies/{id}/terminate", T::FreshPendingCompany, P::Reason, OPERATOR_CREATES),
        row("GET",    "/api/v1/operator/enforcement",              T::Nothing,   P::None,     OPERATOR),
        row("GET",    "/api/v1/companies/{id}/enforcement",        T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/enforcement/{id}",                  T::FreshWarningOfA, P::None, [401, 404, 200, 200, 200, 404, 200]),
        row("POST",   "/api/v1/enforcement/{id}/appeal",           T::FreshWarningOfA, P::Appeal, [401, 404, 201, 201, 403, 404, 403]),
        row("GET",    "/api/v1/appeals/{id}",                      T::FreshAppealOfA, P::None, [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/operator/appeals",                  T::Nothing,   P::None,     OPERATOR),
        row("POST",   "/api/v1/operator/appeals/{id}/decide",      T::FreshAppealOfA, P::AppealDecision, OPERATOR),
        // Leaving is the owner's alone; export and erasure are about one's own account
        // (operators are not erased this way; company members leave their company first).
        row("POST",   "/api/v1/companies/{id}/leave",              T::CompanyA,  P::LeaveUnconfirmed, [401, 403, 400, 403, 403, 403, 403]),
        row("GET",    "/api/v1/me/export",                         T::Nothing,   P::None,     SIGNED_IN),
        row("POST",   "/api/v1/me/erasure",                        T::Nothing,   P::Erasure,  [401, 200, 409, 409, 409, 409, 403]),
        // Media.
        row("POST",   "/api/v1/media",                             T::Nothing,   P::Upload,   [401, 201, 201, 201, 201, 201, 201]),
        row("GET",    "/api/v1/media/{id}",                        T::FreshImageOfPublishedA, P::None, OPEN),
        row("GET",    "/api/v1/media/{id}",                        T::FreshImageOfDraftA, P::None, [404, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/media/{id}",                        T::FreshUploadOfOwnerA, P::None, [404, 404, 200, 404, 404, 404, 404]),
        row("GET",    "/api/v1/media/{id}/{variant}",              T::FreshImageOfPublishedA, P::None, OPEN),
        row("GET",    "/api/v1/media/{id}/{variant}",              T::FreshImageOfDraftA, P::None, [404, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/media/{id}/{variant}",              T::FreshUploadOfOwnerA, P::None, [404, 404, 200, 404, 404, 404, 404]),
        // API keys: A's owners and admins manage them (staff and operators 403, who is not a
        // member 404); keys manage no keys.
        row("POST",   "/api/v1/companies/{id}/api-keys",           T::CompanyA,  P::ApiKey,   [401, 404, 201, 201, 403, 404, 403]),
        row("GET",    "/api/v1/companies/{id}/api-keys",           T::CompanyA,  P::None,     [401, 404, 200, 200, 403, 404, 403]),
        row("DELETE", "/api/v1/companies/{id}/api-keys/{key_id}",  T::FreshApiKeyOfA, P::None, [401, 404, 200, 200, 403, 404, 403]),
        row("POST",   "/api/v1/companies/{id}/webhooks",           T::CompanyA,  P::Webhook,  [401, 404, 201, 201, 403, 404, 403]),
        row("GET",    "/api/v1/companies/{id}/webhooks",           T::CompanyA,  P::None,     [401, 404, 200, 200, 403, 404, 403]),
        row("DELETE", "/api/v1/companies/{id}/webhooks/{endpoint_id}", T::FreshWebhookOfA, P::None, [401, 404, 204, 204, 403, 404, 403]),
        row("POST",   "/api/v1/companies/{id}/webhooks/{endpoint_id}/rotate-secret", T::FreshWebhookOfA, P::None, [401, 404, 200, 200, 403, 404, 403]),
        row("POST",   "/api/v1/companies/{id}/webhooks/{endpoint_id}/enable", T::FreshWebhookOfA, P::None, [401, 404, 200, 200, 403, 404, 403]),
        row("GET",    "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries", T::FreshWebhookOfA, P::None, [401, 404, 200, 200, 403, 404, 403]),
        row("POST",   "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay", T::FreshWebhookDeliveryOfA, P::None, [401, 404, 200, 200, 403, 404, 403]),
        // Catalog import and export: the template is public; who writes A's products uploads
        // (operators write none: 403); A's members and operators read imports and exports.
        row("GET",    "/api/v1/catalog-import/template.csv",       T::Nothing,   P::None,     OPEN),
        row("GET",    "/api/v1/catalog-import/template.xlsx",      T::Nothing,   P::None,     OPEN),
        row("POST",   "/api/v1/companies/{id}/catalog-imports",    T::CompanyA,  P::CatalogFileWithoutRows, [401, 403, 400, 400, 400, 403, 403]),
        row("GET",    "/api/v1/companies/{id}/catalog-imports/{import_id}", T::ImportOfA, P::None, [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/companies/{id}/catalog-imports/{import_id}/errors.csv", T::ImportOfA, P::None, [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/companies/{id}/catalog.csv",        T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
        row("GET",    "/api/v1/companies/{id}/catalog.xlsx",       T::CompanyA,  P::None,     [401, 404, 200, 200, 200, 404, 200]),
    ]
}

/// The scope a key needs on a route, for the routes that take keys (every other route
/// refuses them). Kept by hand, apart from the server's table (`auth::api_key::ROUTE_SCOPES`),
/// so that a change there shows here; `every_route_has_a_row` also compares it with the
/// `api_key` security requirements of the OpenAPI document.
pub const KEY_SCOPES: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/companies/{id}", "catalog:read"),
    ("GET", "/api/v1/companies/{id}/products", "catalog:read"),
    ("GET", "/api/v1/products/{id}", "catalog:read"),
    ("GET", "/api/v1/media/{id}", "catalog:read"),
    ("GET", "/api/v1/media/{id}/{variant}", "catalog:read"),
    ("POST", "/api/v1/companies/{id}/products", "catalog:write"),
    ("PATCH", "/api/v1/products/{id}", "catalog:write"),
    ("DELETE", "/api/v1/products/{id}", "catalog:write"),
    ("POST", "/api/v1/products/{id}/publish", "catalog:write"),
    ("POST", "/api/v1/products/{id}/unpublish", "catalog:write"),
    ("POST", "/api/v1/media", "catalog:write"),
    (
        "POST",
        "/api/v1/companies/{id}/catalog-imports",
        "catalog:write",
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog-imports/{import_id}",
        "catalog:read",
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog-imports/{import_id}/errors.csv",
        "catalog:read",
    ),
    ("GET", "/api/v1/companies/{id}/catalog.csv", "catalog:read"),
    ("GET", "/api/v1/companies/{id}/catalog.xlsx", "catalog:read"),
    ("GET", "/api/v1/inquiries", "inquiries:read"),
    ("GET", "/api/v1/inquiries/unread", "inquiries:read"),
    ("GET", "/api/v1/inquiries/{id}", "inquiries:read"),
    (
        "GET",
        "/api/v1/companies/{id}/blocked-buyers",
        "inquiries:read",
    ),
    ("POST", "/api/v1/inquiries", "inquiries:write"),
    ("POST", "/api/v1/inquiries/{id}/messages", "inquiries:write"),
    ("POST", "/api/v1/inquiries/{id}/read", "inquiries:write"),
    ("POST", "/api/v1/inquiries/{id}/close", "inquiries:write"),
    ("POST", "/api/v1/inquiries/{id}/spam", "inquiries:write"),
    ("POST", "/api/v1/inquiries/{id}/assign", "inquiries:write"),
    (
        "POST",
        "/api/v1/companies/{id}/blocked-buyers",
        "inquiries:write",
    ),
    (
        "DELETE",
        "/api/v1/companies/{id}/blocked-buyers/{user_id}",
        "inquiries:write",
    ),
    ("GET", "/api/v1/companies/{id}/leads", "leads:read"),
    ("GET", "/api/v1/companies/{id}/leads.csv", "leads:read"),
    ("GET", "/api/v1/companies/{id}/buy-leads", "leads:read"),
    ("GET", "/api/v1/companies/{id}/lead-reach", "leads:read"),
    ("GET", "/api/v1/leads/{id}", "leads:read"),
    ("PATCH", "/api/v1/leads/{id}", "leads:write"),
    ("POST", "/api/v1/leads/{id}/notes", "leads:write"),
    ("POST", "/api/v1/companies/{id}/webhooks", "webhooks:manage"),
    ("GET", "/api/v1/companies/{id}/webhooks", "webhooks:manage"),
    (
        "DELETE",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}",
        "webhooks:manage",
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/rotate-secret",
        "webhooks:manage",
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/enable",
        "webhooks:manage",
    ),
    (
        "GET",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries",
        "webhooks:manage",
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay",
        "webhooks:manage",
    ),
];

/// Every scope a key can have.
pub const SCOPES: [&str; 7] = [
    "catalog:read",
    "catalog:write",
    "inquiries:read",
    "inquiries:write",
    "leads:read",
    "leads:write",
    "webhooks:manage",
];

impl Row {
    /// The scope a key needs here, if the route takes keys.
    pub fn key_scope(&self) -> Option<&'static str> {
        KEY_SCOPES
            .iter()
            .find(|(m, p, _)| *m == self.method && *p == self.path)
            .map(|(_, _, s)| *s)
    }

    /// What `actor` expects: the `expect` column, or for the key actors, derived: a key with
    /// every scope acts as A's owner (who made it) where the route takes keys, and every
    /// other key cell is refused.
    pub fn expected(&self, actor: Actor) -> u16 {
        match actor {
            Actor::KeyA => match self.key_scope() {
                Some(_) => self.expect[2],
                None => 403,
            },
            Actor::KeyAWithoutScope => 403,
            other => {
                let i = ACTORS.iter().position(|a| *a == other).expect("an actor");
                self.expect[i]
            }
        }
    }

    /// The code a refused key cell answers with.
    pub fn key_refusal(&self) -> &'static str {
        if self.key_scope().is_some() {
            "scope_missing"
        } else {
            "api_key_not_allowed"
        }
    }
}

/// Every actor of a run: the table's, then the key columns.
pub const ALL_ACTORS: [Actor; 9] = [
    Actor::Anonymous,
    Actor::Buyer,
    Actor::OwnerA,
    Actor::AdminA,
    Actor::StaffA,
    Actor::OwnerB,
    Actor::Operator,
    Actor::KeyA,
    Actor::KeyAWithoutScope,
];
