use diesel::prelude::*;
use uuid::Uuid;

use super::model::UserRow;
use super::password::{DUMMY_HASH, password_problem};
use super::{AccountError, AccountStatus, AccountType, User, hash_password, verify_password};
use crate::clock::now;
use crate::db::schema::users;
use crate::db::{self, DbConnection, unique_violation_on};
use crate::ids::new_id;
use crate::lead_alerts::MailSettings;
use crate::validate::Validator;
use crate::validate::normalize_email;

/// What a person submits to open an account.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// `buyer` or `supplier`; operators are created from the command line only.
    pub account_type: String,
    /// The visitor accepts the current terms of service and privacy notice. Required once an
    /// operator has published them; the versions accepted are recorded with the account.
    pub accept_terms: bool,
}

/// What registration did. The API answers both the same way, so that registration does not
/// tell whether an address has an account; the address's owner is told by e-mail instead.
#[derive(Debug, Clone)]
pub enum Registered {
    New(User),
    AddressTaken,
}

/// Opens an account and sends the verification e-mail, or, when the address already has an
/// account, tells its owner by e-mail (at most once an hour).
pub fn register(
    conn: &mut DbConnection,
    input: Registration,
    settings: &MailSettings,
) -> Result<Registered, AccountError> {
    let terms_required = !crate::policy::required_for_registration(conn)?.is_empty();
    let accepted = input.accept_terms;
    let (email, password, display_name, account_type) =
        validate_registration(input, terms_required)?;
    // The link key is created outside the transaction (see `link_key`).
    crate::email::link_key(conn)?;
    match insert_user(
        conn,
        &email,
        &password,
        &display_name,
        account_type,
        false,
        |conn, user| {
            if accepted {
                // The versions current when the account is created, read in its transaction.
                let documents = crate::policy::required_for_registration(conn)?;
                crate::policy::record_acceptance(conn, user.id, &documents)?;
            }
            super::mail::send_verification(
                conn,
                settings,
                user.id,
                &user.display_name,
                &user.email,
                false,
            )
        },
    ) {
        Ok(user) => Ok(Registered::New(user)),
        Err(AccountError::EmailTaken) => {
            db::transaction(conn, |conn| {
                let owner: Option<(String, String)> = users::table
                    .filter(users::email.eq(&email))
                    .select((users::id, users::display_name))
                    .first(conn)
                    .optional()?;
                if let Some((id, name)) = owner {
                    super::mail::send_address_taken(
                        conn,
                        settings,
                        crate::ids::parse_db_id(&id),
                        &name,
                        &email,
                    )?;
                }
                Ok::<_, AccountError>(())
            })?;
            Ok(Registered::AddressTaken)
        }
        Err(e) => Err(e),
    }
}

/// Registration with the address taken as verified (demo data, whose addresses are ours).
pub fn register_verified(
    conn: &mut DbConnection,
    input: Registration,
) -> Result<User, AccountError> {
    let (email, password, display_name, account_type) = validate_registration(input, false)?;
    insert_user(
        conn,
        &email,
        &password,
        &display_name,
        account_type,
        true,
        |_, _| Ok(()),
    )
}

fn validate_registration(
    input: Registration,
    terms_required: bool,
) -> Result<(String, String, String, AccountType), AccountError> {
    let mut v = Validator::new();
    if terms_required && !input.accept_terms {
        v.push(
            "accept_terms",
            "terms_not_accepted",
            "accept the terms of service and the privacy notice",
        );
    }
    let email = normalize_email(&input.email);
    if email.is_none() {
        v.push("email", "invalid_email", "must be a valid e-mail address");
    }
    let display_name = v.text("display_name", &input.display_name, 1, 80);
    let account_type = match AccountType::parse(&input.account_type) {
        Some(t @ (AccountType::Buyer | AccountType::Supplier)) => t,
        _ => {
            v.push(
                "account_type",
                "invalid_choice",
                "must be one of: buyer, supplier",
            );
            AccountType::Buyer
        }
    };
    let email_text = email.clone().unwrap_or_default();
    if let Some((code, message)) = password_problem(&input.password, &[&email_text, &display_name])
    {
        v.push("password", code, message);
    }
    v.finish().map_err(AccountError::Validation)?;
    Ok((email_text, input.password, display_name, account_type))
}

/// Creates an operator account (command line only: operators cannot self-register).
pub fn create_operator(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    display_name: &str,
) -> Result<User, AccountError> {
    let mut v = Validator::new();
    let email = normalize_email(email).unwrap_or_default();
    v.check(
        !email.is_empty(),
        "email",
        "invalid_email",
        "must be a valid e-mail address",
    );
    if let Some((code, message)) = password_problem(password, &[&email]) {
        v.push("password", code, message);
    }
    let display_name = v.text("display_name", display_name, 1, 80);
    v.finish().map_err(AccountError::Validation)?;
    // Operators are created by whoever runs the server, for addresses they know.
    insert_user(
        conn,
        &email,
        password,
        &display_name,
        AccountType::Operator,
        true,
        |_, _| Ok(()),
    )
}

/// Inserts the account and runs `then` in the same transaction (the verification e-mail).
/// An address already in use is `EmailTaken`.
fn insert_user(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    display_name: &str,
    account_type: AccountType,
    verified: bool,
    then: impl FnOnce(&mut DbConnection, &User) -> QueryResult<()>,
) -> Result<User, AccountError> {
    // Hash before the transaction: it is the slow part and needs no lock.
    let password_hash = hash_password(password)?;
    let at = now();
    let row = UserRow {
        id: new_id().to_string(),
        email: email.to_owned(),
        password_hash,
        display_name: display_name.to_owned(),
        account_type: account_type.as_str().to_owned(),
        status: AccountStatus::Active.as_str().to_owned(),
        created_at: at,
        updated_at: at,
        email_verified_at: verified.then_some(at),
        pending_email: None,
        token_version: 0,
    };
    db::transaction(conn, |conn| {
        let taken: i64 = users::table
            .filter(users::email.eq(email))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(AccountError::EmailTaken);
        }
        diesel::insert_into(users::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| {
                if unique_violation_on(&e, "users", "email") {
                    AccountError::EmailTaken
                } else {
                    AccountError::Database(e)
                }
            })?;
        let user = User::from(row.clone());
        then(conn, &user)?;
        Ok(user)
    })
}

/// Checks credentials. An unknown address and a wrong password give the same error after the
/// same amount of work.
pub fn authenticate(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
) -> Result<User, AccountError> {
    let row = match normalize_email(email) {
        Some(email) => users::table
            .filter(users::email.eq(email))
            .select(UserRow::as_select())
            .first(conn)
            .optional()?,
        None => None,
    };
    let Some(row) = row else {
        verify_password(password, &DUMMY_HASH);
        return Err(AccountError::InvalidCredentials);
    };
    if !verify_password(password, &row.password_hash) {
        return Err(AccountError::InvalidCredentials);
    }
    let user = User::from(row);
    if user.status != AccountStatus::Active {
        return Err(AccountError::Disabled);
    }
    Ok(user)
}

pub fn find_user(conn: &mut DbConnection, id: Uuid) -> Result<User, AccountError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::from)
        .ok_or(AccountError::NotFound)
}

pub fn find_user_by_email(conn: &mut DbConnection, email: &str) -> Result<User, AccountError> {
    let Some(email) = normalize_email(email) else {
        return Err(AccountError::NotFound);
    };
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::from)
        .ok_or(AccountError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized() {
        assert_eq!(
            normalize_email("  Li.Wei@Example.COM ").as_deref(),
            Some("li.wei@example.com")
        );
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@localhost"), None);
    }
}
