//! Companies (enterprise storefronts): licence facts, members, verification state.

mod change;
mod directory;
mod error;
mod input;
mod licence;
mod members;
mod model;
mod repo;
mod reviewable;
mod service;
mod slug;
mod standing;
mod uscc;
mod verification;

pub use crate::membership::{membership_of, role_in};
pub use change::CompanyEdit;
pub use directory::{directory, provinces, public_slugs_after};
pub use error::CompanyError;
pub use input::{CertificationInput, CompanyInput, ContactInput};
pub(crate) use licence::managers_of;
pub use licence::{licence_warning_due, notify_licence_expiry};
pub use members::{Member, add_member, list_members, remove_member};
pub(crate) use model::CompanyRow;
pub use model::{
    Certification, Company, CompanyType, Contact, EmployeeRange, LicenceExpiry, MemberRole,
    VerificationStatus,
};
pub use repo::find_company;
pub(crate) use repo::{company_is_public, load_company, modify_company};
pub(crate) use reviewable::CompanyReview;
pub use service::{create_company, get_company, update_company};
pub use slug::{derive_slug, is_valid_slug};
pub(crate) use standing::company_lock;
pub use uscc::{UsccProblem, check_character, complete_uscc, parse_uscc};
pub(crate) use verification::change_status_in_tx;
pub use verification::{StatusAction, change_status};
