use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::CompanyError;
use super::change::CompanyEdit;
use super::input::{CompanyInput, ValidCompany};
use super::model::{Company, CompanyRow, MemberRole, VerificationStatus};
use super::repo::{denial, find_company, save_company};
use super::slug::derive_slug;
use crate::access::{Actor, CompanyAction, PlatformAction, may_on_company, may_on_platform};
use crate::clock::now;
use crate::db::schema::{companies, company_members};
use crate::db::{self, DbConnection, unique_violation_on};
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::membership::{membership_of, role_in};
use crate::outbox::{self, topic};

fn map_unique(e: diesel::result::Error) -> CompanyError {
    if unique_violation_on(&e, "companies", "slug") {
        CompanyError::SlugTaken
    } else if unique_violation_on(&e, "companies", "credit_code") {
        CompanyError::CreditCodeTaken
    } else if unique_violation_on(&e, "company_members", "user_id") {
        CompanyError::AlreadyInCompany
    } else {
        CompanyError::Database(e)
    }
}

fn fill_row(row: &mut CompanyRow, v: ValidCompany) {
    row.legal_name = v.legal_name;
    row.english_name = v.english_name;
    row.credit_code = v.credit_code;
    row.legal_representative = v.legal_representative;
    row.registered_address = v.registered_address;
    row.province = v.province;
    row.city = v.city;
    row.business_scope = v.business_scope;
    row.year_established = v.year_established;
    row.employee_range = v.employee_range.map(|e| e.as_str().to_owned());
    row.company_type = v.company_type.as_str().to_owned();
    row.main_products = to_json(&v.main_products);
    row.contacts = to_json(&v.contacts);
    row.logo_id = v.logo_id;
    row.banner_id = v.banner_id;
    row.description = v.description;
    row.certifications = to_json(&v.certifications);
    row.licence_scan_id = v.licence_scan_id;
    row.licence_expires_on = v.licence_expiry.map(|e| e.to_db());
}

/// A supplier account creates its company and becomes its owner. The company starts `pending`.
/// Screens what the profile shows buyers; a blocking hit refuses the write.
fn screen_company(
    conn: &mut DbConnection,
    row: &CompanyRow,
) -> Result<crate::screening::Verdict, CompanyError> {
    let description = crate::text::plain_text(&row.description);
    let main_products: Vec<String> = crate::json_col::from_json(&row.main_products);
    let main_products = main_products.join(", ");
    let verdict = crate::screening::screen(
        conn,
        &[
            ("legal_name", &row.legal_name),
            ("english_name", row.english_name.as_deref().unwrap_or("")),
            ("business_scope", &row.business_scope),
            ("main_products", &main_products),
            ("description", &description),
        ],
    )?;
    if verdict.blocked() {
        return Err(CompanyError::Blocked(verdict.block_errors()));
    }
    Ok(verdict)
}

/// Attaches the logo, banner and licence scan the input names (absent ones are left alone):
/// uploads of the actor or of a member of the company, for the right purpose.
fn attach_media(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    input: &CompanyInput,
) -> Result<(), CompanyError> {
    use crate::media::{MediaError, Target};
    let wanted = [
        (
            input.logo_id.as_deref(),
            Target::CompanyLogo(company_id),
            "logo_id",
        ),
        (
            input.banner_id.as_deref(),
            Target::CompanyBanner(company_id),
            "banner_id",
        ),
        (
            input.licence_scan_id.as_deref(),
            Target::CompanyLicence(company_id),
            "licence_scan_id",
        ),
    ];
    for (value, target, field) in wanted {
        // Absent, cleared (`""`) or malformed (reported by `validate`): nothing to attach.
        let Some(id) = value.and_then(|v| Uuid::parse_str(v.trim()).ok()) else {
            continue;
        };
        crate::media::attach(conn, actor.user_id, Some(company_id), target, field, &[id]).map_err(
            |e| match e {
                MediaError::Validation(mut f) => {
                    // One id, not a list: the error is on the field itself.
                    f.iter_mut().for_each(|f| f.field = field.to_owned());
                    CompanyError::Validation(f)
                }
                MediaError::Database(e) => CompanyError::Database(e),
                _ => CompanyError::NotFound,
            },
        )?;
    }
    Ok(())
}

