//! What a reply from a mail server, or the status in a delivery report, means for the message
//! and for the address. One table for synchronous SMTP replies and asynchronous reports (RFC
//! 3464), so both are handled the same way.

/// The enhanced status code of RFC 3463 (`5.1.1`): class, subject, detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnhancedCode {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl std::fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// What happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted (2.x.x).
    Delivered,
    /// The server, the connection or the network failed, not the recipient (421, 4.3.x, 4.4.x,
    /// 4.7.x greylisting and throttling, a code-less temporary reply): retry later; nothing is
    /// held against the address.
    Transient,
    /// A temporary failure of this address (4.1.x, 4.2.x such as a full mailbox, 450, 5.2.2):
    /// retry with backoff and count a soft bounce; repeated soft bounces suppress the address.
    SoftBounce,
    /// The address does not exist or is disabled (5.1.x, 5.2.1, a bare 550/551/553): suppress
    /// it and fail the job.
    HardBounce,
    /// Refused by the receiver's policy (5.7.x): pause the recipient domain; the job waits.
    PolicyBlock,
    /// Permanently refused for another reason (5.3.x, 5.5.x, 5.6.x, message too large, 554):
    /// this job fails; the address stays usable.
    Rejected,
}

/// The first enhanced status code in a reply or report text (`550 5.1.1 <x@y>: unknown`).
pub fn enhanced_code(text: &str) -> Option<EnhancedCode> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if starts_word
            && matches!(bytes[i], b'2' | b'4' | b'5')
            && let Some((code, len)) = parse_code_at(&text[i..])
        {
            let end = i + len;
            let ends_word = end == bytes.len()
                || !(bytes[end].is_ascii_alphanumeric()
                    || (bytes[end] == b'.'
                        && end + 1 < bytes.len()
                        && bytes[end + 1].is_ascii_digit()));
            if ends_word {
                return Some(code);
            }
        }
        i += 1;
    }
    None
}

fn parse_code_at(text: &str) -> Option<(EnhancedCode, usize)> {
    let mut parts = [0u16; 3];
    let mut len = 0;
    let bytes = text.as_bytes();
    for (n, part) in parts.iter_mut().enumerate() {
        let start = len;
        while len < bytes.len() && bytes[len].is_ascii_digit() && len - start < 3 {
            len += 1;
        }
        if len == start {
            return None;
        }
        *part = text[start..len].parse().ok()?;
        if n < 2 {
            if bytes.get(len) != Some(&b'.') {
                return None;
            }
            len += 1;
        }
    }
    if parts[0] > 9 || !matches!(parts[0], 2 | 4 | 5) {
        return None;
    }
    Some((
        EnhancedCode {
            class: parts[0] as u8,
            subject: parts[1],
            detail: parts[2],
        },
        len,
    ))
}

/// Classifies a reply: `basic` is the three-digit SMTP code when there is one, `text` the
/// reply or report text (searched for an enhanced code, which wins when present).
pub fn classify(basic: Option<u16>, text: &str) -> Verdict {
    if let Some(code) = enhanced_code(text) {
        return classify_enhanced(code);
    }
    match basic {
        Some(200..=299) => Verdict::Delivered,
        Some(450) => Verdict::SoftBounce,
        Some(400..=499) => Verdict::Transient,
        Some(550 | 551 | 553) => Verdict::HardBounce,
        Some(552) => Verdict::SoftBounce,
        Some(500..=599) => Verdict::Rejected,
        _ => Verdict::Transient,
    }
}

pub fn classify_enhanced(code: EnhancedCode) -> Verdict {
    match (code.class, code.subject, code.detail) {
        (2, _, _) => Verdict::Delivered,
        (4, 1 | 2, _) => Verdict::SoftBounce,
        (4, _, _) => Verdict::Transient,
        (5, 1, _) | (5, 2, 1) => Verdict::HardBounce,
        (5, 2, 0 | 2) => Verdict::SoftBounce,
        (5, 7, _) => Verdict::PolicyBlock,
        _ => Verdict::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_enhanced_codes() {
        assert_eq!(
            enhanced_code("5.1.1 <x@example.com>: user unknown"),
            Some(EnhancedCode {
                class: 5,
                subject: 1,
                detail: 1
            })
        );
        assert_eq!(
            enhanced_code("smtp; 550 5.7.1 blocked by policy").map(|c| c.to_string()),
            Some("5.7.1".into())
        );
        assert_eq!(enhanced_code("version 1.2.3 of 4.5"), None);
        assert_eq!(enhanced_code("ip 10.5.1.1 refused"), None);
        assert_eq!(
            enhanced_code("4.2.2").map(|c| c.to_string()),
            Some("4.2.2".into())
        );
        assert_eq!(enhanced_code("5.1.10 null MX").map(|c| c.detail), Some(10));
        assert_eq!(enhanced_code("mailbox unavailable"), None);
    }

    #[test]
    fn classifies_replies() {
        use Verdict::*;
        for (basic, text, verdict) in [
            (Some(250), "2.0.0 OK queued", Delivered),
            (Some(550), "5.1.1 no such user", HardBounce),
            (Some(550), "5.2.1 mailbox disabled", HardBounce),
            (Some(552), "5.2.2 mailbox full", SoftBounce),
            (Some(550), "5.7.1 rejected by policy", PolicyBlock),
            (Some(554), "5.7.26 unauthenticated sender", PolicyBlock),
            (Some(451), "4.7.1 greylisted, try again", Transient),
            (Some(451), "4.3.0 local error", Transient),
            (Some(452), "4.2.2 over quota", SoftBounce),
            (Some(421), "service not available", Transient),
            (Some(450), "mailbox busy", SoftBounce),
            (Some(550), "no such user here", HardBounce),
            (Some(554), "transaction failed", Rejected),
            (Some(552), "5.3.4 message too big", Rejected),
            (None, "connection refused", Transient),
        ] {
            assert_eq!(classify(basic, text), verdict, "{basic:?} {text}");
        }
    }
}
