//! Companies (enterprise storefronts): licence facts, members, verification state.

mod change;
mod directory;
mod error;
mod input;
mod licence;
mod members;
mod model;
mod repo;
mod response_rate;
mod service;
mod slug;
mod storefront;
mod uscc;
mod verification;

pub use change::CompanyEdit;
pub(crate) use change::{apply_change_in_tx, live_fields};
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
pub(crate) use repo::{company_is_public, load_company};
pub use repo::{find_company, membership_of, role_in};
pub use response_rate::refresh_response_rates;
pub use service::{create_company, get_company, update_company};
pub use slug::{derive_slug, is_valid_slug};
pub use storefront::{Storefront, storefront};
pub use uscc::{UsccProblem, check_character, complete_uscc, parse_uscc};
pub(crate) use verification::change_status_in_tx;
pub use verification::{StatusAction, change_status};
