use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::users;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum AccountType { Buyer => "buyer", Supplier => "supplier", Operator => "operator" }
}

crate::text_enum! {
    pub enum AccountStatus { Active => "active", Disabled => "disabled" }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub account_type: AccountType,
    pub status: AccountStatus,
    pub created_at: PrimitiveDateTime,
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
        }
    }
}
