//! Turning events into finished messages: the recipient's language, HTML and plain text from
//! one context, every piece of user content escaped by the HTML template, and the links each
//! kind of message must carry.

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;
use uuid::Uuid;

use super::model::{Language, MailSettings, Preferences};
use super::notification_text::notification_text;
use super::strings::{Strings, strings};
use crate::email::{EmailCategory, LinkPurpose, LinkToken, NewEmail, sign_link};

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // The `.html` name turns on HTML auto-escaping; `.txt` is left as written.
    env.add_template("message.html", include_str!("templates/message.html"))
        .expect("message.html parses");
    env.add_template("message.txt", include_str!("templates/message.txt"))
        .expect("message.txt parses");
    env
});

#[derive(Debug, Clone, Serialize)]
pub struct LeadItem {
    pub title: String,
    pub company: String,
    pub verified: bool,
    /// Price and MOQ, or quantity for a buy request, already formatted.
    pub detail: String,
    /// The item's page on the site, in the recipient's language.
    pub url: String,
    /// The cover picture's thumbnail (a JPEG or PNG variant, which every mail client shows);
    /// none when the item has no uploaded picture.
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadGroup {
    pub heading: String,
    pub items: Vec<LeadItem>,
}

#[derive(Debug, Clone, Serialize, Default)]
struct Context {
    lang: &'static str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    action_url: Option<String>,
    action_label: String,
    groups: Vec<LeadGroup>,
    verified_label: &'static str,
    footer_reason: &'static str,
    sender_identity: String,
    unsubscribe_url: Option<String>,
    unsubscribe_label: &'static str,
    preferences_url: Option<String>,
    preferences_label: &'static str,
}

fn render(ctx: &Context) -> (String, String) {
    let html = TEMPLATES
        .get_template("message.html")
        .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "e-mail HTML template failed");
            String::new()
        });
    let text = TEMPLATES
        .get_template("message.txt")
        .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "e-mail text template failed");
            String::new()
        });
    (html, text)
}

fn base(lang: Language, s: &'static Strings, name: &str, settings: &MailSettings) -> Context {
    Context {
        lang: lang.as_str(),
        greeting: s.greeting.replace("{name}", name),
        verified_label: s.verified,
        sender_identity: format!("Tradefair · {}", settings.public_url),
        unsubscribe_label: s.unsubscribe,
        preferences_label: s.preferences,
        ..Context::default()
    }
}

/// Collapses whitespace and control characters so user text cannot break a header.
pub(crate) fn header_text(text: &str, max: usize) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() > max {
        let mut cut: String = joined.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        joined
    }
}

/// A page of the web site in `lang` with a signed token: the account links (verify an address,
/// reset a password) open the site's own pages, in the recipient's language.
pub(crate) fn site_link(
    settings: &MailSettings,
    lang: Language,
    path: &str,
    token: &str,
) -> String {
    format!(
        "{}/{}/{path}?token={token}",
        settings.public_url.trim_end_matches('/'),
        lang.as_str()
    )
}

pub(crate) fn link(settings: &MailSettings, path: &str, token: &str) -> String {
    format!(
        "{}/api/v1/email/{path}?token={token}",
        settings.public_url.trim_end_matches('/')
    )
}

/// The double opt-in message: nothing but the confirmation link and what it is for.
pub(crate) fn consent_confirmation(
    settings: &MailSettings,
    prefs: &Preferences,
    address: &str,
    name: &str,
    token: &str,
) -> NewEmail {
    let s = strings(prefs.language);
    let mut ctx = base(prefs.language, s, name, settings);
    ctx.subject = s.consent_subject.to_owned();
    ctx.paragraphs = vec![
        s.consent_intro.replace("{email}", address),
        s.consent_expiry
            .replace("{hours}", &settings.consent_link_ttl_hours.to_string()),
        s.consent_ignore.to_owned(),
    ];
    ctx.action_url = Some(link(settings, "confirm", token));
    ctx.action_label = s.consent_action.to_owned();
    ctx.footer_reason = s.transactional_reason;
    let (html, text) = render(&ctx);
    NewEmail {
        category: EmailCategory::Consent,
        kind: "consent_confirm".into(),
        user_id: Some(prefs.user_id),
        to_address: address.to_owned(),
        subject: ctx.subject,
        text_body: text,
        html_body: html,
        list_unsubscribe: None,
        tracking: false,
        dedupe_key: None,
    }
}

