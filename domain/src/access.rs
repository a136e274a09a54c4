//! Who may do what: every authorization decision of the domain is made here, from the actor's
//! account type and their role in the company concerned. Services look the role up and ask.

use uuid::Uuid;

use crate::account::AccountType;
use crate::company::MemberRole;

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
}

/// Platform-wide actions that depend on the account alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformAction {
    CreateCompany,
    Moderate,
    /// Open inquiry threads with companies.
    SendInquiry,
}

pub fn may_on_company(actor: &Actor, role: Option<MemberRole>, action: CompanyAction) -> bool {
    use CompanyAction::*;
    use MemberRole::*;
    match action {
        ViewPrivate => role.is_some() || actor.is_operator(),
        EditProfile | ManageMembers | ManageBlockedBuyers | AssignLeads => {
            matches!(role, Some(Owner | Admin))
        }
        WriteProducts | WorkLeads => role.is_some(),
    }
}

pub fn may_on_platform(actor: &Actor, action: PlatformAction) -> bool {
    match action {
        PlatformAction::CreateCompany => actor.account_type == AccountType::Supplier,
        PlatformAction::Moderate => actor.is_operator(),
        PlatformAction::SendInquiry => matches!(
            actor.account_type,
            AccountType::Buyer | AccountType::Supplier
        ),
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
        InquiryAction::Assign => {
            matches!(party, Member(MemberRole::Owner | MemberRole::Admin))
        }
    }
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
    fn admins_manage_staff_only() {
        assert!(may_manage_role(Some(MemberRole::Admin), MemberRole::Staff));
        assert!(!may_manage_role(Some(MemberRole::Admin), MemberRole::Owner));
        assert!(!may_manage_role(Some(MemberRole::Staff), MemberRole::Staff));
        assert!(may_manage_role(Some(MemberRole::Owner), MemberRole::Owner));
    }
}
