//! Security headers of every response: a Content-Security-Policy without
//! `unsafe-inline` scripts (the inline scripts Leptos writes carry the page's
//! nonce), HSTS over https, Permissions-Policy, Cross-Origin-Opener-Policy and
//! Cross-Origin-Resource-Policy, plus the older nosniff, frame and referrer
//! headers.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderName, STRICT_TRANSPORT_SECURITY};

/// The policy of an HTML page whose inline scripts carry `nonce`.
///
/// Scripts: this origin (the WASM loader, its lazily loaded chunks, the
/// service worker, the charts bundle) and nonce-tagged inline scripts;
/// WebAssembly compilation. Styles keep `'unsafe-inline'` for `style`
/// attributes (positions while dragging, chart sizes): no script runs from them.
pub fn page_policy(nonce: &str, https: bool, dev_reload: Option<u16>) -> String {
    let reload = dev_reload
        .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
        .unwrap_or_default();
    let upgrade = if https { "; upgrade-insecure-requests" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'{reload}; worker-src 'self'; manifest-src 'self'; media-src 'self' blob:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'{upgrade}"
    )
}

/// The policy of HTML not rendered by Leptos (the offline page, error
/// pages): no script at all; inline styles (the offline page carries its own).
const STATIC_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; \
                             base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Settings of the header layer.
#[derive(Clone, Copy)]
pub struct HeaderSettings {
    /// Served over https (HSTS, upgrade-insecure-requests).
    pub https: bool,
}

fn set_if_absent(response: &mut Response, name: HeaderName, value: &'static str) {
    if !response.headers().contains_key(&name) {
        response.headers_mut().insert(name, HeaderValue::from_static(value));
    }
}

/// Adds the security headers (pages set their own CSP with their nonce).
pub async fn security_headers(State(settings): State<HeaderSettings>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        set_if_absent(&mut response, CONTENT_SECURITY_POLICY, STATIC_POLICY);
    }
    if settings.https {
        set_if_absent(
            &mut response,
            STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(self), microphone=(), geolocation=(self), payment=(), usb=(), serial=(), \
             midi=(), magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()",
        ),
    ] {
        set_if_absent(&mut response, HeaderName::from_static(name), value);
    }
    response
}

/// Inside a Leptos render: gives the page its CSP with the nonce that Leptos
/// put on its inline scripts.
pub fn provide_page_policy(settings: HeaderSettings, dev_reload: Option<u16>) {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, settings.https, dev_reload)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_no_inline_script_without_the_nonce() {
        let policy = page_policy("abc123", true, None);
        let scripts = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(scripts.contains("'nonce-abc123'"));
        assert!(!scripts.contains("unsafe-inline"));
        assert!(!scripts.contains("unsafe-eval'") || scripts.contains("wasm-unsafe-eval"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("upgrade-insecure-requests"));
        assert!(!page_policy("n", false, None).contains("upgrade-insecure-requests"));
    }
}
