//! The current HTTP request as server functions see it: client IP, user agent, cookies.

use crate::error::AppError;
use axum::extract::ConnectInfo;
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use std::net::SocketAddr;

/// Who sent the request, as recorded in audit events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// Client IP address.
    pub ip: Option<String>,
    /// Browser user agent (truncated to 400 characters).
    pub user_agent: Option<String>,
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "comptoir_session";
/// Name of the theme cookie (read during SSR so the page never flashes).
pub const THEME_COOKIE: &str = "comptoir_theme";

/// The request parts from Leptos context.
pub fn parts() -> Result<Parts, AppError> {
    leptos::prelude::use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from context");
        AppError::Internal
    })
}

/// Reads IP and user agent from request parts.
pub fn meta_from_parts(parts: &Parts, trust_proxy: bool) -> RequestMeta {
    let forwarded = trust_proxy
        .then(|| parts.headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string());
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let user_agent = parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(400).collect::<String>());
    RequestMeta {
        ip: forwarded.or(peer),
        user_agent,
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
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => {
            format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
        }
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// IP and user agent of the request being served.
pub fn current_meta(state: &super::AppState) -> Result<RequestMeta, AppError> {
    Ok(meta_from_parts(&parts()?, state.config.trust_proxy))
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
        assert_eq!(cookie(&parts, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&parts, "missing"), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_lax() {
        let c = session_cookie(Some("t"), true, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie(Some("t"), false, 60).contains("Secure"));
        assert!(session_cookie(None, false, 0).contains("Max-Age=0"));
    }
}
