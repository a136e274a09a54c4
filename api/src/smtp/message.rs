//! Turning a stored job into the bytes sent: exactly the job's subject and bodies, the open
//! pixel and click redirects when the job allows tracking, and headers that are the same on
//! every attempt (Message-ID, Date from the job, MIME boundary from the job id). Only the DKIM
//! signature's timestamp changes between attempts.

use std::time::{Duration, SystemTime};

use domain::email::{EmailJob, tracked_html};
use lettre::message::dkim::DkimConfig;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

/// What every message of this process shares.
pub struct Composer {
    pub from: Mailbox,
    pub dkim: Option<DkimConfig>,
    /// The public base URL of tracking links.
    pub public_url: String,
}

/// A message ready to hand to a transport.
pub struct Outgoing {
    pub envelope: lettre::address::Envelope,
    pub bytes: Vec<u8>,
}

impl Composer {
    pub fn new(from: &str, dkim: Option<DkimConfig>, public_url: &str) -> anyhow::Result<Composer> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("TRADEFAIR_MAIL_FROM {from:?} is not a mailbox: {e}"))?;
        Ok(Composer {
            from,
            dkim,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Builds (and signs) the message of `job`; `link_key` signs tracking links. An error means
    /// the job can never be sent (an unusable address).
    pub fn build(&self, job: &EmailJob, link_key: &[u8]) -> Result<Outgoing, String> {
        let to: Address = job
            .to_address
            .trim()
            .parse()
            .map_err(|e| format!("unusable recipient address: {e}"))?;
        let created = job.created_at.assume_utc();
        let date = SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(created.unix_timestamp()).unwrap_or(0));
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(job.subject.clone())
            .date(date)
            .message_id(Some(job.message_id.clone()));
        if let Some(url) = &job.list_unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let html = tracked_html(&job.html_body, job, link_key, &self.public_url);
        let body = MultiPart::alternative()
            .boundary(format!("tf-{}", job.id.simple()))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(job.text_body.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html),
            );
        let mut message = builder
            .multipart(body)
            .map_err(|e| format!("cannot build the message: {e}"))?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(Outgoing {
            envelope: message.envelope().clone(),
            bytes: message.formatted(),
        })
    }
}
