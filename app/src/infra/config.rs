//! Settings the application layer needs (the server reads them from the environment).

/// How outgoing email leaves the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// Kept locally and readable on the Outbox page (default of a fresh install).
    Local,
    /// Delivered through an SMTP relay.
    Smtp,
}

/// Settings shared by services and server functions.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Public address of the app, used in links sent by email (no trailing slash).
    pub base_url: String,
    /// Whether cookies carry `Secure` (true when `base_url` is https).
    pub secure_cookies: bool,
    /// Where email goes.
    pub mail_transport: MailTransport,
    /// Trust `X-Forwarded-For` for the client IP (only behind a reverse proxy).
    pub trust_proxy: bool,
    /// Multiplier applied to every rate limit (tests raise it to run many sign-ins).
    pub rate_limit_factor: u32,
}

impl AppConfig {
    /// Settings for a local run on `base_url`.
    pub fn local(base_url: &str) -> AppConfig {
        AppConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            secure_cookies: base_url.starts_with("https://"),
            mail_transport: MailTransport::Local,
            trust_proxy: false,
            rate_limit_factor: 1,
        }
    }

    /// An absolute link to a path of the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}
