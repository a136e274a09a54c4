//! The client address used for per-address limits.

use actix_web::HttpRequest;

/// The peer address, or the proxy's `X-Forwarded-For` view when the proxy is trusted.
pub fn client_addr(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy && let Some(addr) = req.connection_info().realip_remote_addr() {
        return addr.to_owned();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
