//! Profile edits of a verified company as change requests (see `review::change`): the public
//! profile stays as it is until an operator approves the change, unless the rules approve it at
//! once (screening of the new text finds nothing — no flag, review or block). Licence facts are
//! not held here: changing them sends the company back to verification (`super::licence`),
//! where an operator looks at the whole registration anyway.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::CompanyError;
use super::model::{
    Certification, Company, CompanyRow, Contact, LicenceExpiry, VerificationStatus,
};
use super::repo::save_company;
use crate::access::Actor;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::companies;
use crate::ids::parse_db_id;
use crate::json_col::{from_json, to_json};
use crate::review::{ChangeRequest, ChangeStatus, Fields, Proposal, open_change, submit_change};
use crate::screening::Verdict;

/// What a profile edit did: the company as the public now sees it and, for a verified company's
/// edit, the change request that holds it (auto-approved or pending).
#[derive(Debug, Clone)]
pub struct CompanyEdit {
    pub company: Company,
    pub change: Option<ChangeRequest>,
}

/// The stored form of a proposal: the profile, without the licence facts.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ProfileVersion {
    slug: String,
    english_name: Option<String>,
    province: String,
    city: String,
    business_scope: String,
    year_established: Option<i32>,
    employee_range: Option<String>,
    company_type: String,
    main_products: Vec<String>,
    contacts: Vec<Contact>,
    logo_id: Option<String>,
    banner_id: Option<String>,
    description: String,
    certifications: Vec<Certification>,
}

impl ProfileVersion {
    fn of(row: &CompanyRow) -> ProfileVersion {
        ProfileVersion {
            slug: row.slug.clone(),
            english_name: row.english_name.clone(),
            province: row.province.clone(),
            city: row.city.clone(),
            business_scope: row.business_scope.clone(),
            year_established: row.year_established,
            employee_range: row.employee_range.clone(),
            company_type: row.company_type.clone(),
            main_products: from_json(&row.main_products),
            contacts: from_json(&row.contacts),
            logo_id: row.logo_id.clone(),
            banner_id: row.banner_id.clone(),
            description: row.description.clone(),
            certifications: from_json(&row.certifications),
        }
    }

    fn fill(self, row: &mut CompanyRow) {
        row.slug = self.slug;
        row.english_name = self.english_name;
        row.province = self.province;
        row.city = self.city;
        row.business_scope = self.business_scope;
        row.year_established = self.year_established;
        row.employee_range = self.employee_range;
        row.company_type = self.company_type;
        row.main_products = to_json(&self.main_products);
        row.contacts = to_json(&self.contacts);
        row.logo_id = self.logo_id;
        row.banner_id = self.banner_id;
        row.description = self.description;
        row.certifications = to_json(&self.certifications);
    }
}

/// The fields people read, profile first. The licence facts never differ in a proposal (a
/// licence change is not held), but they are part of the base a proposal was built on, so a
/// licence change made meanwhile makes an open proposal stale.
fn fields(row: &CompanyRow) -> Fields {
    let json_of = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    vec![
        ("slug", json!(row.slug)),
        ("english_name", json!(row.english_name)),
        ("province", json!(row.province)),
        ("city", json!(row.city)),
        ("business_scope", json!(row.business_scope)),
        ("year_established", json!(row.year_established)),
        ("employee_range", json!(row.employee_range)),
        ("company_type", json!(row.company_type)),
        ("main_products", json_of(&row.main_products)),
        ("contacts", json_of(&row.contacts)),
        ("logo_id", json!(row.logo_id)),
        ("banner_id", json!(row.banner_id)),
        ("description", json!(row.description)),
        ("certifications", json_of(&row.certifications)),
        ("legal_name", json!(row.legal_name)),
        ("credit_code", json!(row.credit_code)),
        ("legal_representative", json!(row.legal_representative)),
        ("registered_address", json!(row.registered_address)),
        ("licence_scan_id", json!(row.licence_scan_id)),
        (
            "licence_expires_on",
            json!(LicenceExpiry::from_db(row.licence_expires_on).map(|e| e.as_text())),
        ),
    ]
}