/// Asks an unengaged recipient whether to keep sending; the button re-confirms consent.
pub(crate) fn repermission(
    settings: &MailSettings,
    prefs: &Preferences,
    address: &str,
    name: &str,
    confirm_token: &str,
    key: &[u8],
    job_id: Uuid,
) -> NewEmail {
    let s = strings(prefs.language);
    let mut ctx = base(prefs.language, s, name, settings);
    ctx.subject = s.repermission_subject.to_owned();
    ctx.paragraphs = vec![
        s.repermission_intro
            .replace("{days}", &settings.repermission_grace_days.to_string()),
    ];
    ctx.action_url = Some(link(settings, "confirm", confirm_token));
    ctx.action_label = s.repermission_action.to_owned();
    ctx.footer_reason = s.lead_reason;
    let unsubscribe = unsubscribe_url(settings, key, prefs.user_id, job_id);
    ctx.unsubscribe_url = Some(unsubscribe.clone());
    ctx.preferences_url = Some(preferences_url(settings, key, prefs.user_id));
    let (html, text) = render(&ctx);
    NewEmail {
        category: EmailCategory::Consent,
        kind: "repermission".into(),
        user_id: Some(prefs.user_id),
        to_address: address.to_owned(),
        subject: ctx.subject,
        text_body: text,
        html_body: html,
        list_unsubscribe: Some(unsubscribe),
        tracking: false,
        dedupe_key: None,
    }
}

pub(crate) fn unsubscribe_url(
    settings: &MailSettings,
    key: &[u8],
    user: Uuid,
    job: Uuid,
) -> String {
    let token = sign_link(
        key,
        &LinkToken {
            purpose: LinkPurpose::Unsubscribe,
            user_id: user,
            job_id: Some(job),
            data: None,
            expires_at: None,
        },
    );
    link(settings, "unsubscribe", &token)
}

pub(crate) fn preferences_url(settings: &MailSettings, key: &[u8], user: Uuid) -> String {
    let token = sign_link(
        key,
        &LinkToken {
            purpose: LinkPurpose::Preferences,
            user_id: user,
            job_id: None,
            data: None,
            expires_at: None,
        },
    );
    link(settings, "preferences", &token)
}

/// How a lead message is labelled: one item now, or a digest of a window.
#[derive(Debug, Clone)]
pub enum LeadWindow {
    Instant,
    Daily(String),
    Weekly(String),
}

pub(crate) struct LeadMessage<'a> {
    pub settings: &'a MailSettings,
    pub prefs: &'a Preferences,
    pub address: &'a str,
    pub name: &'a str,
    pub groups: Vec<LeadGroup>,
    pub window: LeadWindow,
    pub key: &'a [u8],
    pub job_id: Uuid,
}

/// A lead e-mail (instant or digest): promotional, so it carries the 广告/AD subject prefix
/// when configured, the one-click unsubscribe header and link, and the preferences link.
pub(crate) fn lead_email(m: LeadMessage<'_>) -> NewEmail {
    let lang = m.prefs.language;
    let s = strings(lang);
    let mut ctx = base(lang, s, m.name, m.settings);
    let count: usize = m.groups.iter().map(|g| g.items.len()).sum();
    let (kind, subject) = match &m.window {
        LeadWindow::Instant => {
            let first = m
                .groups
                .first()
                .and_then(|g| g.items.first())
                .map(|i| i.title.clone())
                .unwrap_or_default();
            let mut subject = s.instant_subject.replace("{title}", &first);
            if count > 1 {
                subject.push_str(&format!(" (+{})", count - 1));
            }
            ("lead_instant", subject)
        }
        LeadWindow::Daily(_) => (
            "lead_digest",
            s.daily_subject.replace("{count}", &count.to_string()),
        ),
        LeadWindow::Weekly(_) => (
            "lead_digest",
            s.weekly_subject.replace("{count}", &count.to_string()),
        ),
    };
    let subject = header_text(&subject, 150);
    ctx.subject = if m.settings.ad_prefix {
        format!("{}{subject}", s.ad_prefix)
    } else {
        subject
    };
    ctx.paragraphs = vec![s.lead_intro.to_owned()];
    ctx.groups = m.groups;
    ctx.footer_reason = s.lead_reason;
    let unsubscribe = unsubscribe_url(m.settings, m.key, m.prefs.user_id, m.job_id);
    ctx.unsubscribe_url = Some(unsubscribe.clone());
    ctx.preferences_url = Some(preferences_url(m.settings, m.key, m.prefs.user_id));
    let (html, text) = render(&ctx);
    NewEmail {
        category: EmailCategory::Lead,
        kind: kind.into(),
        user_id: Some(m.prefs.user_id),
        to_address: m.address.to_owned(),
        subject: ctx.subject,
        text_body: text,
        html_body: html,
        list_unsubscribe: Some(unsubscribe),
        tracking: m.prefs.tracking_enabled,
        dedupe_key: None,
    }
}

/// A message about the recipient's own account (address verification, password reset, a
/// registration attempt with their address): transactional, never tracked.
pub(crate) struct AccountMessage<'a> {
    pub lang: Language,
    pub kind: &'static str,
    pub user_id: Uuid,
    pub address: &'a str,
    pub name: &'a str,
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// The page the button opens and its label.
    pub action: Option<(String, String)>,
}

