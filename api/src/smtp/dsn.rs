//! Bounce and complaint reports posted by the MTA: RFC 3464 delivery status notifications
//! (`multipart/report; report-type=delivery-status`) and ARF abuse reports (RFC 5965,
//! `report-type=feedback-report`). The MIME structure is parsed by mail-parser; the
//! `message/delivery-status` and `message/feedback-report` bodies are blocks of header-like
//! fields, read here after the part is extracted.

use domain::email::{DeliveryReport, RecipientStatus, ReportBody};
use mail_parser::{MessageParser, MimeHeaders, PartType};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("the body is not a MIME message")]
    NotAMessage,
    #[error("the message is neither a delivery status notification nor a feedback report")]
    NotAReport,
}

/// Splits a block of fields (RFC 822 style, with folded lines) into (lower-case name, value).
fn fields(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    out
}

/// Blocks separated by blank lines.
fn blocks(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_owned)
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `rfc822; user@example.com` → `user@example.com`.
fn address_of(value: &str) -> String {
    let value = value.split_once(';').map_or(value, |(_, a)| a).trim();
    value
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_owned()
}

fn bracketed(id: &str) -> String {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{bare}>")
}

/// Parses a posted report.
pub fn parse_report(raw: &[u8]) -> Result<DeliveryReport, ReportError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ReportError::NotAMessage)?;
    let mut status_fields: Option<String> = None;
    let mut feedback_fields: Option<String> = None;
    let mut original_id: Option<String> = None;
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let ctype = ct.ctype().to_ascii_lowercase();
        let subtype = ct.subtype().unwrap_or("").to_ascii_lowercase();
        match (ctype.as_str(), subtype.as_str()) {
            ("message", "delivery-status" | "global-delivery-status") => {
                status_fields = Some(String::from_utf8_lossy(part.contents()).into_owned());
            }
            ("message", "feedback-report") => {
                feedback_fields = Some(String::from_utf8_lossy(part.contents()).into_owned());
            }
            ("message", "rfc822" | "global") => {
                if let PartType::Message(inner) = &part.body
                    && original_id.is_none()
                {
                    original_id = inner.message_id().map(bracketed);
                }
            }
            ("text", "rfc822-headers") => {
                if original_id.is_none()
                    && let Some(headers) = MessageParser::default().parse_headers(part.contents())
                {
                    original_id = headers.message_id().map(bracketed);
                }
            }
            _ => {}
        }
    }
    if let Some(text) = status_fields {
        let mut blocks = blocks(&text).into_iter().map(|b| fields(&b));
        let per_message = blocks.next().unwrap_or_default();
        let explicit = field(&per_message, "original-message-id")
            .or_else(|| field(&per_message, "x-original-message-id"))
            .map(bracketed);
        let mut recipients = Vec::new();
        // Some MTAs put the first recipient's fields in the per-message block.
        let candidates = std::iter::once(per_message.clone()).chain(blocks);
        for f in candidates {
            let Some(action) = field(&f, "action") else {
                continue;
            };
            recipients.push(RecipientStatus {
                address: field(&f, "final-recipient")
                    .or_else(|| field(&f, "original-recipient"))
                    .map(address_of),
                action: action.to_ascii_lowercase(),
                status: field(&f, "status").map(str::to_owned),
                diagnostic: field(&f, "diagnostic-code").map(str::to_owned),
            });
        }
        return Ok(DeliveryReport {
            message_id: explicit.or(original_id),
            body: ReportBody::DeliveryStatus(recipients),
        });
    }
    if let Some(text) = feedback_fields {
        let f = fields(&text);
        let explicit = field(&f, "original-message-id").map(bracketed);
        return Ok(DeliveryReport {
            message_id: explicit.or(original_id),
            body: ReportBody::Feedback {
                feedback_type: field(&f, "feedback-type").unwrap_or("other").to_owned(),
                recipient: field(&f, "original-rcpt-to").map(address_of),
            },
        });
    }
    Err(ReportError::NotAReport)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.example.net\r\n\
To: noreply@tradefair.example\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
--b1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.example.net\r\n\
Arrival-Date: Sun, 22 Nov 2026 08:00:00 +0000\r\n\
\r\n\
Final-Recipient: rfc822; gone@example.net\r\n\
Original-Recipient: rfc822;gone@example.net\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>:\r\n\
\x20Recipient address rejected: User unknown\r\n\
\r\n\
--b1\r\n\
Content-Type: message/rfc822\r\n\
\r\n\
From: Tradefair <noreply@tradefair.example>\r\n\
To: gone@example.net\r\n\
Message-ID: <0193abcd@tradefair.example>\r\n\
Subject: hi\r\n\
\r\n\
body\r\n\
--b1--\r\n";

    #[test]
    fn reads_a_dsn() {
        let r = parse_report(DSN.as_bytes()).unwrap();
        assert_eq!(
            r.message_id.as_deref(),
            Some("<0193abcd@tradefair.example>")
        );
        let ReportBody::DeliveryStatus(rs) = r.body else {
            panic!("not a DSN")
        };
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].address.as_deref(), Some("gone@example.net"));
        assert_eq!(rs[0].action, "failed");
        assert_eq!(rs[0].status.as_deref(), Some("5.1.1"));
        assert!(
            rs[0]
                .diagnostic
                .as_deref()
                .unwrap()
                .ends_with("User unknown")
        );
    }

    #[test]
    fn reads_an_arf_report_with_headers_only() {
        let arf = "From: fbl@isp.example\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"p\"\r\n\
\r\n\
--p\r\n\
Content-Type: text/plain\r\n\
\r\n\
This is an abuse report.\r\n\
--p\r\n\
Content-Type: message/feedback-report\r\n\
\r\n\
Feedback-Type: abuse\r\n\
User-Agent: SomeGenerator/1.0\r\n\
Version: 1\r\n\
Original-Rcpt-To: <Someone@Example.net>\r\n\
\r\n\
--p\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
From: noreply@tradefair.example\r\n\
Message-ID: <77@tradefair.example>\r\n\
\r\n\
--p--\r\n";
        let r = parse_report(arf.as_bytes()).unwrap();
        assert_eq!(r.message_id.as_deref(), Some("<77@tradefair.example>"));
        match r.body {
            ReportBody::Feedback {
                feedback_type,
                recipient,
            } => {
                assert_eq!(feedback_type, "abuse");
                assert_eq!(recipient.as_deref(), Some("Someone@Example.net"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_other_messages() {
        assert_eq!(
            parse_report(b"Subject: hello\r\n\r\njust mail\r\n").unwrap_err(),
            ReportError::NotAReport
        );
        assert!(parse_report(b"").is_err());
    }
}
