//! "Send inquiry" from a product page: signs the visitor in first (and comes back), then sends
//! through the same domain service, throttles and verification rule as
//! `POST /api/v1/inquiries`, and lands back on the product with a notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::inquiry::{self, NewInquiry, TargetInput};
use serde::Deserialize;
use uuid::Uuid;

use super::account::{field_text, require_session, see_other};
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

/// The public product the form is about: its title in `lang` and its page path.
async fn product_of(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    id: &str,
) -> Result<(Uuid, String, String, String), PageError> {
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
    Ok((product.id, title, path, product.unit.clone()))
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    site: &web::Data<Site>,
    lang: Lang,
    status: StatusCode,
    signed_in: &SignedIn,
    title: &str,
    product_url: &str,
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
            title: format!("{} – {title}", t(lang, "inquiry.title")),
            noindex: true,
            ..Meta::default()
        },
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            email_verified => signed_in.session.email_verified,
            email => signed_in.session.user.email.clone(),
            product_title => title,
            product_url,
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
    let (_, title, product_path, unit) = product_of(&state, &site, lang, &path.1).await?;
    let form = InquiryForm {
        subject: format!("{}: {title}", t(lang, "inquiry.subject_prefix")),
        unit,
        ..InquiryForm::default()
    };
    Ok(form_page(
        &site,
        lang,
        StatusCode::OK,
        &signed_in,
        &title,
        &format!("/{}{product_path}", lang.code()),
        &form,
        Vec::new(),
    ))
}

pub async fn send_inquiry(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
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
    let (id, title, product_path, _) = product_of(&state, &site, lang, &path.1).await?;
    let product_url = format!("/{}{product_path}", lang.code());
    if !signed_in.session.email_verified {
        return Ok(form_page(
            &site,
            lang,
            StatusCode::FORBIDDEN,
            &signed_in,
            &title,
            &product_url,
            &form,
            Vec::new(),
        ));
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
                return Ok(form_page(
                    &site,
                    lang,
                    StatusCode::BAD_REQUEST,
                    &signed_in,
                    &title,
                    &product_url,
                    &form,
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
            kind: "product".into(),
            id: id.to_string(),
        }],
        share_email: form.share_email.is_some(),
    };
    let limits = state.config.spam_limits();
    let result = state
        .db(move |conn| inquiry::create_inquiries(conn, &actor, input, &limits))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("{product_url}?inquiry=sent"))),
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
            Ok(form_page(
                &site,
                lang,
                StatusCode::BAD_REQUEST,
                &signed_in,
                &title,
                &product_url,
                &form,
                errors,
            ))
        }
        Err(e) => Err(PageError::from_api(&site, lang, e)),
    }
}
