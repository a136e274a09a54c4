use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::access::{AccountType, Actor};
use crate::db::schema::api_keys;
use crate::ids::parse_db_id;

/// Every secret starts with this, so a key is told from an access token (a JWT) at a glance,
/// and secret scanners can find leaked ones.
pub const SECRET_PREFIX: &str = "tfk_";

crate::text_enum! {
    /// What a key may do. Each API route that accepts keys names the one scope it needs.
    pub enum Scope {
        CatalogRead => "catalog:read",
        CatalogWrite => "catalog:write",
        InquiriesRead => "inquiries:read",
        InquiriesWrite => "inquiries:write",
        LeadsRead => "leads:read",
        LeadsWrite => "leads:write",
        WebhooksManage => "webhooks:manage",
    }
}

/// A key as its company's managers see it (never with its secret).
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: Uuid,
    pub company_id: Uuid,
    pub created_by: Uuid,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The first characters of the secret (`tfk_` and 8 more), to tell keys apart.
    pub prefix: String,
    pub expires_at: Option<PrimitiveDateTime>,
    /// To the minute (see `LAST_USED_GRANULARITY`).
    pub last_used_at: Option<PrimitiveDateTime>,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

/// What a new key is made of.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    /// Scope names as sent; unknown ones are a field error.
    pub scopes: Vec<String>,
    pub expires_at: Option<PrimitiveDateTime>,
}

/// Who a request with a valid key acts as: the company's member who created the key (so every
/// authorization rule of the services applies to it), restricted to the key's scopes.
#[derive(Debug, Clone)]
pub struct KeyPrincipal {
    pub key_id: Uuid,
    pub company_id: Uuid,
    pub actor: Actor,
    pub scopes: Vec<Scope>,
    pub last_used_at: Option<PrimitiveDateTime>,
    /// Whether the creator's address is verified (what sending an inquiry needs).
    pub email_verified: bool,
}

impl KeyPrincipal {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub(super) struct ApiKeyRow {
    pub id: String,
    pub company_id: String,
    pub created_by: String,
    pub name: String,
    pub scopes: String,
    pub secret_hash: String,
    pub prefix: String,
    pub expires_at: Option<PrimitiveDateTime>,
    pub last_used_at: Option<PrimitiveDateTime>,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

pub(super) fn parse_scopes(json: &str) -> Vec<Scope> {
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_else(|_| {
        tracing::error!(value = json, "malformed API key scopes in database");
        Vec::new()
    });
    // An unknown stored name grants nothing.
    names.iter().filter_map(|n| Scope::parse(n)).collect()
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> ApiKey {
        ApiKey {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            created_by: parse_db_id(&r.created_by),
            name: r.name,
            scopes: parse_scopes(&r.scopes),
            prefix: r.prefix,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            created_at: r.created_at,
        }
    }
}

pub(super) fn actor_of(user_id: Uuid, account_type: &str) -> Actor {
    Actor {
        user_id,
        account_type: AccountType::parse(account_type).unwrap_or(AccountType::Supplier),
    }
}
