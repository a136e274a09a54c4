//! Creating, listing, revoking and authenticating keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::error::ApiKeyError;
use super::model::{
    ApiKey, ApiKeyRow, KeyPrincipal, NewApiKey, SECRET_PREFIX, Scope, actor_of, parse_scopes,
};
use crate::access::{AccountStatus, Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::db::schema::{api_keys, companies, users};
use crate::db::{self, DbConnection};
use crate::ids::{new_id, parse_db_id};
use crate::membership::role_in;
use crate::validate::Validator;

/// Keys a company may have that are neither revoked nor expired.
pub const MAX_ACTIVE_KEYS: i64 = 50;

/// `last_used_at` is written at most this often per key, so that a busy key costs no write per
/// request.
pub const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// The stored form of a secret.
///
/// SHA-256, not a password hash such as argon2: a password hash is slow on purpose because
/// passwords are guessable, and it would make every request with a key pay tens of
/// milliseconds. A secret here is 256 random bits; no amount of hashing speed makes guessing
/// one feasible, and a leaked table of digests gives nothing to try offline. The digest is also
/// a unique, indexable lookup key, so a request finds its key in one indexed read.
fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_secret() -> Result<String, ApiKeyError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiKeyError::Database(diesel::result::Error::QueryBuilderError(e.into())))?;
    Ok(format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Owners and admins manage keys; other members and operators get 403; everyone else (and a
/// company that does not exist) 404, as for the company's other private data.
fn authorize(conn: &mut DbConnection, actor: &Actor, company_id: Uuid) -> Result<(), ApiKeyError> {
    let role = role_in(conn, company_id, actor.user_id)?;
    if may_on_company(actor, role, CompanyAction::ManageApiKeys) {
        return Ok(());
    }
    if role.is_some() {
        return Err(ApiKeyError::Forbidden);
    }
    if actor.is_operator() {
        let exists: i64 = companies::table
            .find(company_id.to_string())
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(ApiKeyError::Forbidden);
        }
    }
    Err(ApiKeyError::CompanyNotFound)
}

/// Creates a key; returns it with its secret, which is never shown again. Audited.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    input: NewApiKey,
) -> Result<(ApiKey, String), ApiKeyError> {
    authorize(conn, actor, company_id)?;
    let at = now();
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 1, 100);
    let mut scopes: Vec<Scope> = Vec::new();
    v.check(
        !input.scopes.is_empty(),
        "scopes",
        "required",
        "give the key at least one scope",
    );
    for (i, name) in input.scopes.iter().enumerate() {
        match Scope::parse(name) {
            Some(s) if !scopes.contains(&s) => scopes.push(s),
            Some(_) => v.push(format!("scopes[{i}]"), "duplicate", "listed twice"),
            None => v.push(
                format!("scopes[{i}]"),
                "invalid_choice",
                format!("one of {}", Scope::names()),
            ),
        }
    }
    if let Some(expires_at) = input.expires_at {
        v.check(
            expires_at > at,
            "expires_at",
            "out_of_range",
            "must be in the future",
        );
    }
    v.finish().map_err(ApiKeyError::Validation)?;
    let secret = new_secret()?;
    db::transaction(conn, |conn| {
        let active: i64 = api_keys::table
            .filter(api_keys::company_id.eq(company_id.to_string()))
            .filter(api_keys::revoked_at.is_null())
            .filter(
                api_keys::expires_at
                    .is_null()
                    .or(api_keys::expires_at.gt(at)),
            )
            .count()
            .get_result(conn)?;
        if active >= MAX_ACTIVE_KEYS {
            return Err(ApiKeyError::Validation(vec![
                crate::error::FieldError::new(
                    "name",
                    "too_many",
                    format!(
                        "a company has at most {MAX_ACTIVE_KEYS} active keys; revoke one first"
                    ),
                ),
            ]));
        }
        let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let row = ApiKeyRow {
            id: new_id().to_string(),
            company_id: company_id.to_string(),
            created_by: actor.user_id.to_string(),
            name,
            scopes: json!(names).to_string(),
            secret_hash: secret_hash(&secret),
            prefix: secret.chars().take(SECRET_PREFIX.len() + 8).collect(),
            expires_at: input.expires_at,
            last_used_at: None,
            revoked_at: None,
            created_at: at,
        };
        diesel::insert_into(api_keys::table)
            .values(&row)
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "api_key.create",
                subject_type: "api_key",
                subject_id: &row.id,
                before: serde_json::Value::Null,
                after: json!({
                    "company_id": row.company_id,
                    "name": row.name,
                    "scopes": names,
                    "prefix": row.prefix,
                    "expires_at": row.expires_at.map(crate::ids::rfc3339),
                }),
                reason: "",
            },
        )?;
        Ok((ApiKey::from(row), secret))
    })
}