pub fn create_company(
    conn: &mut DbConnection,
    actor: &Actor,
    input: CompanyInput,
) -> Result<Company, CompanyError> {
    if !may_on_platform(actor, PlatformAction::CreateCompany) {
        return Err(CompanyError::NotASupplier);
    }
    let media_input = input.clone();
    let valid = input.validate(None).map_err(CompanyError::Validation)?;
    let explicit_slug = valid.slug.clone();
    let base_slug = explicit_slug
        .clone()
        .or_else(|| valid.english_name.as_deref().and_then(derive_slug))
        .unwrap_or_else(|| "company".to_owned());
    let id = new_id();
    let at = now();
    let mut row = CompanyRow {
        id: id.to_string(),
        slug: String::new(),
        legal_name: String::new(),
        english_name: None,
        credit_code: String::new(),
        legal_representative: String::new(),
        registered_address: String::new(),
        province: String::new(),
        city: String::new(),
        business_scope: String::new(),
        year_established: None,
        employee_range: None,
        company_type: String::new(),
        main_products: String::new(),
        contacts: String::new(),
        logo_id: None,
        banner_id: None,
        description: String::new(),
        certifications: String::new(),
        verification_status: VerificationStatus::Pending.as_str().to_owned(),
        verified_at: None,
        verified_by: None,
        suspended_at: None,
        status_reason: None,
        created_at: at,
        updated_at: at,
        response_rate_pct: None,
        licence_scan_id: None,
        licence_expires_on: None,
        licence_warned_days: None,
        credit_score: None,
    };
    fill_row(&mut row, valid);

    // A derived slug that is taken gets a suffix; an explicit one is the caller's choice: 409.
    for attempt in 0..5u32 {
        row.slug = match (attempt, &explicit_slug) {
            (0, _) => base_slug.clone(),
            (_, Some(_)) => return Err(CompanyError::SlugTaken),
            (_, None) => format!("{base_slug}-{}", &new_id().simple().to_string()[24..]),
        };
        let result = db::transaction(conn, |conn| {
            if membership_of(conn, actor.user_id)?.is_some() {
                return Err(CompanyError::AlreadyInCompany);
            }
            let verdict = screen_company(conn, &row)?;
            diesel::insert_into(companies::table)
                .values(&row)
                .execute(conn)
                .map_err(map_unique)?;
            crate::screening::record(conn, "company", &row.id, &verdict)?;
            let row = {
                // Every company has a credit profile from the start (see the `credit` area).
                let mut row = row.clone();
                row.credit_score =
                    Some((crate::seams::reactions().credit_inputs_changed)(conn, id)?);
                row
            };
            crate::review::hooks::company_waiting(conn, &super::repo::waiting(&row))?;
            diesel::insert_into(company_members::table)
                .values((
                    company_members::company_id.eq(&row.id),
                    company_members::user_id.eq(actor.user_id.to_string()),
                    company_members::role.eq(MemberRole::Owner.as_str()),
                    company_members::created_at.eq(at),
                ))
                .execute(conn)
                .map_err(map_unique)?;
            attach_media(conn, actor, id, &media_input)?;
            outbox::emit(
                conn,
                topic::COMPANY_CHANGED,
                id,
                json!({"change": "created"}),
            )?;
            Ok(Company::from(row.clone()))
        });
        match result {
            Err(CompanyError::SlugTaken) if explicit_slug.is_none() => continue,
            other => return other,
        }
    }
    Err(CompanyError::SlugTaken)
}

