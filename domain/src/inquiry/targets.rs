//! From what the buyer named (a product, a sell offer, a storefront) to the companies that get
//! a thread. Only what the public may see can be addressed.

use diesel::prelude::*;
use uuid::Uuid;

use super::InquiryError;
use super::input::ValidTarget;
use super::model::SubjectType;
use crate::catalog::{self, CatalogError};
use crate::clock::now;
use crate::company::{Company, CompanyError, find_company};
use crate::db::DbConnection;
use crate::db::schema::listings;
use crate::error::FieldError;
use crate::ids::parse_db_id;

/// One company to write to, and the first target of the request that named it.
#[derive(Debug, Clone)]
pub(crate) struct Addressee {
    pub company: Company,
    pub subject_type: SubjectType,
    pub subject_id: Uuid,
}

fn public_company(conn: &mut DbConnection, id: Uuid) -> Result<Option<Company>, InquiryError> {
    match find_company(conn, id) {
        Ok(c) if c.is_public() => Ok(Some(c)),
        Ok(_) | Err(CompanyError::NotFound) => Ok(None),
        Err(CompanyError::Database(e)) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

/// The company of a published product of a public company.
fn product_company(conn: &mut DbConnection, id: Uuid) -> Result<Option<Uuid>, InquiryError> {
    match catalog::get_product(conn, None, id) {
        Ok(p) => Ok(Some(p.company_id)),
        Err(CatalogError::Database(e)) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

/// The company of a sell offer that is open and not past its end (expiry is by time: an open
/// listing past `valid_until` is expired whether or not anything marked it).
fn listing_company(conn: &mut DbConnection, id: Uuid) -> Result<Option<Uuid>, InquiryError> {
    let company: Option<Option<String>> = listings::table
        .find(id.to_string())
        .filter(listings::kind.eq("sell"))
        .filter(listings::status.eq("open"))
        .filter(listings::valid_until.gt(now()))
        .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")))
        .select(listings::company_id)
        .first(conn)
        .optional()?;
    Ok(company.flatten().map(|c| parse_db_id(&c)))
}

/// Resolves every target; reports every one that is not addressable, with its path. The
/// actor's own company cannot be addressed. Targets naming the same company share its thread.
pub(crate) fn resolve_targets(
    conn: &mut DbConnection,
    own_company: Option<Uuid>,
    targets: &[ValidTarget],
) -> Result<Vec<Addressee>, InquiryError> {
    let mut errors = Vec::new();
    let mut out: Vec<Addressee> = Vec::new();
    for t in targets {
        let company_id = match t.kind {
            SubjectType::Product => product_company(conn, t.id)?,
            SubjectType::Listing => listing_company(conn, t.id)?,
            SubjectType::Company => Some(t.id),
        };
        let company = match company_id {
            Some(id) => public_company(conn, id)?,
            None => None,
        };
        let field = format!("targets[{}].id", t.index);
        let Some(company) = company else {
            errors.push(FieldError::new(
                field,
                "not_found",
                format!("no public {} with this id", t.kind.as_str()),
            ));
            continue;
        };
        if Some(company.id) == own_company {
            errors.push(FieldError::new(
                field,
                "own_company",
                "you cannot send an inquiry to your own company",
            ));
            continue;
        }
        if out.iter().any(|a| a.company.id == company.id) {
            continue;
        }
        out.push(Addressee {
            company,
            subject_type: t.kind,
            subject_id: t.id,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InquiryError::Validation(errors))
    }
}
