//! SMTP sessions kept open between messages, on sockets with `TCP_NODELAY`.
//!
//! lettre's pooled transport connects with Nagle's algorithm on. It writes a message and the
//! closing `\r\n.\r\n` as two writes, so the second waits for the server's delayed ACK (40 ms
//! on Linux): one connection sent about 20 messages a second (docs/benchmarks.md, "E-mail
//! sending"). Here the socket is ours, with `TCP_NODELAY`, and lettre's `AsyncSmtpConnection`
//! still speaks the protocol on it (EHLO, STARTTLS, AUTH, the transaction). Implicit TLS
//! (`smtps://`) has no such entry point in lettre 0.11 and stays on lettre's pool.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use tokio::net::TcpStream;
use tokio::time::timeout;

/// A parked session older than this is closed instead of reused: servers drop idle
/// sessions (Postfix after 300 s), and a message must not be the one that finds out.
const IDLE_CLOSE_AFTER: Duration = Duration::from_secs(60);
/// A parked session idle for longer than this is probed with NOOP before use; sessions used
/// back to back skip the round trip.
const IDLE_PROBE_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub enum PoolError {
    Smtp(lettre::transport::smtp::Error),
    Connect(std::io::Error),
    Timeout,
}

/// STARTTLS use on a plain `smtp://` connection.
#[derive(Clone)]
pub enum StartTls {
    Never,
    /// When the server offers it.
    Opportunistic(TlsParameters),
    /// Or fail.
    Required(TlsParameters),
}

pub struct SmtpPool {
    host: String,
    port: u16,
    starttls: StartTls,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    max_idle: usize,
    idle: Mutex<Vec<Parked>>,
}

struct Parked {
    conn: AsyncSmtpConnection,
    since: Instant,
}

impl SmtpPool {
    pub fn new(
        host: String,
        port: u16,
        starttls: StartTls,
        credentials: Option<Credentials>,
        hello: ClientId,
        timeout: Duration,
        max_idle: usize,
    ) -> SmtpPool {
        SmtpPool {
            host,
            port,
            starttls,
            credentials,
            hello,
            timeout,
            max_idle: max_idle.max(1),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message on a parked session or a new one; every step is bounded by the
    /// timeout, and a session is parked again only when lettre left it usable.
    pub async fn send(&self, envelope: &Envelope, email: &[u8]) -> Result<Response, PoolError> {
        let (conn, reused) = self.checkout().await?;
        match self.send_on(conn, envelope, email).await {
            // A parked session the server closed fails on the first write, without a reply;
            // one new session is tried. (A reply lost after the server accepted the message
            // would be sent again, as a later retry of the job would.)
            Err(PoolError::Smtp(e)) if reused && e.status().is_none() && !e.is_client() => {
                tracing::debug!(error = %e, "parked SMTP session failed; trying a new one");
                let conn = self.connect().await?;
                self.send_on(conn, envelope, email).await
            }
            other => other,
        }
    }

    async fn send_on(
        &self,
        mut conn: AsyncSmtpConnection,
        envelope: &Envelope,
        email: &[u8],
    ) -> Result<Response, PoolError> {
        match timeout(self.timeout, conn.send(envelope, email)).await {
            Ok(Ok(reply)) => {
                self.park(conn);
                Ok(reply)
            }
            // lettre has already sent QUIT and closed the session on any error.
            Ok(Err(e)) => Err(PoolError::Smtp(e)),
            // The session is mid-command: dropping it closes the socket.
            Err(_) => Err(PoolError::Timeout),
        }
    }

    fn take_parked(&self) -> Option<Parked> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    /// A session, and whether it was parked (rather than new).
    async fn checkout(&self) -> Result<(AsyncSmtpConnection, bool), PoolError> {
        while let Some(parked) = self.take_parked() {
            let idle_for = parked.since.elapsed();
            let mut conn = parked.conn;
            if idle_for >= IDLE_CLOSE_AFTER {
                let _ = timeout(self.timeout, conn.quit()).await;
                continue;
            }
            if idle_for >= IDLE_PROBE_AFTER
                && !timeout(self.timeout, conn.test_connected())
                    .await
                    .unwrap_or(false)
            {
                continue;
            }
            return Ok((conn, true));
        }
        Ok((self.connect().await?, false))
    }

    fn park(&self, conn: AsyncSmtpConnection) {
        if conn.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        // Sessions nobody took for a minute are only closed when the pool is touched; with
        // messages flowing that is often, and without, the server's own timeout closes them.
        idle.retain(|p| p.since.elapsed() < IDLE_CLOSE_AFTER);
        if idle.len() < self.max_idle {
            idle.push(Parked {
                conn,
                since: Instant::now(),
            });
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, PoolError> {
        let session = async {
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(PoolError::Connect)?;
            tcp.set_nodelay(true).map_err(PoolError::Connect)?;
            let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(PoolError::Smtp)?;
            let starttls = match &self.starttls {
                StartTls::Never => None,
                StartTls::Opportunistic(params) => conn.can_starttls().then_some(params),
                StartTls::Required(params) => Some(params),
            };
            if let Some(params) = starttls {
                conn.starttls(params.clone(), &self.hello)
                    .await
                    .map_err(PoolError::Smtp)?;
            }
            if let Some(credentials) = &self.credentials {
                conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await
                    .map_err(PoolError::Smtp)?;
            }
            Ok(conn)
        };
        timeout(self.timeout, session)
            .await
            .map_err(|_| PoolError::Timeout)?
    }
}