/// The company's keys, newest first, revoked and expired ones included.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<Vec<ApiKey>, ApiKeyError> {
    authorize(conn, actor, company_id)?;
    let rows: Vec<ApiKeyRow> = api_keys::table
        .filter(api_keys::company_id.eq(company_id.to_string()))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKeyRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(ApiKey::from).collect())
}

/// Revokes a key of the company (at once: its next request is refused). Revoking a revoked
/// key changes nothing. Audited.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    key_id: Uuid,
) -> Result<ApiKey, ApiKeyError> {
    authorize(conn, actor, company_id)?;
    db::transaction(conn, |conn| {
        let row: ApiKeyRow = api_keys::table
            .find(key_id.to_string())
            .filter(api_keys::company_id.eq(company_id.to_string()))
            .select(ApiKeyRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(ApiKeyError::NotFound)?;
        if row.revoked_at.is_some() {
            return Ok(ApiKey::from(row));
        }
        let at = now();
        diesel::update(api_keys::table.find(&row.id))
            .set(api_keys::revoked_at.eq(Some(at)))
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "api_key.revoke",
                subject_type: "api_key",
                subject_id: &row.id,
                before: json!({"revoked": false}),
                after: json!({"revoked": true, "company_id": row.company_id, "name": row.name}),
                reason: "",
            },
        )?;
        Ok(ApiKey::from(ApiKeyRow {
            revoked_at: Some(at),
            ..row
        }))
    })
}

/// The principal of a secret: refused when unknown, revoked, expired, or when its creator is
/// no longer an active member of the company (the key acts through them).
pub fn authenticate(conn: &mut DbConnection, secret: &str) -> Result<KeyPrincipal, ApiKeyError> {
    if !secret.starts_with(SECRET_PREFIX) {
        return Err(ApiKeyError::Invalid);
    }
    let row: ApiKeyRow = api_keys::table
        .filter(api_keys::secret_hash.eq(secret_hash(secret)))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiKeyError::Invalid)?;
    if row.revoked_at.is_some() {
        return Err(ApiKeyError::Revoked);
    }
    if row.expires_at.is_some_and(|e| e <= now()) {
        return Err(ApiKeyError::Expired);
    }
    let company_id = parse_db_id(&row.company_id);
    let creator = parse_db_id(&row.created_by);
    let account: Option<(String, String, Option<PrimitiveDateTime>)> = users::table
        .find(&row.created_by)
        .select((users::status, users::account_type, users::email_verified_at))
        .first(conn)
        .optional()?;
    let Some((status, account_type, verified_at)) = account else {
        return Err(ApiKeyError::Invalid);
    };
    if status != AccountStatus::Active.as_str() || role_in(conn, company_id, creator)?.is_none() {
        return Err(ApiKeyError::Invalid);
    }
    Ok(KeyPrincipal {
        key_id: parse_db_id(&row.id),
        company_id,
        actor: actor_of(creator, &account_type),
        scopes: parse_scopes(&row.scopes),
        last_used_at: row.last_used_at,
        email_verified: verified_at.is_some(),
    })
}

/// Records a use of the key at `at`, unless one within `LAST_USED_GRANULARITY` is recorded
/// already (callers skip the call then; the condition keeps concurrent requests from writing
/// twice).
pub fn touch(conn: &mut DbConnection, key_id: Uuid, at: PrimitiveDateTime) -> QueryResult<()> {
    db::transaction(conn, |conn| {
        diesel::update(
            api_keys::table.find(key_id.to_string()).filter(
                api_keys::last_used_at
                    .is_null()
                    .or(api_keys::last_used_at.lt(at - LAST_USED_GRANULARITY)),
            ),
        )
        .set(api_keys::last_used_at.eq(Some(at)))
        .execute(conn)
        .map(|_| ())
    })
}

/// Records in the audit log that a key made a successful write (the method, the route and the
/// path it was sent to, the status), attributed to the key and to the member it acts for.
pub fn record_write(
    conn: &mut DbConnection,
    principal: &KeyPrincipal,
    method: &str,
    route: &str,
    path: &str,
    status: u16,
) -> QueryResult<()> {
    db::transaction(conn, |conn| {
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(principal.actor.user_id),
                action: "api_key.write",
                subject_type: "api_key",
                subject_id: &principal.key_id.to_string(),
                before: serde_json::Value::Null,
                after: json!({
                    "company_id": principal.company_id.to_string(),
                    "method": method,
                    "route": route,
                    "path": path,
                    "status": status,
                }),
                reason: "",
            },
        )
        .map(|_| ())
    })
}
