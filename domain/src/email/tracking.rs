//! Open and click tracking: the worker adds a pixel and rewrites links of jobs whose
//! recipient allows tracking (`email_jobs.tracking`); the endpoints record what the signed
//! tokens name. Rewriting is deterministic per job (the tokens carry no time), so a retry sends
//! the same message.

use std::sync::LazyLock;

use diesel::prelude::*;
use regex::Regex;
use uuid::Uuid;

use super::EmailError;
use super::delivery::add_event;
use super::link::{LinkPurpose, LinkToken, sign_link, verify_link};
use super::model::{EmailJob, EventKind};
use crate::clock::now;
use crate::db::schema::{email_jobs, email_preferences};
use crate::db::{self, DbConnection};

/// Where the tracking endpoints live, under the public URL.
pub const OPEN_PATH: &str = "/api/v1/email/open/";
pub const CLICK_PATH: &str = "/api/v1/email/click/";

static A_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<a\b[^>]*>").expect("regex"));
static HREF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?is)(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')"#).expect("regex"));
static NO_TRACK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\sdata-notrack\b").expect("regex"));
static BODY_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</body\s*>").expect("regex"));

static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));").expect("regex")
});

/// Decodes the character references an attribute value may hold: numeric ones in decimal and
/// hex (the template engine writes `/` as `&#x2f;`, `'` as `&#x27;`) and the named ones HTML
/// escapers use. Anything else is left as written.
fn unescape(text: &str) -> String {
    ENTITY
        .replace_all(text, |c: &regex::Captures<'_>| {
            let code = if let Some(dec) = c.get(1) {
                dec.as_str().parse::<u32>().ok()
            } else if let Some(hex) = c.get(2) {
                u32::from_str_radix(hex.as_str(), 16).ok()
            } else {
                match c.get(3).map(|m| m.as_str()) {
                    Some("amp") => Some(u32::from('&')),
                    Some("lt") => Some(u32::from('<')),
                    Some("gt") => Some(u32::from('>')),
                    Some("quot") => Some(u32::from('"')),
                    Some("apos") => Some(u32::from('\'')),
                    Some("sol") => Some(u32::from('/')),
                    Some("equals") => Some(u32::from('=')),
                    Some("quest") => Some(u32::from('?')),
                    Some("num") => Some(u32::from('#')),
                    _ => None,
                }
            };
            match code.and_then(char::from_u32) {
                Some(ch) if ch != '\0' => ch.to_string(),
                _ => c[0].to_owned(),
            }
        })
        .into_owned()
}

fn base(public_url: &str) -> &str {
    public_url.trim_end_matches('/')
}

/// Whether a link is left alone: not http(s), the job's unsubscribe link, any link to the
/// e-mail endpoints (unsubscribe, preferences, confirmation), or anything naming unsubscribe or
/// preferences. Links can also opt out with a `data-notrack` attribute.
fn keep_as_is(url: &str, job: &EmailJob, public_url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return true;
    }
    if job.list_unsubscribe.as_deref() == Some(url) {
        return true;
    }
    if url.starts_with(&format!("{}/api/v1/email/", base(public_url))) {
        return true;
    }
    lower.contains("unsubscribe") || lower.contains("preferences")
}

fn token(job: &EmailJob, purpose: LinkPurpose, data: Option<String>) -> LinkToken {
    LinkToken {
        purpose,
        user_id: job.user_id.unwrap_or(Uuid::nil()),
        job_id: Some(job.id),
        data,
        expires_at: None,
    }
}

/// The HTML part as sent: with tracking on, every other http(s) link goes through the click
/// redirect and a 1×1 pixel is added before `</body>`; with tracking off, `html` unchanged.
pub fn tracked_html(html: &str, job: &EmailJob, key: &[u8], public_url: &str) -> String {
    if !job.tracking {
        return html.to_owned();
    }
    let root = base(public_url);
    let rewritten = A_TAG.replace_all(html, |tag: &regex::Captures<'_>| {
        let tag = &tag[0];
        if NO_TRACK.is_match(tag) {
            return tag.to_owned();
        }
        HREF.replace(tag, |h: &regex::Captures<'_>| {
            let raw = h.get(2).or_else(|| h.get(3)).map_or("", |m| m.as_str());
            let url = unescape(raw.trim());
            if keep_as_is(&url, job, public_url) {
                return h[0].to_owned();
            }
            let signed = sign_link(key, &token(job, LinkPurpose::Click, Some(url)));
            format!("{}\"{root}{CLICK_PATH}{signed}\"", &h[1])
        })
        .into_owned()
    });
    let pixel = format!(
        "<img src=\"{root}{OPEN_PATH}{}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\">",
        sign_link(key, &token(job, LinkPurpose::Open, None))
    );
    match BODY_END.find_iter(&rewritten).last() {
        Some(m) => {
            let mut out = String::with_capacity(rewritten.len() + pixel.len());
            out.push_str(&rewritten[..m.start()]);
            out.push_str(&pixel);
            out.push_str(&rewritten[m.start()..]);
            out
        }
        None => format!("{rewritten}{pixel}"),
    }
}

