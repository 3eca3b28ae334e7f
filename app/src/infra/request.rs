//! The current HTTP request as server functions see it: client IP, user agent, cookies.

use crate::error::AppError;
use axum::extract::ConnectInfo;
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// Who sent the request, as recorded in audit events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// Client IP address.
    pub ip: Option<String>,
    /// Browser user agent (truncated to 400 characters).
    pub user_agent: Option<String>,
}

/// Name of the session cookie: `__Host-` prefixed (Secure, whole site, no
/// Domain, so no sibling host can plant or read it) except on plain-http
/// localhost, where browsers would refuse a `Secure` cookie.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-comptoir_session"
    } else {
        "comptoir_session"
    }
}
/// Name of the theme cookie (read during SSR so the page never flashes).
pub const THEME_COOKIE: &str = "comptoir_theme";

/// The request parts from Leptos context.
pub fn parts() -> Result<Parts, AppError> {
    leptos::prelude::use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from context");
        AppError::Internal
    })
}

/// Reads IP and user agent from request parts. With `proxy_hops` proxies of
/// ours in front, the client is the address the outermost one appended to
/// `X-Forwarded-For`: the entry `proxy_hops` from the right. Entries further
/// left were written by the client and are never trusted.
pub fn meta_from_parts(parts: &Parts, proxy_hops: u8) -> RequestMeta {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = (proxy_hops > 0)
        .then(|| {
            let chain: Vec<&str> = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            client_ip(&chain, proxy_hops)
        })
        .flatten();
    let user_agent = parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(400).collect::<String>());
    RequestMeta {
        ip: forwarded.or(peer).map(|ip| canonical(ip).to_string()),
        user_agent,
    }
}

/// The client address in `X-Forwarded-For` header values (in the order
/// received) behind `hops` trusted proxies: the `hops`-th entry from the
/// right. `None` when the chain is shorter or that entry is not an address.
pub fn client_ip(headers: &[&str], hops: u8) -> Option<IpAddr> {
    let entries: Vec<&str> = headers.iter().flat_map(|h| h.split(',')).map(str::trim).collect();
    let index = entries.len().checked_sub(usize::from(hops))?;
    entries.get(index)?.parse::<IpAddr>().ok()
}

/// IPv4-mapped IPv6 addresses as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

impl RequestMeta {
    /// The key per-address rate limits count on: the IPv4 address, or the
    /// IPv6 /64 (one subscriber usually holds a whole /64).
    pub fn limit_key(&self) -> String {
        match self.ip.as_deref().map(str::parse::<IpAddr>) {
            Some(Ok(IpAddr::V6(v6))) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Some(Ok(IpAddr::V4(v4))) => v4.to_string(),
            _ => "unknown".into(),
        }
    }
}

/// The value of one cookie.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(header)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, header);
    }
}

/// The session cookie carrying `token`, or expiring it when `token` is `None`.
pub fn session_cookie(token: Option<&str>, secure: bool, max_age_secs: i64) -> String {
    let name = session_cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{flag}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{flag}"),
    }
}

/// IP and user agent of the request being served.
pub fn current_meta(state: &super::AppState) -> Result<RequestMeta, AppError> {
    Ok(meta_from_parts(&parts()?, state.config.proxy_hops))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let (parts, _) = http::Request::builder()
            .header(COOKIE, "a=1; comptoir_session=abc; b=2")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(cookie(&parts, session_cookie_name(false)).as_deref(), Some("abc"));
        assert_eq!(cookie(&parts, "missing"), None);
    }

    #[test]
    fn the_client_is_what_our_outermost_proxy_appended() {
        // The client wrote "6.6.6.6"; our proxy appended the real peer.
        assert_eq!(client_ip(&["6.6.6.6, 203.0.113.7"], 1), "203.0.113.7".parse().ok());
        // Two proxies: the client is the second entry from the right.
        assert_eq!(
            client_ip(&["6.6.6.6, 203.0.113.7, 10.0.0.2"], 2),
            "203.0.113.7".parse().ok()
        );
        // Several header lines are one list.
        assert_eq!(client_ip(&["6.6.6.6", "203.0.113.7"], 1), "203.0.113.7".parse().ok());
        // Shorter than the number of proxies, or garbage: no address.
        assert_eq!(client_ip(&["203.0.113.7"], 2), None);
        assert_eq!(client_ip(&["not-an-ip"], 1), None);
        assert_eq!(client_ip(&[], 1), None);
    }

    #[test]
    fn limits_count_ipv6_per_64() {
        let meta = |ip: &str| RequestMeta {
            ip: Some(ip.into()),
            user_agent: None,
        };
        assert_eq!(
            meta("2001:db8:1:2:aaaa::1").limit_key(),
            meta("2001:db8:1:2:ffff::9").limit_key()
        );
        assert_ne!(meta("2001:db8:1:2::1").limit_key(), meta("2001:db8:1:3::1").limit_key());
        assert_eq!(meta("203.0.113.7").limit_key(), "203.0.113.7");
        assert_eq!(
            canonical("::ffff:203.0.113.7".parse().unwrap()).to_string(),
            "203.0.113.7"
        );
    }

    #[test]
    fn session_cookies_are_http_only_and_lax() {
        let c = session_cookie(Some("t"), true, 60);
        assert!(c.starts_with("__Host-comptoir_session=t; Path=/;"));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!c.contains("Domain"));
        assert!(!session_cookie(Some("t"), false, 60).contains("Secure"));
        assert!(session_cookie(None, false, 0).contains("Max-Age=0"));
    }
}