pub(crate) fn load_row(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<CompanyRow>> {
    companies::table
        .find(id.to_string())
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()
}

/// The live company's fields as a change request's diff and base show them.
pub(crate) fn live_fields(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<Fields>> {
    Ok(load_row(conn, id)?.map(|row| fields(&row)))
}

/// The company as its open change request (if any) proposes it: what a new edit builds on.
pub(super) fn with_open_proposal(
    conn: &mut DbConnection,
    live: &CompanyRow,
) -> QueryResult<Option<CompanyRow>> {
    let Some(cr) = open_change(conn, "company", parse_db_id(&live.id))? else {
        return Ok(None);
    };
    Ok(serde_json::from_value::<ProfileVersion>(cr.proposed)
        .ok()
        .map(|version| {
            let mut row = live.clone();
            version.fill(&mut row);
            row
        }))
}

fn slug_taken(conn: &mut DbConnection, row: &CompanyRow) -> QueryResult<bool> {
    let n: i64 = companies::table
        .filter(companies::slug.eq(&row.slug))
        .filter(companies::id.ne(&row.id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A verified company's profile edit without licence changes (inside `update_company`'s
/// transaction): `proposed` is the live row with the edit applied and `verdict` its screening.
/// Clean edits are applied at once (an `auto_approved` request); others wait as a pending
/// change request while the live profile stays as it is.
pub(super) fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    live: CompanyRow,
    proposed: CompanyRow,
    verdict: &Verdict,
) -> Result<CompanyEdit, CompanyError> {
    if proposed.slug != live.slug && slug_taken(conn, &proposed)? {
        return Err(CompanyError::SlugTaken);
    }
    let id = parse_db_id(&live.id);
    let change = submit_change(
        conn,
        Proposal {
            subject_type: "company",
            subject_id: id,
            company_id: Some(id),
            owner_id: None,
            requested_by: actor.user_id,
            live: fields(&live),
            proposed_fields: fields(&proposed),
            proposed: serde_json::to_value(ProfileVersion::of(&proposed)).unwrap_or(Value::Null),
            verdict,
            auto_approve: verdict.outcome().is_none(),
            title: &live.legal_name,
            category_id: None,
        },
    )?;
    let applied = change
        .as_ref()
        .is_some_and(|cr| cr.status == ChangeStatus::AutoApproved);
    let row = if applied {
        let mut row = proposed;
        crate::screening::record(conn, "company", &row.id, verdict)?;
        row.updated_at = now();
        save_company(
            conn,
            &row,
            json!({"change": "updated", "change_request": change.as_ref().map(|c| c.id)}),
        )?;
        row
    } else {
        live
    };
    Ok(CompanyEdit {
        company: Company::from(row),
        change,
    })
}

/// Applies an approved change request to the live profile, in the caller's transaction: the
/// row, its screening outcome (the proposal's) and the `company.changed` event search follows.
/// The company must still be verified and not suspended.
pub(crate) fn apply_change_in_tx(
    conn: &mut DbConnection,
    cr: &ChangeRequest,
) -> Result<Company, CompanyError> {
    let mut row = load_row(conn, cr.subject_id)?.ok_or(CompanyError::NotFound)?;
    let current = Company::from(row.clone());
    if current.verification_status != VerificationStatus::Verified || current.is_suspended() {
        return Err(CompanyError::InvalidTransition {
            action: "apply a profile change to",
            status: current.status(),
        });
    }
    let version: ProfileVersion = serde_json::from_value(cr.proposed.clone()).map_err(|e| {
        tracing::error!(error = %e, change_request = %cr.id, "malformed proposal");
        CompanyError::InvalidTransition {
            action: "apply a malformed change to",
            status: "verified",
        }
    })?;
    version.fill(&mut row);
    if slug_taken(conn, &row)? {
        return Err(CompanyError::SlugTaken);
    }
    let verdict = crate::screening::stored(conn, "change_request", &cr.id.to_string())?;
    crate::screening::record(conn, "company", &row.id, &verdict)?;
    row.updated_at = now();
    save_company(
        conn,
        &row,
        json!({"change": "updated", "change_request": cr.id}),
    )?;
    Ok(Company::from(row))
}
