//! The supplier directory (`/{lang}/suppliers?province=…&type=…`): public suppliers by region
//! and type, the most recently verified first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::{PageResult, lang_of};
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::page::{self, Meta};
use crate::web::site::Site;

#[derive(Debug, Default, Deserialize)]
pub struct DirectoryQuery {
    pub province: Option<String>,
    #[serde(rename = "type")]
    pub company_type: Option<String>,
}

pub async fn directory(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let err = |e| PageError::from_api(&site, lang, e);
    let province = query.province.clone().filter(|p| !p.is_empty());
    let company_type = query.company_type.clone().filter(|p| !p.is_empty());
    if company_type
        .as_deref()
        .is_some_and(|t| domain::company::CompanyType::parse(t).is_none())
        || province.as_deref().is_some_and(|p| p.chars().count() > 50)
    {
        return Err(PageError::new(&site, lang, StatusCode::BAD_REQUEST));
    }
    let (p, ty) = (province.clone(), company_type.clone());
    let (companies, provinces) = state
        .db(move |conn| -> Result<_, crate::error::ApiError> {
            let companies =
                domain::company::directory(conn, p.as_deref(), ty.as_deref(), false, 100)?;
            Ok((companies, domain::company::provinces(conn)?))
        })
        .await
        .map_err(err)?;
    let base = format!("/{}/suppliers", lang.code());
    let link = |province: Option<&str>, ty: Option<&str>| {
        let mut q = Vec::new();
        if let Some(p) = province {
            q.push(format!(
                "province={}",
                utf8_percent_encode(p, NON_ALPHANUMERIC)
            ));
        }
        if let Some(t) = ty {
            q.push(format!("type={t}"));
        }
        if q.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", q.join("&"))
        }
    };
    let types = [
        "manufacturer",
        "trading_company",
        "distributor",
        "agent",
        "buying_office",
        "service_provider",
        "other",
    ];
    let meta = Meta {
        title: format!("{} – {}", t(lang, "directory.title"), site.footer.site_name),
        description: t(lang, "directory.description"),
        path: Some("/suppliers".into()),
        og_type: "website",
        ..Meta::default()
    };
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "directory.html",
        meta,
        minijinja::context! {
            provinces => provinces.iter().map(|(name, count)| minijinja::context! {
                name => name.clone(), count => *count,
                url => link(Some(name), company_type.as_deref()),
                active => province.as_deref() == Some(name.as_str()),
            }).collect::<Vec<_>>(),
            types => types.iter().filter(|x| domain::company::CompanyType::parse(x).is_some()).map(|x| minijinja::context! {
                name => t(lang, &format!("company_type.{x}")),
                url => link(province.as_deref(), Some(x)),
                active => company_type.as_deref() == Some(*x),
            }).collect::<Vec<_>>(),
            clear_url => base.clone(),
            suppliers => companies.iter().map(|c| minijinja::context! {
                name => lang.pick(Some(&c.legal_name), c.english_name.as_deref()).to_owned(),
                url => format!("/{}/company/{}", lang.code(), c.slug),
                place => format!("{} {}", c.province, c.city),
                company_type => t(lang, &format!("company_type.{}", c.company_type.as_str())),
                verified => c.is_verified(),
                main_products => c.main_products.join(" · "),
            }).collect::<Vec<_>>(),
        },
    ))
}
