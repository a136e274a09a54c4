//! The server-side request forgery rules: a webhook may only reach http(s) on public
//! addresses. Checked on the URL at registration (an IP literal in a denied range is refused)
//! and again by the sender on every address the host name resolves to, right before it
//! connects to that checked address (so DNS rebinding cannot slip a private address in).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What `check_url` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlCheck {
    /// Acceptable: the host (a name to resolve, or a public IP literal) and the port.
    Ok { host: String, port: u16 },
    /// Refused, with the reason.
    Refused(&'static str),
}

/// Whether an address is public: not loopback, private (10/8, 172.16/12, 192.168/16),
/// link-local (169.254/16, fe80::/10, the cloud metadata address 169.254.169.254 included),
/// CGNAT (100.64/10), unspecified, broadcast, multicast, documentation, benchmarking,
/// reserved (240/4), 0/8, unique-local (fc00::/7), and IPv6 forms that embed an IPv4 address
/// (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) when that address is not
/// public.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || o[0] >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // IPv4-compatible (::a.b.c.d), NAT64 and 6to4 carry an IPv4 address.
    if s[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified() {
        return is_public_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return is_public_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8))
}

/// Whether the address may be reached: public, or loopback when the test-only allowance is on.
pub fn ip_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    is_public_ip(ip)
        || (allow_loopback
            && match ip {
                IpAddr::V4(v4) => v4.is_loopback(),
                IpAddr::V6(v6) => {
                    v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
                }
            })
}

/// Checks a target URL: `http` or `https`, a host, no user name or password, and (when the host
/// is an IP literal) an allowed address. A host name is resolved and checked when sending.
/// `allow_loopback` is the test-only allowance (`TRADEFAIR_WEBHOOK_ALLOW_LOOPBACK`).
pub fn check_url(raw: &str, allow_loopback: bool) -> UrlCheck {
    let Ok(url) = url::Url::parse(raw) else {
        return UrlCheck::Refused("not a URL");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return UrlCheck::Refused("only http and https URLs");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return UrlCheck::Refused("no user name or password in the URL");
    }
    let Some(port) = url.port_or_known_default() else {
        return UrlCheck::Refused("no port");
    };
    let host = match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if !allow_loopback && (d == "localhost" || d.ends_with(".localhost")) {
                return UrlCheck::Refused("the address is not public");
            }
            d
        }
        Some(url::Host::Ipv4(ip)) => {
            if !ip_allowed(IpAddr::V4(ip), allow_loopback) {
                return UrlCheck::Refused("the address is not public");
            }
            ip.to_string()
        }
        Some(url::Host::Ipv6(ip)) => {
            if !ip_allowed(IpAddr::V6(ip), allow_loopback) {
                return UrlCheck::Refused("the address is not public");
            }
            ip.to_string()
        }
        None => return UrlCheck::Refused("no host"),
    };
    UrlCheck::Ok { host, port }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for s in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public_ip(ip(s)), "{s}");
        }
        for s in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public_ip(ip(s)), "{s}");
        }
    }

    #[test]
    fn urls_are_checked() {
        assert!(matches!(
            check_url("https://example.com/h", false),
            UrlCheck::Ok { port: 443, .. }
        ));
        for u in [
            "ftp://example.com/",
            "http://127.0.0.1:8080/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://localhost:80/",
            "https://user:pw@example.com/",
            "not a url",
        ] {
            assert!(matches!(check_url(u, false), UrlCheck::Refused(_)), "{u}");
        }
        assert!(matches!(
            check_url("http://127.0.0.1:8080/", true),
            UrlCheck::Ok { .. }
        ));
        assert!(matches!(
            check_url("http://10.0.0.1/", true),
            UrlCheck::Refused(_)
        ));
    }
}
