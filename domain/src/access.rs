//! Who may do what: every authorization decision of the domain is made here, from the actor's
//! account type and their role in the company concerned. Services look the role up and ask.

use uuid::Uuid;

pub use crate::membership::MemberRole;

crate::text_enum! {
    /// What kind of account an actor signed in with. It lives here, not in `account`, because
    /// every authorization decision reads it and `account` itself sends e-mails through
    /// `email`, whose operator views ask `access`: defining it in `account` made a cycle.
    pub enum AccountType { Buyer => "buyer", Supplier => "supplier", Operator => "operator" }
}

crate::text_enum! {
    /// Whether an account may act at all. Here for the same reason as `AccountType`: the
    /// e-mail areas below `account` read it to skip disabled recipients.
    pub enum AccountStatus { Active => "active", Disabled => "disabled" }
}

/// The signed-in account a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub account_type: AccountType,
}

impl Actor {
    pub fn is_operator(&self) -> bool {
        self.account_type == AccountType::Operator
    }
}

/// Actions on one company and what belongs to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyAction {
    /// See drafts, the member list and other non-public data.
    ViewPrivate,
    EditProfile,
    ManageMembers,
    WriteProducts,
    /// Read and work the lead inbox (stages, tags, notes): the company's private CRM, so
    /// members only, not operators.
    WorkLeads,
    /// Give leads and inquiry threads to a member.
    AssignLeads,
    /// Block and unblock buyers from sending inquiries (the list itself is `ViewPrivate`).
    ManageBlockedBuyers,
    /// Answer a buyer's rating of the company (once per rating).
    ReplyToRatings,
    /// Close the company's account (it leaves the platform): the owner only.
    Close,
    /// Create, list and revoke the company's API keys.
    ManageApiKeys,
    /// Register, list, delete and rotate the company's webhook endpoints; read and replay
    /// their deliveries.
    ManageWebhooks,
}

/// Platform-wide actions that depend on the account alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformAction {
    CreateCompany,
    Moderate,
    /// Open inquiry threads with companies.
    SendInquiry,
    /// File an IP notice (any buyer or supplier account; operators decide them instead).
    FileTakedown,
    /// Erase one's own account (operators' accounts are not erased this way).
    EraseOwnAccount,
}

pub fn may_on_company(actor: &Actor, role: Option<MemberRole>, action: CompanyAction) -> bool {
    use CompanyAction::*;
    use MemberRole::*;
    match action {
        ViewPrivate => role.is_some() || actor.is_operator(),
        EditProfile | ManageMembers | ManageBlockedBuyers | AssignLeads | ReplyToRatings
        | ManageApiKeys | ManageWebhooks => {
            matches!(role, Some(Owner | Admin))
        }
        WriteProducts | WorkLeads => role.is_some(),
        Close => role == Some(Owner),
    }
}

pub fn may_on_platform(actor: &Actor, action: PlatformAction) -> bool {
    match action {
        PlatformAction::CreateCompany => actor.account_type == AccountType::Supplier,
        PlatformAction::Moderate => actor.is_operator(),
        PlatformAction::SendInquiry
        | PlatformAction::FileTakedown
        | PlatformAction::EraseOwnAccount => matches!(
            actor.account_type,
            AccountType::Buyer | AccountType::Supplier
        ),
    }
}

/// How an account stands to whoever answers for a moderated item or company: a member of the
/// company (with the role), the individual who posted it (a buyer's own request), or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerSide {
    Member(MemberRole),
    Individual,
    Outsider,
}

/// Actions on a measure taken against one's own items or company (an enforcement action, an
/// accepted takedown notice, an appeal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// See it, its reason, its timeline and its outcome.
    View,
    /// Answer it: a counter-notice or an appeal.
    Respond,
}

/// Every member of the company (and the individual owner) sees what was done to it; owners and
/// admins (and the individual owner) answer. Operators see everything and answer nothing.
pub fn may_on_case(actor: &Actor, side: OwnerSide, action: CaseAction) -> bool {
    use MemberRole::*;
    match action {
        CaseAction::View => side != OwnerSide::Outsider || actor.is_operator(),
        CaseAction::Respond => matches!(
            side,
            OwnerSide::Member(Owner | Admin) | OwnerSide::Individual
        ),
    }
}

/// Who an account is to one takedown case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakedownParty {
    /// The rights holder who filed the notice.
    Notifier,
    /// Whoever answers for the item (a member of its company, or the individual who posted it).
    Owner(OwnerSide),
    Operator,
    /// Anyone else: the case does not exist for them (404).
    Stranger,
}

pub fn takedown_party(actor: &Actor, notifier_id: Uuid, side: OwnerSide) -> TakedownParty {
    if actor.user_id == notifier_id {
        TakedownParty::Notifier
    } else if side != OwnerSide::Outsider {
        TakedownParty::Owner(side)
    } else if actor.is_operator() {
        TakedownParty::Operator
    } else {
        TakedownParty::Stranger
    }
}

