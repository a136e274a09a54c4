//! Where messages go: an SMTP relay through a connection pool, or `.eml` files in the data dir
//! when no `SMTP_URL` is configured.
//!
//! `SMTP_URL` forms:
//! - `smtp://host[:port]` — STARTTLS when the server offers it (opportunistic), port 25;
//! - `smtp://user:pass@host:587?tls=starttls` (or `tls=required`) — STARTTLS or fail;
//! - `smtp://host:2525?tls=none` — plaintext (loopback relays and test sinks only);
//! - `smtps://user:pass@host[:465]` — implicit TLS.
//!
//! User and password are percent-decoded; a path (`smtp://host/ehlo.name`) sets the EHLO name.

use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::email::{EmailJob, SendResult};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::Outgoing;
use super::pool::{PoolError, SmtpPool, StartTls};

pub enum Transport {
    /// `smtp://`: our own sessions with `TCP_NODELAY` (see `pool`).
    Smtp(SmtpPool),
    /// `smtps://`: lettre's pool.
    ImplicitTls(AsyncSmtpTransport<Tokio1Executor>),
    /// `<dir>/<job id>.eml`.
    Files(PathBuf),
}

/// A parsed `SMTP_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    pub hello_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    None,
    Opportunistic,
    StartTls,
    Implicit,
}

fn percent_decode(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| "credentials are not UTF-8".to_owned())
}

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<SmtpUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| "SMTP_URL must start with smtp:// or smtps://".to_owned())?;
        let implicit = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("unknown SMTP_URL scheme {other:?}")),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match rest.split_once('/') {
            Some((a, p)) => (a, Some(p.trim_matches('/'))),
            None => (rest, None),
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
            let (h, after) = stripped
                .split_once(']')
                .ok_or_else(|| "unclosed [ in SMTP_URL host".to_owned())?;
            (h.to_owned(), after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (hostport.to_owned(), None),
            }
        };
        if host.is_empty() {
            return Err("SMTP_URL has no host".into());
        }
        let mut tls = if implicit {
            TlsMode::Implicit
        } else {
            TlsMode::Opportunistic
        };
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if k == "tls" {
                if implicit {
                    return Err("smtps:// is always implicit TLS; drop ?tls=".into());
                }
                tls = match v {
                    "none" | "off" => TlsMode::None,
                    "opportunistic" => TlsMode::Opportunistic,
                    "starttls" | "required" => TlsMode::StartTls,
                    other => {
                        return Err(format!(
                            "unknown tls={other:?} (none, opportunistic, starttls)"
                        ));
                    }
                };
            } else {
                return Err(format!("unknown SMTP_URL parameter {k:?}"));
            }
        }
        let port = match port {
            Some(p) => p.parse().map_err(|_| format!("bad SMTP_URL port {p:?}"))?,
            None if implicit => 465,
            None if tls == TlsMode::StartTls => 587,
            None => 25,
        };
        let (user, password) = match userinfo {
            Some(u) => {
                let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                (Some(percent_decode(user)?), Some(percent_decode(pass)?))
            }
            None => (None, None),
        };
        Ok(SmtpUrl {
            host,
            port,
            tls,
            user,
            password,
            hello_name: path.filter(|p| !p.is_empty()).map(str::to_owned),
        })
    }
}

impl Transport {
    /// The SMTP relay of `SMTP_URL`, or `.eml` files under `<data dir>/mail`.
    pub fn new(
        smtp_url: Option<&str>,
        data_dir: &Path,
        pool_size: u32,
        timeout: Duration,
    ) -> anyhow::Result<Transport> {
        let Some(url) = smtp_url else {
            let dir = data_dir.join("mail");
            std::fs::create_dir_all(&dir)?;
            return Ok(Transport::Files(dir));
        };
        let url = SmtpUrl::parse(url).map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?;
        let credentials = match (&url.user, &url.password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.clone())),
            _ => None,
        };
        let hello = url
            .hello_name
            .clone()
            .map(ClientId::Domain)
            .unwrap_or_default();
        let params = || TlsParameters::new(url.host.clone());
        let starttls = match url.tls {
            TlsMode::None => StartTls::Never,
            TlsMode::Opportunistic => StartTls::Opportunistic(params()?),
            TlsMode::StartTls => StartTls::Required(params()?),
            TlsMode::Implicit => {
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
                        .port(url.port)
                        .timeout(Some(timeout))
                        .pool_config(PoolConfig::new().max_size(pool_size.max(1)))
                        .tls(Tls::Wrapper(params()?))
                        .hello_name(hello);
                if let Some(credentials) = credentials {
                    builder = builder.credentials(credentials);
                }
                return Ok(Transport::ImplicitTls(builder.build()));
            }
        };
        Ok(Transport::Smtp(SmtpPool::new(
            url.host,
            url.port,
            starttls,
            credentials,
            hello,
            timeout,
            pool_size as usize,
        )))
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "smtp".into(),
            Transport::ImplicitTls(_) => "smtp (implicit TLS)".into(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
        }
    }

    /// Sends one message and says what came of it.
    pub async fn send(&self, job: &EmailJob, message: &Outgoing) -> SendResult {
        match self {
            Transport::Smtp(pool) => match pool.send(&message.envelope, &message.bytes).await {
                Ok(reply) => accepted(&reply),
                Err(PoolError::Smtp(e)) => smtp_error(&e),
                Err(PoolError::Connect(e)) => SendResult::Unavailable {
                    error: format!("cannot connect to the SMTP server: {e}"),
                },
                Err(PoolError::Timeout) => SendResult::Unavailable {
                    error: "the SMTP server did not answer in time".into(),
                },
            },
            Transport::ImplicitTls(smtp) => {
                match smtp.send_raw(&message.envelope, &message.bytes).await {
                    Ok(reply) => accepted(&reply),
                    Err(e) => smtp_error(&e),
                }
            }
            Transport::Files(dir) => write_file(dir, job, &message.bytes).await,
        }
    }
}

