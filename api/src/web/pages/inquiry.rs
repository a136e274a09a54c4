//! "Send inquiry" from a product page or a sell offer: signs the visitor in first (and comes back), then sends
//! through the same domain service, throttles and verification rule as
//! `POST /api/v1/inquiries`, and lands back on the page it came from with a notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::inquiry::{self, NewInquiry, TargetInput};
use domain::listing::ListingKind;
use serde::Deserialize;
use uuid::Uuid;

use super::account::{field_text, require_session, see_other};
use super::listing::{listing_path, load_public};
use super::view::product_path;
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
pub struct InquiryForm {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit: String,
    /// A checkbox: present (`on`) when ticked.
    pub share_email: Option<String>,
    #[serde(default)]
    pub csrf: String,
}

/// What the form is about: a public product or a live sell offer.
struct Subject {
    /// `product` or `listing`, as `POST /api/v1/inquiries` names its targets.
    kind: &'static str,
    id: Uuid,
    title: String,
    /// The subject's page, with the language prefix.
    url: String,
    unit: String,
}

async fn product_subject(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    id: &str,
) -> Result<Subject, PageError> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(PageError::new(site, lang, StatusCode::NOT_FOUND));
    };
    let product = state
        .db(move |conn| domain::catalog::get_product(conn, None, id))
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?;
    let title = lang
        .pick(product.title_zh.as_deref(), product.title_en.as_deref())
        .to_owned();
    let path = product_path(&product.id.to_string(), product.title_en.as_deref());
    Ok(Subject {
        kind: "product",
        id: product.id,
        title,
        url: format!("/{}{path}", lang.code()),
        unit: product.unit.clone(),
    })
}

async fn sell_offer_subject(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    id: &str,
) -> Result<Subject, PageError> {
    let (listing, _, _) = load_public(state, site, lang, ListingKind::Sell, id).await?;
    Ok(Subject {
        kind: "listing",
        id: listing.id,
        url: format!(
            "/{}{}",
            lang.code(),
            listing_path(ListingKind::Sell, &listing.id.to_string())
        ),
        title: listing.title,
        unit: listing.unit,
    })
}

fn form_page(
    site: &web::Data<Site>,
    lang: Lang,
    status: StatusCode,
    signed_in: &SignedIn,
    subject: &Subject,
    form: &InquiryForm,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let errors: std::collections::BTreeMap<String, String> = errors.into_iter().collect();
    page::render(
        site,
        lang,
        status,
        "inquiry.html",
        Meta {
            title: format!("{} – {}", t(lang, "inquiry.title"), subject.title),
            noindex: true,
            ..Meta::default()
        },
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            email_verified => signed_in.session.email_verified,
            email => signed_in.session.user.email.clone(),
            subject_title => subject.title.clone(),
            subject_url => subject.url.clone(),
            subject => form.subject.clone(),
            message => form.message.clone(),
            quantity => form.quantity.clone(),
            unit => form.unit.clone(),
            share_email => form.share_email.is_some(),
            errors,
        },
    )
}

pub async fn inquiry_form(
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
    let subject = product_subject(&state, &site, lang, &path.1).await?;
    Ok(blank_form(&site, lang, &signed_in, &subject))
}

pub async fn sell_offer_inquiry_form(
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
    let subject = sell_offer_subject(&state, &site, lang, &path.1).await?;
    Ok(blank_form(&site, lang, &signed_in, &subject))
}

fn blank_form(
    site: &web::Data<Site>,
    lang: Lang,
    signed_in: &SignedIn,
    subject: &Subject,
) -> HttpResponse {
    let form = InquiryForm {
        subject: format!("{}: {}", t(lang, "inquiry.subject_prefix"), subject.title),
        unit: subject.unit.clone(),
        ..InquiryForm::default()
    };
    form_page(
        site,
        lang,
        StatusCode::OK,
        signed_in,
        subject,
        &form,
        Vec::new(),
    )
}

pub async fn send_inquiry(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    send(req, site, state, InquiryOn::Product, &path.1, body).await
}

pub async fn send_sell_offer_inquiry(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    send(req, site, state, InquiryOn::SellOffer, &path.1, body).await
}

/// Which kind of page the form was opened from.
enum InquiryOn {
    Product,
    SellOffer,
}

async fn send(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    of: InquiryOn,
    id: &str,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: InquiryForm = forms::parse(&site, lang, &body)?;
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        // The session ended while the form was open: sign in and start over.
        Err(redirect) => return Ok(redirect),
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let subject = match of {
        InquiryOn::Product => product_subject(&state, &site, lang, id).await?,
        InquiryOn::SellOffer => sell_offer_subject(&state, &site, lang, id).await?,
    };
    let page = |status, errors| form_page(&site, lang, status, &signed_in, &subject, &form, errors);
    if !signed_in.session.email_verified {
        return Ok(page(StatusCode::FORBIDDEN, Vec::new()));
    }
    let actor = domain::Actor {
        user_id: signed_in.session.user.id,
        account_type: signed_in.session.user.account_type,
    };
    crate::limits::guards::check_inquiry(&state, &req, actor.user_id)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let quantity = match form.quantity.trim() {
        "" => None,
        q => match q.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let text = field_text(lang, "not_a_number", "must be a whole number");
                return Ok(page(
                    StatusCode::BAD_REQUEST,
                    vec![("quantity".into(), text)],
                ));
            }
        },
    };
    let input = NewInquiry {
        subject: form.subject.clone(),
        message: form.message.clone(),
        quantity,
        unit: Some(form.unit.trim().to_owned()).filter(|u| !u.is_empty()),
        attachments: Vec::new(),
        targets: vec![TargetInput {
            kind: subject.kind.into(),
            id: subject.id.to_string(),
        }],
        share_email: form.share_email.is_some(),
    };
    let limits = state.config.spam_limits();
    let result = state
        .db(move |conn| inquiry::create_inquiries(conn, &actor, input, &limits))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("{}?inquiry=sent", subject.url))),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let errors = e
                .fields
                .iter()
                .map(|f| {
                    // `targets[0].id` (e.g. the visitor's own company) belongs to the form.
                    let field = if f.field.starts_with("targets") {
                        "form".to_owned()
                    } else {
                        f.field.clone()
                    };
                    (field, field_text(lang, &f.code, &f.message))
                })
                .collect();
            Ok(page(StatusCode::BAD_REQUEST, errors))
        }
        Err(e) => Err(PageError::from_api(&site, lang, e)),
    }
}