fn record(
    conn: &mut DbConnection,
    token: &LinkToken,
    event: EventKind,
    detail: Option<&str>,
) -> Result<(), EmailError> {
    let job_id = token.job_id.ok_or(EmailError::InvalidLink)?;
    db::transaction(conn, |conn| {
        let job = super::delivery::get_job(conn, job_id)?;
        let Some(job) = job else {
            return Err(EmailError::InvalidLink);
        };
        add_event(conn, &job, event, detail, now())?;
        if let Some(user) = job.user_id {
            diesel::update(email_preferences::table.find(user.to_string()))
                .set(email_preferences::unengaged_sends.eq(0))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Records an open from the pixel's token; resets the recipient's unengaged count.
pub fn record_open(conn: &mut DbConnection, key: &[u8], text: &str) -> Result<(), EmailError> {
    let token = verify_link(key, text, LinkPurpose::Open).map_err(|_| EmailError::InvalidLink)?;
    record(conn, &token, EventKind::Opened, None)
}

/// Records a click and returns the URL the token was signed with (only http(s): a click link
/// is never an open redirect); resets the recipient's unengaged count.
pub fn record_click(conn: &mut DbConnection, key: &[u8], text: &str) -> Result<String, EmailError> {
    let token = verify_link(key, text, LinkPurpose::Click).map_err(|_| EmailError::InvalidLink)?;
    let target = token.data.clone().ok_or(EmailError::InvalidLink)?;
    let lower = target.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(EmailError::InvalidLink);
    }
    record(conn, &token, EventKind::Clicked, Some(&target))?;
    Ok(target)
}

/// Whether a job exists (tests and reports).
pub fn job_exists(conn: &mut DbConnection, id: Uuid) -> QueryResult<bool> {
    let n: i64 = email_jobs::table
        .find(id.to_string())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::EmailCategory;
    use crate::email::model::JobStatus;

    fn job(tracking: bool) -> EmailJob {
        let at = time::macros::datetime!(2026-11-22 08:00);
        EmailJob {
            id: Uuid::from_u128(7),
            message_id: "<x@h>".into(),
            category: EmailCategory::Lead,
            kind: "lead_digest".into(),
            user_id: Some(Uuid::from_u128(9)),
            to_address: "a@example.com".into(),
            to_domain: "example.com".into(),
            subject: "s".into(),
            text_body: "t".into(),
            html_body: String::new(),
            list_unsubscribe: Some("https://tf.example/u/abc".into()),
            tracking,
            status: JobStatus::Queued,
            attempts: 0,
            next_attempt_at: at,
            locked_by: None,
            locked_until: None,
            last_error: None,
            dedupe_key: None,
            created_at: at,
            sent_at: None,
        }
    }

    const HTML: &str = r#"<html><body><p><a href="https://shop.example/p?a=1&amp;b=2">item</a>
<a class="x" href='http://other.example/'>o</a> <a href="mailto:x@y">m</a>
<a href="https://tf.example/u/abc">unsubscribe</a> <a href="https://tf.example/api/v1/email/preferences/t">prefs</a>
<a data-notrack href="https://keep.example/">keep</a></p></BODY></html>"#;

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            unescape("https:&#x2f;&#x2F;shop.example&#47;p?a=1&amp;b=2&#38;c=&quot;&#x27;&lt;"),
            "https://shop.example/p?a=1&b=2&c=\"'<"
        );
        assert_eq!(unescape("a&unknown;b&#0;c&"), "a&unknown;b&#0;c&");
    }

    #[test]
    fn links_escaped_by_the_template_engine_are_rewritten() {
        // What minijinja's HTML escaping writes for a product link and the unsubscribe link.
        let html = "<body><a href=\"https:&#x2f;&#x2f;shop.example&#x2f;api&#x2f;v1&#x2f;products&#x2f;1?x=1&amp;y=2\">p</a>\
                    <a href=\"https:&#x2f;&#x2f;tf.example&#x2f;u&#x2f;abc\">unsubscribe</a></body>";
        let out = tracked_html(html, &job(true), b"k", "https://tf.example");
        assert_eq!(
            out.matches("https://tf.example/api/v1/email/click/")
                .count(),
            1,
            "{out}"
        );
        let start = out.find("/click/").unwrap() + "/click/".len();
        let end = start + out[start..].find('"').unwrap();
        let t = verify_link(b"k", &out[start..end], LinkPurpose::Click).unwrap();
        assert_eq!(
            t.data.as_deref(),
            Some("https://shop.example/api/v1/products/1?x=1&y=2")
        );
        assert!(out.contains("href=\"https:&#x2f;&#x2f;tf.example&#x2f;u&#x2f;abc\""));
    }

    #[test]
    fn off_means_untouched() {
        assert_eq!(
            tracked_html(HTML, &job(false), b"k", "https://tf.example"),
            HTML
        );
    }

    #[test]
    fn rewrites_links_and_adds_pixel_deterministically() {
        let j = job(true);
        let out = tracked_html(HTML, &j, b"k", "https://tf.example/");
        assert_eq!(out, tracked_html(HTML, &j, b"k", "https://tf.example/"));
        assert_eq!(
            out.matches("https://tf.example/api/v1/email/click/")
                .count(),
            2
        );
        assert!(out.contains("href=\"https://tf.example/u/abc\""));
        assert!(out.contains("href=\"https://tf.example/api/v1/email/preferences/t\""));
        assert!(out.contains("href=\"mailto:x@y\""));
        assert!(out.contains("data-notrack href=\"https://keep.example/\""));
        assert!(!out.contains("shop.example"));
        let pixel = out.find("/api/v1/email/open/").unwrap();
        assert!(pixel < out.find("</BODY>").unwrap());
        // The first click token names the unescaped target.
        let start = out.find("/click/").unwrap() + "/click/".len();
        let end = start + out[start..].find('"').unwrap();
        let t = verify_link(b"k", &out[start..end], LinkPurpose::Click).unwrap();
        assert_eq!(t.data.as_deref(), Some("https://shop.example/p?a=1&b=2"));
        assert_eq!(t.job_id, Some(j.id));
    }
}
