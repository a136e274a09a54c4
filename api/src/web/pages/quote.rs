//! "Quote" on a buy request (`/{lang}/buy-requests/{id}/quote`): a supplier's member answers
//! with price, MOQ, lead time, Incoterm, validity and a message, through the same domain
//! service, monthly quota and verification rule as `POST /api/v1/listings/{id}/quotes`, and
//! lands back on the request with a notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::listing::{Incoterm, ListingKind};
use domain::quote::QuoteInput;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::account::{field_text, require_session, see_other};
use super::listing::{listing_path, load_public};
use super::{PageResult, lang_of};
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_session_csrf};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta};
use crate::web::session::SignedIn;
use crate::web::site::Site;

#[derive(Debug, Default, Deserialize)]
pub struct QuoteForm {
    #[serde(default)]
    pub unit_price: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub moq: String,
    #[serde(default)]
    pub lead_time_days: String,
    #[serde(default)]
    pub incoterm: String,
    /// `YYYY-MM-DD` (a date input); the offer stands until the end of that day, UTC.
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub csrf: String,
}

/// The request the form answers, as the form shows it.
struct Request {
    title: String,
    quantity: i64,
    unit: String,
    url: String,
}

fn form_page(
    site: &web::Data<Site>,
    lang: Lang,
    status: StatusCode,
    signed_in: &SignedIn,
    request: &Request,
    form: &QuoteForm,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let errors: std::collections::BTreeMap<String, String> = errors.into_iter().collect();
    let incoterms: Vec<&str> = Incoterm::ALL.iter().map(|i| i.as_str()).collect();
    page::render(
        site,
        lang,
        status,
        "quote.html",
        Meta {
            title: format!("{} – {}", t(lang, "quote.title"), request.title),
            noindex: true,
            ..Meta::default()
        },
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            email_verified => signed_in.session.email_verified,
            request_title => request.title.clone(),
            request_quantity => request.quantity,
            request_unit => request.unit.clone(),
            request_url => request.url.clone(),
            incoterms,
            unit_price => form.unit_price.clone(),
            currency => form.currency.clone(),
            moq => form.moq.clone(),
            lead_time_days => form.lead_time_days.clone(),
            incoterm => form.incoterm.clone(),
            valid_until => form.valid_until.clone(),
            message => form.message.clone(),
            errors,
        },
    )
}

async fn request_of(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    id: &str,
) -> Result<(uuid::Uuid, Request, Option<String>), PageError> {
    let (listing, _, _) = load_public(state, site, lang, ListingKind::Buy, id).await?;
    let url = format!(
        "/{}{}",
        lang.code(),
        listing_path(ListingKind::Buy, &listing.id.to_string())
    );
    Ok((
        listing.id,
        Request {
            title: listing.title.clone(),
            quantity: listing.quantity,
            unit: listing.unit.clone(),
            url,
        },
        listing.currency.clone(),
    ))
}

pub async fn quote_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = lang_of(&req);
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        Err(redirect) => return Ok(redirect),
    };
    let (_, request, currency) = request_of(&state, &site, lang, &path.1).await?;
    let valid_until = (domain::clock::now() + time::Duration::days(30))
        .date()
        .to_string();
    let form = QuoteForm {
        currency: currency.unwrap_or_else(|| "CNY".into()),
        moq: "1".into(),
        valid_until,
        ..QuoteForm::default()
    };
    Ok(form_page(
        &site,
        lang,
        StatusCode::OK,
        &signed_in,
        &request,
        &form,
        Vec::new(),
    ))
}

/// The form's text fields as the domain's input; what does not parse is a field error.
fn input_of(lang: Lang, form: &QuoteForm) -> Result<QuoteInput, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, code: &str, message: &str| {
        errors.push((field.to_owned(), field_text(lang, code, message)));
    };
    let unit_price = match form.unit_price.trim() {
        "" => None,
        p => match p.parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                bad(
                    "unit_price",
                    "not_a_price",
                    "must be a number such as 12.50",
                );
                None
            }
        },
    };
    let whole = |value: &str, field: &str, bad: &mut dyn FnMut(&str, &str, &str)| match value.trim()
    {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                bad(field, "not_a_number", "must be a whole number");
                None
            }
        },
    };
    let moq = whole(&form.moq, "moq", &mut bad);
    let lead_time_days = whole(&form.lead_time_days, "lead_time_days", &mut bad)
        .map(|d| i32::try_from(d).unwrap_or(i32::MAX));
    let valid_until = match form.valid_until.trim() {
        "" => None,
        d => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match time::Date::parse(d, format) {
                Ok(date) => Some(time::PrimitiveDateTime::new(
                    date,
                    time::macros::time!(23:59:59),
                )),
                Err(_) => {
                    bad(
                        "valid_until",
                        "not_a_date",
                        "must be a date such as 2027-01-31",
                    );
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(QuoteInput {
        unit_price,
        currency: Some(form.currency.trim().to_uppercase()).filter(|c| !c.is_empty()),
        moq,
        lead_time_days,
        incoterm: Some(form.incoterm.trim().to_owned()).filter(|i| !i.is_empty()),
        valid_until,
        message: Some(form.message.clone()),
        // The page form sends no files; a revision from it keeps the quote's.
        attachments: None,
    })
}

pub async fn send_quote(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: QuoteForm = forms::parse(&site, lang, &body)?;
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        // The session ended while the form was open: sign in and start over.
        Err(redirect) => return Ok(redirect),
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let (listing_id, request, _) = request_of(&state, &site, lang, &path.1).await?;
    let page = |status, errors| form_page(&site, lang, status, &signed_in, &request, &form, errors);
    if !signed_in.session.email_verified {
        return Ok(page(StatusCode::FORBIDDEN, Vec::new()));
    }
    let input = match input_of(lang, &form) {
        Ok(input) => input,
        Err(errors) => return Ok(page(StatusCode::BAD_REQUEST, errors)),
    };
    let actor = domain::Actor {
        user_id: signed_in.session.user.id,
        account_type: signed_in.session.user.account_type,
    };
    let quota = state.config.monthly_quote_quota;
    let result = state
        .db(move |conn| domain::quote::create_quote(conn, &actor, listing_id, input, quota))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("{}?quote=sent", request.url))),
        Err(e) if e.status == StatusCode::BAD_REQUEST && !e.fields.is_empty() => {
            let errors = e
                .fields
                .iter()
                .map(|f| (f.field.clone(), field_text(lang, &f.code, &f.message)))
                .collect();
            Ok(page(StatusCode::BAD_REQUEST, errors))
        }
        // Refusals the supplier can understand and act on (already quoted, not a supplier,
        // the request is full or closed, the monthly quota, blocked words) are said on the
        // form; anything else is an error page.
        Err(e)
            if matches!(
                e.status,
                StatusCode::BAD_REQUEST
                    | StatusCode::FORBIDDEN
                    | StatusCode::CONFLICT
                    | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            let text = field_text(lang, e.code, &e.message);
            Ok(page(e.status, vec![("form".into(), text)]))
        }
        Err(e) => Err(PageError::from_api(&site, lang, e)),
    }
}
