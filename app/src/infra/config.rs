//! Settings the application layer needs (the server reads them from the environment).

/// How outgoing email leaves the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// Kept locally and readable on the Outbox page (default of a fresh install).
    Local,
    /// Delivered through an SMTP relay.
    Smtp,
}

/// Emails a workspace may send to outside addresses (quotes, reminders,
/// invitations), over a sliding hour and day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailQuota {
    /// At most this many in the last hour.
    pub per_hour: u32,
    /// At most this many in the last 24 hours.
    pub per_day: u32,
}

impl Default for MailQuota {
    fn default() -> Self {
        MailQuota {
            per_hour: 60,
            per_day: 300,
        }
    }
}

/// Settings shared by services and server functions.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Public address of the app, used in links sent by email (no trailing slash).
    pub base_url: String,
    /// Whether the session cookie is `__Host-` prefixed and `Secure`: always,
    /// except for a plain-http address on this machine (local development).
    pub secure_cookies: bool,
    /// Where email goes.
    pub mail_transport: MailTransport,
    /// Reverse proxies of ours in front of the server: the client IP is the
    /// `X-Forwarded-For` entry the outermost one appended (0: header ignored).
    pub proxy_hops: u8,
    /// How much mail a workspace may send to outside addresses.
    pub mail_quota: MailQuota,
    /// Multiplier applied to every rate limit (tests raise it to run many sign-ins).
    pub rate_limit_factor: u32,
    /// Bytes of job photos a workspace may store.
    pub photo_quota_bytes: u64,
}

/// A workspace's photo storage unless configured otherwise (2 GiB).
pub const DEFAULT_PHOTO_QUOTA_BYTES: u64 = 2 << 30;

impl AppConfig {
    /// Settings for a local run on `base_url`.
    pub fn local(base_url: &str) -> AppConfig {
        AppConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            secure_cookies: !is_plain_http_loopback(base_url),
            mail_transport: MailTransport::Local,
            proxy_hops: 0,
            mail_quota: MailQuota::default(),
            rate_limit_factor: 1,
            photo_quota_bytes: DEFAULT_PHOTO_QUOTA_BYTES,
        }
    }

    /// Whether `base_url` is plain http on a loopback host.
    pub fn is_local_http(&self) -> bool {
        is_plain_http_loopback(&self.base_url)
    }

    /// An absolute link to a path of the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `http://localhost…`, `http://127.x.x.x…` or `http://[::1]…`.
fn is_plain_http_loopback(base_url: &str) -> bool {
    let Some(rest) = base_url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_except_on_plain_http_loopback() {
        assert!(!AppConfig::local("http://127.0.0.1:3000").secure_cookies);
        assert!(!AppConfig::local("http://localhost:3000/").secure_cookies);
        assert!(!AppConfig::local("http://[::1]:3000").secure_cookies);
        assert!(AppConfig::local("https://crm.example.fr").secure_cookies);
        assert!(AppConfig::local("https://localhost:3000").secure_cookies);
        assert!(AppConfig::local("http://crm.example.fr").secure_cookies);
        assert!(AppConfig::local("http://127.0.0.1.evil.example").secure_cookies);
    }
}