/// The notifier and operators see a case from its filing; the owner's side from the moment the
/// notice is served on it (accepted), never a notice that was not acted on. The owner's side
/// answers (counter-notice, appeal) once served; owners and admins only.
pub fn may_on_takedown(
    actor: &Actor,
    party: TakedownParty,
    action: CaseAction,
    served: bool,
) -> bool {
    match party {
        TakedownParty::Notifier | TakedownParty::Operator => action == CaseAction::View,
        TakedownParty::Owner(side) => served && may_on_case(actor, side, action),
        TakedownParty::Stranger => false,
    }
}

/// Who an account is to one inquiry thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryParty {
    /// The account that opened the thread.
    Buyer,
    /// A member of the company the thread is addressed to.
    Member(MemberRole),
    Operator,
    /// Anyone else: the thread does not exist for them (404 on every route).
    Stranger,
}

/// Actions on one inquiry thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryAction {
    View,
    /// Post a message, move one's own read marker, close.
    Write,
    MarkSpam,
    Assign,
    /// Rate the company the thread is with (its buyer only).
    Rate,
}

pub fn inquiry_party(
    actor: &Actor,
    buyer_id: Uuid,
    role_in_company: Option<MemberRole>,
) -> InquiryParty {
    if actor.user_id == buyer_id {
        InquiryParty::Buyer
    } else if let Some(role) = role_in_company {
        InquiryParty::Member(role)
    } else if actor.is_operator() {
        InquiryParty::Operator
    } else {
        InquiryParty::Stranger
    }
}

/// Only the buyer, the company's members and operators see a thread; operators only read it.
/// Any member answers, closes and marks spam; owners and admins assign.
pub fn may_on_inquiry(party: InquiryParty, action: InquiryAction) -> bool {
    use InquiryParty::*;
    match action {
        InquiryAction::View => party != Stranger,
        InquiryAction::Write => matches!(party, Buyer | Member(_)),
        InquiryAction::MarkSpam => matches!(party, Member(_)),
        InquiryAction::Rate => party == Buyer,
        InquiryAction::Assign => {
            matches!(party, Member(MemberRole::Owner | MemberRole::Admin))
        }
    }
}

/// How an account stands to a listing: its owner (the account that posted it) and its role in
/// the listing's company, if the listing has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingRelation {
    pub is_owner: bool,
    pub company_role: Option<MemberRole>,
}

/// Actions on one listing (sell offer or buy request) and its quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingAction {
    /// See it in a state the public does not (draft, under review, rejected).
    ViewPrivate,
    /// Edit, publish, close, republish.
    Write,
    /// See every quote on a buy request side by side.
    CompareQuotes,
    /// Accept a quote (purchase intent).
    AcceptQuote,
}

/// Whether the actor may post a listing. Sell offers are a company's (any member posts them);
/// buy requests are for any buyer or supplier account; operators post nothing.
pub fn may_post_listing(actor: &Actor, sell: bool, membership: Option<MemberRole>) -> bool {
    match actor.account_type {
        AccountType::Operator => false,
        _ if sell => membership.is_some(),
        AccountType::Buyer | AccountType::Supplier => true,
    }
}

/// A buy request belongs to the account that posted it; a sell offer to its company, whose
/// members all write it, as they write products. Operators see everything and write nothing
/// (they moderate through their own routes).
pub fn may_on_listing(
    actor: &Actor,
    sell: bool,
    rel: ListingRelation,
    action: ListingAction,
) -> bool {
    let writer = rel.is_owner || (sell && rel.company_role.is_some());
    match action {
        ListingAction::ViewPrivate => writer || actor.is_operator(),
        ListingAction::Write => writer,
        ListingAction::CompareQuotes => (!sell && rel.is_owner) || actor.is_operator(),
        ListingAction::AcceptQuote => !sell && rel.is_owner,
    }
}

/// Whether a member of a company (`quoter_role`) may quote on a buy request: never on their own
/// request or on one their company posted.
pub fn may_quote(actor: &Actor, rel: ListingRelation, quoter_role: Option<MemberRole>) -> bool {
    actor.account_type == AccountType::Supplier
        && quoter_role.is_some()
        && !rel.is_owner
        && rel.company_role.is_none()
}

/// How an account stands to a quote: the buy request's owner, or a member of the quoting company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRelation {
    pub is_request_owner: bool,
    pub quoter_role: Option<MemberRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAction {
    /// The quote and its revision history.
    View,
    Revise,
    Accept,
    /// Rate the quoting company once its quote was accepted (the buyer only).
    Rate,
}

pub fn may_on_quote(actor: &Actor, rel: QuoteRelation, action: QuoteAction) -> bool {
    match action {
        QuoteAction::View => {
            rel.is_request_owner || rel.quoter_role.is_some() || actor.is_operator()
        }
        QuoteAction::Revise => rel.quoter_role.is_some(),
        QuoteAction::Accept | QuoteAction::Rate => rel.is_request_owner,
    }
}

/// Who sees a change request (its diff and decision): the members of the item's company (for
/// products and sell offers), the listing's owner, and operators; nobody else learns it exists.
pub fn may_view_change_request(
    actor: &Actor,
    company_role: Option<MemberRole>,
    is_owner: bool,
) -> bool {
    actor.is_operator() || company_role.is_some() || is_owner
}

