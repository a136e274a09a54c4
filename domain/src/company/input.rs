//! Company profile input: one shape for create (required fields enforced) and patch (absent
//! fields keep their value; an empty string clears an optional one).

use time::macros::format_description;

use super::model::{
    Certification, Company, CompanyType, Contact, EmployeeRange, LONG_TERM_DATE, LicenceExpiry,
};
use super::slug::is_valid_slug;
use super::uscc::parse_uscc;
use crate::error::FieldError;
use crate::validate::Validator;
use crate::validate::normalize_email;

#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CertificationInput {
    pub name: String,
    pub number: Option<String>,
    pub issued_by: Option<String>,
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CompanyInput {
    pub slug: Option<String>,
    pub legal_name: Option<String>,
    pub english_name: Option<String>,
    pub credit_code: Option<String>,
    pub legal_representative: Option<String>,
    pub registered_address: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub business_scope: Option<String>,
    pub year_established: Option<i32>,
    pub employee_range: Option<String>,
    pub company_type: Option<String>,
    pub main_products: Option<Vec<String>>,
    pub contacts: Option<Vec<ContactInput>>,
    pub logo_id: Option<String>,
    pub banner_id: Option<String>,
    pub description: Option<String>,
    pub certifications: Option<Vec<CertificationInput>>,
    /// The media id of the business licence scan (purpose `licence_scan`); `""` clears it.
    pub licence_scan_id: Option<String>,
    /// `YYYY-MM-DD`, or `long_term` / `长期`; `""` clears it.
    pub licence_expires_on: Option<String>,
}

/// Every profile field, validated and normalised.
#[derive(Debug, Clone)]
pub(crate) struct ValidCompany {
    pub slug: Option<String>,
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
    pub licence_scan_id: Option<String>,
    pub licence_expiry: Option<LicenceExpiry>,
}

impl ValidCompany {
    /// The licence facts that differ from the company's (any of them needs re-verification):
    /// see `super::licence`.
    pub fn licence_changes(&self, c: &Company) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |differs: bool, name: &'static str| {
            if differs {
                changed.push(name);
            }
        };
        check(self.legal_name != c.legal_name, "legal_name");
        check(self.credit_code != c.credit_code, "credit_code");
        check(
            self.legal_representative != c.legal_representative,
            "legal_representative",
        );
        check(
            self.registered_address != c.registered_address,
            "registered_address",
        );
        check(self.licence_scan_id != c.licence_scan_id, "licence_scan_id");
        check(
            self.licence_expiry != c.licence_expiry,
            "licence_expires_on",
        );
        changed
    }
}

/// A media id (an upload, `POST /api/v1/media`); `""` clears it, absent keeps the old one.
/// Whose upload it is and its purpose are checked where it is attached.
fn optional_media_id(
    v: &mut Validator,
    field: &str,
    new: Option<&str>,
    old: Option<&String>,
) -> Option<String> {
    match new.map(str::trim) {
        Some("") => None,
        Some(id) => {
            let id = id.to_ascii_lowercase();
            v.check(
                uuid::Uuid::parse_str(&id).is_ok(),
                field,
                "invalid",
                "is not a media id",
            );
            Some(id)
        }
        None => old.cloned(),
    }
}

/// The licence expiry: a date that has not passed, or long-term (`long_term` / `长期`).
fn licence_expiry(
    v: &mut Validator,
    new: Option<&str>,
    old: Option<LicenceExpiry>,
) -> Option<LicenceExpiry> {
    let text = match new.map(str::trim) {
        None => return old,
        Some("") => return None,
        Some(text) => text,
    };
    if matches!(text, "long_term" | "长期") {
        return Some(LicenceExpiry::LongTerm);
    }
    match time::Date::parse(text, format_description!("[year]-[month]-[day]")) {
        Ok(d) if d >= LONG_TERM_DATE => {
            v.push(
                "licence_expires_on",
                "invalid_date",
                "use long_term for a licence without an end date",
            );
            None
        }
        Ok(d) if d < crate::clock::now().date() => {
            v.push(
                "licence_expires_on",
                "licence_expired",
                "the licence has already expired",
            );
            None
        }
        Ok(d) => Some(LicenceExpiry::On(d)),
        Err(_) => {
            v.push(
                "licence_expires_on",
                "invalid_date",
                "must be a date as YYYY-MM-DD, or long_term (长期)",
            );
            None
        }
    }
}

