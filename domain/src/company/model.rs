use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};
use uuid::Uuid;

use crate::db::schema::companies;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

pub use crate::membership::MemberRole;

crate::text_enum! {
    pub enum VerificationStatus { Pending => "pending", Verified => "verified", Rejected => "rejected" }
}

crate::text_enum! {
    pub enum CompanyType {
        Manufacturer => "manufacturer",
        TradingCompany => "trading_company",
        Distributor => "distributor",
        Agent => "agent",
        BuyingOffice => "buying_office",
        ServiceProvider => "service_provider",
        Other => "other",
    }
}

crate::text_enum! {
    pub enum EmployeeRange {
        UpTo10 => "1-10",
        UpTo50 => "11-50",
        UpTo200 => "51-200",
        UpTo500 => "201-500",
        UpTo1000 => "501-1000",
        Over1000 => "1000+",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub name: String,
    pub number: Option<String>,
    pub issued_by: Option<String>,
    /// `YYYY-MM-DD`
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Company {
    pub id: Uuid,
    pub slug: String,
    pub legal_name: String,
    pub english_name: Option<String>,
    pub credit_code: String,
    pub legal_representative: String,
    pub registered_address: String,
    pub province: String,
    pub city: String,
    pub business_scope: String,
    pub year_established: Option<i32>,
    pub employee_range: Option<EmployeeRange>,
    pub company_type: CompanyType,
    pub main_products: Vec<String>,
    pub contacts: Vec<Contact>,
    pub logo_id: Option<String>,
    pub banner_id: Option<String>,
    pub description: String,
    pub certifications: Vec<Certification>,
    pub verification_status: VerificationStatus,
    pub verified_at: Option<PrimitiveDateTime>,
    /// The operator who verified the company.
    pub verified_by: Option<Uuid>,
    pub suspended_at: Option<PrimitiveDateTime>,
    pub status_reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// Response rate in percent as of the last refresh (`refresh_response_rates`).
    pub response_rate_pct: Option<i32>,
    /// The business licence image (https), as submitted.
    pub licence_scan_id: Option<String>,
    /// The licence's expiry as submitted (`None` when not given yet).
    pub licence_expiry: Option<LicenceExpiry>,
    /// Credit score in tenths of a point (0–1000) as last computed (the `credit` area).
    pub credit_score: Option<i32>,
    /// Why a suspended company is down for good, where it was read (`super::with_standing`):
    /// `terminated` (a termination in force) or `closed` (it left the platform).
    pub ended: Option<&'static str>,
}

/// When a business licence ends: a date, or long-term (营业期限 长期).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenceExpiry {
    On(Date),
    LongTerm,
}

/// How a long-term licence is stored (as licence registers do).
pub(crate) const LONG_TERM_DATE: Date = time::macros::date!(9999 - 12 - 31);

impl LicenceExpiry {
    pub(crate) fn from_db(d: Option<Date>) -> Option<LicenceExpiry> {
        d.map(|d| {
            if d == LONG_TERM_DATE {
                LicenceExpiry::LongTerm
            } else {
                LicenceExpiry::On(d)
            }
        })
    }

    pub(crate) fn to_db(self) -> Date {
        match self {
            LicenceExpiry::On(d) => d,
            LicenceExpiry::LongTerm => LONG_TERM_DATE,
        }
    }

    /// `YYYY-MM-DD`, or `long_term`.
    pub fn as_text(self) -> String {
        match self {
            LicenceExpiry::On(d) => d.to_string(),
            LicenceExpiry::LongTerm => "long_term".to_owned(),
        }
    }

    /// The date, unless long-term.
    pub fn date(self) -> Option<Date> {
        match self {
            LicenceExpiry::On(d) => Some(d),
            LicenceExpiry::LongTerm => None,
        }
    }
}

impl Company {
    /// Whether the licence's expiry date has passed (a licence is valid through its expiry day,
    /// UTC).
    pub fn licence_expired(&self, at: PrimitiveDateTime) -> bool {
        self.licence_expiry
            .and_then(LicenceExpiry::date)
            .is_some_and(|d| d < at.date())
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }

    pub fn is_verified(&self) -> bool {
        self.verification_status == VerificationStatus::Verified && !self.is_suspended()
    }

    /// Whether the public may see the company (storefront, products, search).
    pub fn is_public(&self) -> bool {
        !self.is_suspended() && self.verification_status != VerificationStatus::Rejected
    }

    /// `pending`, `verified`, `rejected` or `suspended` (suspension overrides the rest), or
    /// `terminated` or `closed` for a suspended company that is down for good (when `ended`
    /// was read).
    pub fn status(&self) -> &'static str {
        match self.ended {
            Some(ended) if self.is_suspended() => ended,
            _ if self.is_suspended() => "suspended",
            _ => self.verification_status.as_str(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = companies, treat_none_as_null = true)]
pub(crate) struct CompanyRow {
    pub id: String,
    pub slug: String,
    pub legal_name: String,
    pub english_name: Option<String>,
    pub credit_code: String,
    pub legal_representative: String,
    pub registered_address: String,
    pub province: String,
    pub city: String,
    pub business_scope: String,
    pub year_established: Option<i32>,
    pub employee_range: Option<String>,
    pub company_type: String,
    pub main_products: String,
    pub contacts: String,
    pub logo_id: Option<String>,
    pub banner_id: Option<String>,
    pub description: String,
    pub certifications: String,
    pub verification_status: String,
    pub verified_at: Option<PrimitiveDateTime>,
    pub verified_by: Option<String>,
    pub suspended_at: Option<PrimitiveDateTime>,
    pub status_reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub response_rate_pct: Option<i32>,
    pub licence_scan_id: Option<String>,
    pub licence_expires_on: Option<Date>,
    pub licence_warned_days: Option<i32>,
    pub credit_score: Option<i32>,
}

impl From<CompanyRow> for Company {
    fn from(r: CompanyRow) -> Company {
        Company {
            id: parse_db_id(&r.id),
            slug: r.slug,
            legal_name: r.legal_name,
            english_name: r.english_name,
            credit_code: r.credit_code,
            legal_representative: r.legal_representative,
            registered_address: r.registered_address,
            province: r.province,
            city: r.city,
            business_scope: r.business_scope,
            year_established: r.year_established,
            employee_range: r.employee_range.as_deref().and_then(EmployeeRange::parse),
            company_type: from_db(&r.company_type, CompanyType::parse, CompanyType::Other),
            main_products: from_json(&r.main_products),
            contacts: from_json(&r.contacts),
            logo_id: r.logo_id,
            banner_id: r.banner_id,
            description: r.description,
            certifications: from_json(&r.certifications),
            verification_status: from_db(
                &r.verification_status,
                VerificationStatus::parse,
                VerificationStatus::Pending,
            ),
            verified_at: r.verified_at,
            verified_by: r.verified_by.as_deref().map(parse_db_id),
            suspended_at: r.suspended_at,
            status_reason: r.status_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            response_rate_pct: r.response_rate_pct,
            licence_scan_id: r.licence_scan_id,
            licence_expiry: LicenceExpiry::from_db(r.licence_expires_on),
            credit_score: r.credit_score,
            ended: None,
        }
    }
}