fn accepted(reply: &lettre::transport::smtp::response::Response) -> SendResult {
    SendResult::Accepted {
        reply: Some(format!(
            "{} {}",
            reply.code(),
            reply.message().collect::<Vec<_>>().join(" ")
        )),
    }
}

/// Classifies a lettre error: a reply from the server is `Refused` (except 421, the server
/// closing the session: `Unavailable`); no reply at all is `Unavailable`.
pub fn smtp_error(e: &lettre::transport::smtp::Error) -> SendResult {
    let text = e.to_string();
    if let Some(code) = e.status() {
        let code: Option<u16> = code.to_string().parse().ok();
        if code == Some(421) {
            return SendResult::Unavailable { error: text };
        }
        return SendResult::Refused { code, text };
    }
    if e.is_client() {
        return SendResult::Unsendable { error: text };
    }
    SendResult::Unavailable { error: text }
}

/// Writes `<dir>/<job id>.eml` through a temporary file and a rename, so a crash leaves either
/// the whole file or none; a file already there means an earlier attempt wrote it (sent).
async fn write_file(dir: &Path, job: &EmailJob, bytes: &[u8]) -> SendResult {
    let path = dir.join(format!("{}.eml", job.id));
    let temp = dir.join(format!(".{}.{}.tmp", job.id, uuid::Uuid::new_v4().simple()));
    let bytes = bytes.to_vec();
    let outcome = tokio::task::spawn_blocking(move || -> std::io::Result<bool> {
        use std::io::Write as _;
        if path.exists() {
            return Ok(false);
        }
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })?;
        Ok(true)
    })
    .await;
    match outcome {
        Ok(Ok(true)) => SendResult::Accepted {
            reply: Some("written to a file".into()),
        },
        Ok(Ok(false)) => SendResult::Accepted {
            reply: Some("file already written by an earlier attempt".into()),
        },
        Ok(Err(e)) => SendResult::Unavailable {
            error: format!("cannot write the message file: {e}"),
        },
        Err(e) => SendResult::Unavailable {
            error: format!("file writer failed: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_smtp_urls() {
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.tls),
            ("127.0.0.1", 2525, TlsMode::None)
        );
        let u = SmtpUrl::parse("smtp://me%40x.cn:p%3Ass@mail.x.cn?tls=starttls").unwrap();
        assert_eq!(u.port, 587);
        assert_eq!(u.tls, TlsMode::StartTls);
        assert_eq!(u.user.as_deref(), Some("me@x.cn"));
        assert_eq!(u.password.as_deref(), Some("p:ss"));
        let u = SmtpUrl::parse("smtps://mail.x.cn").unwrap();
        assert_eq!((u.port, u.tls), (465, TlsMode::Implicit));
        let u = SmtpUrl::parse("smtp://relay/out.x.cn").unwrap();
        assert_eq!((u.port, u.tls), (25, TlsMode::Opportunistic));
        assert_eq!(u.hello_name.as_deref(), Some("out.x.cn"));
        assert!(SmtpUrl::parse("http://x").is_err());
        assert!(SmtpUrl::parse("smtp://x?tls=maybe").is_err());
        assert!(SmtpUrl::parse("smtps://x?tls=none").is_err());
        assert!(SmtpUrl::parse("smtp://:25").is_err());
    }
}