fn required(
    v: &mut Validator,
    field: &str,
    new: Option<&str>,
    old: Option<&str>,
    min: usize,
    max: usize,
) -> String {
    match (new, old) {
        (Some(value), _) => v.text(field, value, min, max),
        (None, Some(old)) => old.to_owned(),
        (None, None) => {
            v.push(field, "required", "is required");
            String::new()
        }
    }
}

fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && phone.len() <= 30
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

impl CompanyInput {
    pub(crate) fn validate(
        self,
        existing: Option<&Company>,
    ) -> Result<ValidCompany, Vec<FieldError>> {
        let mut v = Validator::new();
        let old = existing;

        let slug = match self.slug.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => {
                if !is_valid_slug(s) {
                    v.push(
                        "slug",
                        "invalid_slug",
                        "must be 3 to 60 lowercase letters, digits or single hyphens",
                    );
                }
                Some(s.to_owned())
            }
            _ => None,
        };
        let legal_name = required(
            &mut v,
            "legal_name",
            self.legal_name.as_deref(),
            old.map(|c| c.legal_name.as_str()),
            2,
            100,
        );
        let english_name = v.text_or_keep(
            "english_name",
            self.english_name.as_deref(),
            old.and_then(|c| c.english_name.as_ref()),
            150,
        );
        let credit_code = match (self.credit_code.as_deref(), old) {
            (Some(raw), _) => match parse_uscc(raw) {
                Ok(code) => code,
                Err(problem) => {
                    v.push("credit_code", problem.code(), problem.message());
                    String::new()
                }
            },
            (None, Some(c)) => c.credit_code.clone(),
            (None, None) => {
                v.push("credit_code", "required", "is required");
                String::new()
            }
        };
        let legal_representative = required(
            &mut v,
            "legal_representative",
            self.legal_representative.as_deref(),
            old.map(|c| c.legal_representative.as_str()),
            1,
            50,
        );
        let registered_address = required(
            &mut v,
            "registered_address",
            self.registered_address.as_deref(),
            old.map(|c| c.registered_address.as_str()),
            4,
            200,
        );
        let province = required(
            &mut v,
            "province",
            self.province.as_deref(),
            old.map(|c| c.province.as_str()),
            1,
            30,
        );
        let city = required(
            &mut v,
            "city",
            self.city.as_deref(),
            old.map(|c| c.city.as_str()),
            1,
            30,
        );
        let business_scope = required(
            &mut v,
            "business_scope",
            self.business_scope.as_deref(),
            old.map(|c| c.business_scope.as_str()),
            1,
            2000,
        );