/// Whether `actor` (with `actor_role`) may give or take away `target` role in a company.
/// Owners manage everyone; admins manage staff only; nobody else manages members.
pub fn may_manage_role(actor_role: Option<MemberRole>, target: MemberRole) -> bool {
    match actor_role {
        Some(MemberRole::Owner) => true,
        Some(MemberRole::Admin) => target == MemberRole::Staff,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(t: AccountType) -> Actor {
        Actor {
            user_id: Uuid::nil(),
            account_type: t,
        }
    }

    #[test]
    fn staff_writes_products_but_not_profile() {
        let a = actor(AccountType::Supplier);
        let staff = Some(MemberRole::Staff);
        assert!(may_on_company(&a, staff, CompanyAction::WriteProducts));
        assert!(!may_on_company(&a, staff, CompanyAction::EditProfile));
        assert!(!may_on_company(&a, None, CompanyAction::WriteProducts));
    }

    #[test]
    fn operators_see_but_do_not_write() {
        let o = actor(AccountType::Operator);
        assert!(may_on_company(&o, None, CompanyAction::ViewPrivate));
        assert!(!may_on_company(&o, None, CompanyAction::WriteProducts));
        assert!(!may_on_company(&o, None, CompanyAction::WorkLeads));
        assert!(may_on_platform(&o, PlatformAction::Moderate));
        assert!(!may_on_platform(&o, PlatformAction::CreateCompany));
    }

    #[test]
    fn inquiry_parties() {
        let buyer = actor(AccountType::Buyer);
        let other = Actor {
            user_id: Uuid::max(),
            account_type: AccountType::Supplier,
        };
        assert_eq!(
            inquiry_party(&buyer, Uuid::nil(), None),
            InquiryParty::Buyer
        );
        assert_eq!(
            inquiry_party(&other, Uuid::nil(), None),
            InquiryParty::Stranger
        );
        let op = Actor {
            user_id: Uuid::max(),
            account_type: AccountType::Operator,
        };
        let party = inquiry_party(&op, Uuid::nil(), None);
        assert!(may_on_inquiry(party, InquiryAction::View));
        assert!(!may_on_inquiry(party, InquiryAction::Write));
        let staff = InquiryParty::Member(MemberRole::Staff);
        assert!(may_on_inquiry(staff, InquiryAction::MarkSpam));
        assert!(!may_on_inquiry(staff, InquiryAction::Assign));
        assert!(!may_on_inquiry(
            InquiryParty::Buyer,
            InquiryAction::MarkSpam
        ));
        assert!(!may_on_inquiry(InquiryParty::Stranger, InquiryAction::View));
    }

    #[test]
    fn listings_and_quotes() {
        let buyer = actor(AccountType::Buyer);
        let supplier = actor(AccountType::Supplier);
        let op = actor(AccountType::Operator);
        assert!(may_post_listing(&buyer, false, None));
        assert!(!may_post_listing(&buyer, true, None));
        assert!(may_post_listing(&supplier, true, Some(MemberRole::Staff)));
        assert!(!may_post_listing(&op, false, None));
        let owner = ListingRelation {
            is_owner: true,
            company_role: None,
        };
        let colleague = ListingRelation {
            is_owner: false,
            company_role: Some(MemberRole::Staff),
        };
        // A colleague writes the company's sell offer but not a member's buy request.
        assert!(may_on_listing(
            &supplier,
            true,
            colleague,
            ListingAction::Write
        ));
        assert!(!may_on_listing(
            &supplier,
            false,
            colleague,
            ListingAction::Write
        ));
        assert!(may_on_listing(
            &buyer,
            false,
            owner,
            ListingAction::AcceptQuote
        ));
        assert!(may_on_listing(
            &op,
            false,
            ListingRelation {
                is_owner: false,
                company_role: None
            },
            ListingAction::CompareQuotes
        ));
        assert!(!may_on_listing(
            &op,
            true,
            ListingRelation {
                is_owner: false,
                company_role: None
            },
            ListingAction::Write
        ));
        // Nobody quotes on their own or their company's request.
        assert!(!may_quote(&supplier, owner, Some(MemberRole::Owner)));
        assert!(!may_quote(&supplier, colleague, Some(MemberRole::Staff)));
        let stranger = ListingRelation {
            is_owner: false,
            company_role: None,
        };
        assert!(may_quote(&supplier, stranger, Some(MemberRole::Staff)));
        assert!(!may_quote(&buyer, stranger, None));
    }

    #[test]
    fn admins_manage_staff_only() {
        assert!(may_manage_role(Some(MemberRole::Admin), MemberRole::Staff));
        assert!(!may_manage_role(Some(MemberRole::Admin), MemberRole::Owner));
        assert!(!may_manage_role(Some(MemberRole::Staff), MemberRole::Staff));
        assert!(may_manage_role(Some(MemberRole::Owner), MemberRole::Owner));
    }
}
