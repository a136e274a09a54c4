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
}

/// Platform-wide actions that depend on the account alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformAction {
    CreateCompany,
    Moderate,
}

pub fn may_on_company(actor: &Actor, role: Option<MemberRole>, action: CompanyAction) -> bool {
    use CompanyAction::*;
    use MemberRole::*;
    match action {
        ViewPrivate => role.is_some() || actor.is_operator(),
        EditProfile | ManageMembers => matches!(role, Some(Owner | Admin)),
        WriteProducts | WorkLeads => role.is_some(),
        AssignLeads => matches!(role, Some(Owner | Admin)),
    }
}

pub fn may_on_platform(actor: &Actor, action: PlatformAction) -> bool {
    match action {
        PlatformAction::CreateCompany => actor.account_type == AccountType::Supplier,
        PlatformAction::Moderate => actor.is_operator(),
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
    fn admins_manage_staff_only() {
        assert!(may_manage_role(Some(MemberRole::Admin), MemberRole::Staff));
        assert!(!may_manage_role(Some(MemberRole::Admin), MemberRole::Owner));
        assert!(!may_manage_role(Some(MemberRole::Staff), MemberRole::Staff));
        assert!(may_manage_role(Some(MemberRole::Owner), MemberRole::Owner));
    }
}