        let this_year = crate::clock::now().year();
        let year_established = match self.year_established {
            Some(y) if !(1800..=this_year).contains(&y) => {
                v.push(
                    "year_established",
                    "out_of_range",
                    format!("must be between 1800 and {this_year}"),
                );
                None
            }
            Some(y) => Some(y),
            None => old.and_then(|c| c.year_established),
        };
        let employee_range = match self.employee_range.as_deref() {
            Some("") => None,
            Some(text) => {
                let parsed = EmployeeRange::parse(text);
                if parsed.is_none() {
                    v.push(
                        "employee_range",
                        "invalid_choice",
                        format!("must be one of: {}", EmployeeRange::names()),
                    );
                }
                parsed
            }
            None => old.and_then(|c| c.employee_range),
        };
        let company_type = match (self.company_type.as_deref(), old) {
            (Some(text), _) => CompanyType::parse(text).unwrap_or_else(|| {
                v.push(
                    "company_type",
                    "invalid_choice",
                    format!("must be one of: {}", CompanyType::names()),
                );
                CompanyType::Other
            }),
            (None, Some(c)) => c.company_type,
            (None, None) => {
                v.push("company_type", "required", "is required");
                CompanyType::Other
            }
        };
        let main_products = match self.main_products {
            Some(items) => {
                v.check(
                    items.len() <= 10,
                    "main_products",
                    "too_many",
                    "at most 10 items",
                );
                items
                    .iter()
                    .enumerate()
                    .map(|(i, p)| v.text(&format!("main_products[{i}]"), p, 1, 50))
                    .collect()
            }
            None => old.map(|c| c.main_products.clone()).unwrap_or_default(),
        };
        let contacts = match self.contacts {
            Some(items) => {
                v.check(
                    items.len() <= 5,
                    "contacts",
                    "too_many",
                    "at most 5 contacts",
                );
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let name = v.text(&format!("contacts[{i}].name"), &c.name, 1, 50);
                        let phone =
                            v.opt_text(&format!("contacts[{i}].phone"), c.phone.as_deref(), 30);
                        if let Some(p) = &phone {
                            v.check(
                                phone_ok(p),
                                &format!("contacts[{i}].phone"),
                                "invalid_phone",
                                "must be a phone number (digits, spaces, + - ( ))",
                            );
                        }
                        let email =
                            match c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                                Some(raw) => {
                                    let e = normalize_email(raw);
                                    if e.is_none() {
                                        v.push(
                                            format!("contacts[{i}].email"),
                                            "invalid_email",
                                            "must be a valid e-mail address",
                                        );
                                    }
                                    e
                                }
                                None => None,
                            };
                        Contact { name, phone, email }
                    })
                    .collect()
            }
            None => old.map(|c| c.contacts.clone()).unwrap_or_default(),
        };
        let logo_id = optional_media_id(
            &mut v,
            "logo_id",
            self.logo_id.as_deref(),
            old.and_then(|c| c.logo_id.as_ref()),
        );
        let banner_id = optional_media_id(
            &mut v,
            "banner_id",
            self.banner_id.as_deref(),
            old.and_then(|c| c.banner_id.as_ref()),
        );
        let description = match self.description {
            Some(d) => v.html("description", &d, 20_000),
            None => old.map(|c| c.description.clone()).unwrap_or_default(),
        };
        let certifications = match self.certifications {
            Some(items) => {
                v.check(
                    items.len() <= 20,
                    "certifications",
                    "too_many",
                    "at most 20 certifications",
                );
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let valid_until = v.opt_text(
                            &format!("certifications[{i}].valid_until"),
                            c.valid_until.as_deref(),
                            10,
                        );
                        if let Some(d) = &valid_until {
                            let ok =
                                time::Date::parse(d, format_description!("[year]-[month]-[day]"))
                                    .is_ok();
                            v.check(
                                ok,
                                &format!("certifications[{i}].valid_until"),
                                "invalid_date",
                                "must be a date as YYYY-MM-DD",
                            );
                        }
                        Certification {
                            name: v.text(&format!("certifications[{i}].name"), &c.name, 1, 100),
                            number: v.opt_text(
                                &format!("certifications[{i}].number"),
                                c.number.as_deref(),
                                100,
                            ),
                            issued_by: v.opt_text(
                                &format!("certifications[{i}].issued_by"),
                                c.issued_by.as_deref(),
                                100,
                            ),
                            valid_until,
                        }
                    })
                    .collect()
            }
            None => old.map(|c| c.certifications.clone()).unwrap_or_default(),
        };
        let licence_scan_id = optional_media_id(
            &mut v,
            "licence_scan_id",
            self.licence_scan_id.as_deref(),
            old.and_then(|c| c.licence_scan_id.as_ref()),
        );
        let licence_expiry = licence_expiry(
            &mut v,
            self.licence_expires_on.as_deref(),
            old.and_then(|c| c.licence_expiry),
        );
        v.finish()?;
        Ok(ValidCompany {
            slug,
            legal_name,
            english_name,
            credit_code,
            legal_representative,
            registered_address,
            province,
            city,
            business_scope,
            year_established,
            employee_range,
            company_type,
            main_products,
            contacts,
            logo_id,
            banner_id,
            description,
            certifications,
            licence_scan_id,
            licence_expiry,
        })
    }
}
