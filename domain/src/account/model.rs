use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::users;
use crate::enums::from_db;
use crate::ids::parse_db_id;

// Defined with the actor in `access`, which decides by them and sits below `account`.
pub use crate::access::{AccountStatus, AccountType};

#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub account_type: AccountType,
    pub status: AccountStatus,
    pub created_at: PrimitiveDateTime,
    /// When the current address was proven to be the owner's (`None`: not yet).
    pub email_verified_at: Option<PrimitiveDateTime>,
    /// An address the owner asked to switch to; it takes effect once verified.
    pub pending_email: Option<String>,
    /// The version access tokens are issued under (see `UserRow::token_version`).
    pub token_version: i32,
}

impl User {
    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub account_type: String,
    pub status: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub email_verified_at: Option<PrimitiveDateTime>,
    pub pending_email: Option<String>,
    /// Raised by a password change or reset: access tokens carry the version they were issued
    /// under, so every older one stops working at once.
    pub token_version: i32,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: parse_db_id(&row.id),
            email: row.email,
            display_name: row.display_name,
            account_type: from_db(&row.account_type, AccountType::parse, AccountType::Buyer),
            status: from_db(&row.status, AccountStatus::parse, AccountStatus::Disabled),
            created_at: row.created_at,
            email_verified_at: row.email_verified_at,
            pending_email: row.pending_email,
            token_version: row.token_version,
        }
    }
}