/// A company as the actor may see it: suspended and rejected companies exist only for their
/// members and operators.
pub fn get_company(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<Company, CompanyError> {
    let company = find_company(conn, id)?;
    if company.is_public() {
        return Ok(company);
    }
    let Some(actor) = actor else {
        return Err(CompanyError::NotFound);
    };
    let role = role_in(conn, id, actor.user_id)?;
    if may_on_company(actor, role, CompanyAction::ViewPrivate) {
        Ok(super::repo::with_standing(conn, company)?)
    } else {
        Err(CompanyError::NotFound)
    }
}

/// Owners and admins edit the profile. Changing the licence facts of a verified company sends it
/// back to verification (`super::licence::apply_licence_change`), applied at once as before.
/// Any other edit of a verified company's public profile is a change request
/// (`super::change`): applied at once when screening finds nothing in the new text, otherwise
/// held for an operator while the live profile stays as it is. Companies that are not verified
/// are edited in place (an operator looks at the whole profile when verifying).
pub fn update_company(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: CompanyInput,
) -> Result<CompanyEdit, CompanyError> {
    db::transaction(conn, |conn| {
        let role = role_in(conn, id, actor.user_id)?;
        let current = find_company(conn, id)?;
        if !may_on_company(actor, role, CompanyAction::EditProfile) {
            return Err(denial(actor, role, &current));
        }
        // Edits of one company take turns (a row lock on PostgreSQL), so two edits cannot both
        // open a change request; the row is read under the lock.
        diesel::update(companies::table.find(id.to_string()))
            .set(companies::updated_at.eq(companies::updated_at))
            .execute(conn)?;
        let mut row: CompanyRow = companies::table
            .find(id.to_string())
            .select(CompanyRow::as_select())
            .first(conn)?;
        attach_media(conn, actor, id, &input)?;
        if current.is_verified() {
            // A new edit builds on the open proposal: fields it does not name keep their
            // proposed value.
            if let Some(base) = super::change::with_open_proposal(conn, &row)? {
                let valid = input
                    .clone()
                    .validate(Some(&Company::from(base.clone())))
                    .map_err(CompanyError::Validation)?;
                if valid.licence_changes(&current).is_empty() {
                    return propose(conn, actor, row, base, valid);
                }
            }
        }
        let valid = input
            .validate(Some(&current))
            .map_err(CompanyError::Validation)?;
        let licence_changes = valid.licence_changes(&current);
        if current.is_verified() && licence_changes.is_empty() {
            return propose(conn, actor, row.clone(), row, valid);
        }
        if let Some(slug) = valid.slug.clone() {
            row.slug = slug;
        }
        fill_row(&mut row, valid);
        let verdict = screen_company(conn, &row)?;
        crate::screening::record(conn, "company", &row.id, &verdict)?;
        let reverify = super::licence::apply_licence_change(
            conn,
            actor,
            &current,
            &mut row,
            &licence_changes,
        )?;
        row.updated_at = now();
        save_company(
            conn,
            &row,
            json!({"change": "updated", "licence_changed": !licence_changes.is_empty()}),
        )
        .map_err(map_unique)?;
        if reverify {
            row.credit_score = Some((crate::seams::reactions().credit_inputs_changed)(conn, id)?);
        }
        // A pending company's edit is its resubmission: it (re-)enters the review queue.
        crate::review::hooks::company_waiting(conn, &super::repo::waiting(&row))?;
        Ok(CompanyEdit {
            company: super::repo::with_standing(conn, Company::from(row))?,
            change: None,
        })
    })
}

/// A verified company's profile edit without licence changes: `valid` applied to `base` (the
/// live row, or the open proposal it builds on), screened, then held or applied as a change
/// request.
fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    live: CompanyRow,
    base: CompanyRow,
    valid: ValidCompany,
) -> Result<CompanyEdit, CompanyError> {
    let mut proposed = base;
    if let Some(slug) = valid.slug.clone() {
        proposed.slug = slug;
    }
    fill_row(&mut proposed, valid);
    let verdict = screen_company(conn, &proposed)?;
    super::change::propose(conn, actor, live, proposed, &verdict).map_err(|e| match e {
        CompanyError::Database(e) => map_unique(e),
        other => other,
    })
}