pub(crate) fn account_email(settings: &MailSettings, m: AccountMessage<'_>) -> NewEmail {
    let s = strings(m.lang);
    let mut ctx = base(m.lang, s, m.name, settings);
    ctx.subject = header_text(&m.subject, 150);
    ctx.paragraphs = m.paragraphs;
    if let Some((url, label)) = m.action {
        ctx.action_url = Some(url);
        ctx.action_label = label;
    }
    ctx.footer_reason = s.transactional_reason;
    let (html, text) = render(&ctx);
    NewEmail {
        category: EmailCategory::Transactional,
        kind: m.kind.to_owned(),
        user_id: Some(m.user_id),
        to_address: m.address.to_owned(),
        subject: ctx.subject,
        text_body: text,
        html_body: html,
        list_unsubscribe: None,
        tracking: false,
        dedupe_key: None,
    }
}

/// What an in-app notification is about, for its e-mail.
pub(crate) struct NotificationAbout<'a> {
    pub kind: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Uuid,
    /// The notification's payload.
    pub data: &'a serde_json::Value,
}

/// The e-mail of an in-app notification (transactional: needs no lead consent): what happened,
/// in the recipient's language, with a link to what it is about.
pub(crate) fn notification_email(
    settings: &MailSettings,
    lang: Language,
    address: &str,
    name: &str,
    about: NotificationAbout<'_>,
) -> NewEmail {
    let s = strings(lang);
    let said = notification_text(
        lang,
        about.kind,
        about.subject_type,
        about.subject_id,
        about.data,
    );
    let mut ctx = base(lang, s, name, settings);
    ctx.subject = header_text(&said.subject, 150);
    ctx.paragraphs = said.paragraphs;
    ctx.action_url = Some(format!(
        "{}{}",
        settings.public_url.trim_end_matches('/'),
        said.path
    ));
    ctx.action_label = s.open_in_app.to_owned();
    ctx.footer_reason = s.transactional_reason;
    let (html, text) = render(&ctx);
    NewEmail {
        category: EmailCategory::Transactional,
        kind: about.kind.to_owned(),
        user_id: None,
        to_address: address.to_owned(),
        subject: ctx.subject,
        text_body: text,
        html_body: html,
        list_unsubscribe: None,
        tracking: false,
        dedupe_key: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead_alerts::model::LeadConsent;

    fn prefs(lang: Language) -> Preferences {
        Preferences {
            user_id: Uuid::nil(),
            language: lang,
            lead_consent: LeadConsent::Confirmed,
            consent_requested_at: None,
            consent_confirmed_at: None,
            consent_withdrawn_at: None,
            tracking_enabled: true,
            unengaged_sends: 0,
            repermission_sent_at: None,
        }
    }

    #[test]
    fn user_content_is_escaped_in_html_and_kept_in_text() {
        let settings = MailSettings::default();
        let p = prefs(Language::Zh);
        let email = lead_email(LeadMessage {
            settings: &settings,
            prefs: &p,
            address: "b@example.com",
            name: "<张三>",
            groups: vec![LeadGroup {
                heading: "匹配您的搜索「保温杯」".into(),
                items: vec![LeadItem {
                    title: "304不锈钢<script>alert(1)</script>".into(),
                    company: "义乌 & Co".into(),
                    verified: true,
                    detail: "US$1.20".into(),
                    url: "http://127.0.0.1:8080/zh/product/x".into(),
                    image_url: Some("http://127.0.0.1:8080/api/v1/media/m/thumbnail?\"x".into()),
                }],
            }],
            window: LeadWindow::Instant,
            key: b"k",
            job_id: Uuid::nil(),
        });
        assert!(email.subject.starts_with("广告｜新商机：304不锈钢"));
        assert!(email.html_body.contains("&lt;script&gt;"));
        assert!(!email.html_body.contains("<script>"));
        assert!(email.html_body.contains("&lt;张三&gt;"));
        assert!(email.html_body.contains("义乌 &amp; Co"));
        // The cover thumbnail, its URL escaped like any other value (`/` too, as minijinja does).
        assert!(email.html_body.contains(
            "<img src=\"http:&#x2f;&#x2f;127.0.0.1:8080&#x2f;api&#x2f;v1&#x2f;media&#x2f;m&#x2f;thumbnail?&quot;x\""
        ));
        assert!(
            email
                .text_body
                .contains("304不锈钢<script>alert(1)</script>")
        );
        assert!(
            email
                .list_unsubscribe
                .as_deref()
                .unwrap()
                .contains("/api/v1/email/unsubscribe?token=")
        );
        assert!(email.text_body.contains("/api/v1/email/preferences?token="));
    }

    #[test]
    fn english_and_no_prefix() {
        let settings = MailSettings {
            ad_prefix: false,
            ..MailSettings::default()
        };
        let p = prefs(Language::En);
        let email = lead_email(LeadMessage {
            settings: &settings,
            prefs: &p,
            address: "b@example.com",
            name: "Ann",
            groups: vec![],
            window: LeadWindow::Daily("2026-11-22".into()),
            key: b"k",
            job_id: Uuid::nil(),
        });
        assert_eq!(email.subject, "Today's leads (0)");
        assert!(email.text_body.starts_with("Hello Ann,"));
    }

    #[test]
    fn header_text_strips_line_breaks() {
        assert_eq!(header_text("a\r\nBcc: x@y", 100), "a Bcc: x@y");
    }
}
