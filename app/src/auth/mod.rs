//! Accounts and sign-in: password, magic link, password reset, TOTP.

pub mod api;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod second_factor;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod totp;
pub mod ui;

use crate::domain::{PackLabels, Role, TradePack};
use crate::workspace::WorkspaceSummary;
use serde::{Deserialize, Serialize};

/// Version of the privacy notice users consent to at sign-up.
pub const CONSENT_VERSION: &str = "2026-11-21";

/// What the browser does after a sign-in step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInOutcome {
    /// Signed in: go there.
    SignedIn {
        /// Where to go.
        redirect: String,
    },
    /// A second factor is expected at `/login/totp`.
    SecondFactor,
}

/// The workspace the user works in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentWorkspace {
    /// Workspace id.
    pub id: crate::domain::WorkspaceId,
    /// Its name.
    pub name: String,
    /// Its trade pack.
    pub pack: TradePack,
    /// The pack's words.
    pub labels: PackLabels,
    /// The user's role there.
    pub role: Role,
    /// Owners must use two-factor authentication.
    pub require_owner_totp: bool,
}

/// The signed-in user as the interface needs them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// User id.
    pub user_id: crate::domain::UserId,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Whether the person proved they receive mail at `email`.
    pub email_verified: bool,
    /// Operator of the platform.
    pub is_platform_admin: bool,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// Current workspace (none when the user belongs to none).
    pub workspace: Option<CurrentWorkspace>,
    /// Every workspace of the user.
    pub workspaces: Vec<WorkspaceSummary>,
    /// The current workspace requires this owner to enrol TOTP first.
    pub must_enroll_totp: bool,
    /// Email stays on this machine and can be read on the Outbox page.
    pub local_mail: bool,
}

/// What the enrolment page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// Base32 secret for manual entry.
    pub secret: String,
    /// `otpauth://` URI.
    pub otpauth_url: String,
    /// QR code of the URI, as an SVG document.
    pub qr_svg: String,
}

/// What the reset and magic-link pages know about a token before it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// First name to greet.
    pub name: String,
    /// The account's address.
    pub email: String,
}

/// Where a `next` parameter may send the user: only to a path of this site.
/// The value is resolved the way a browser resolves it (WHATWG URL parsing:
/// tabs and newlines removed, backslashes read as slashes, surrounding
/// spaces and control characters trimmed), so `/\t/evil.example` is seen as
/// the `//evil.example` the browser would follow, and refused.
#[cfg(feature = "ssr")]
pub fn safe_next(next: Option<&str>) -> String {
    const FALLBACK: &str = "/app";
    let Some(next) = next else {
        return FALLBACK.into();
    };
    let Ok(base) = url::Url::parse("https://comptoir.invalid/") else {
        return FALLBACK.into();
    };
    match base.join(next) {
        // After dot segments are resolved, `/.//evil.example` is the path
        // `//evil.example`, which a browser reads as another host.
        Ok(target)
            if target.origin() == base.origin()
                && target.path().starts_with('/')
                && !target.path().starts_with("//") =>
        {
            let mut path = target.path().to_string();
            if let Some(query) = target.query() {
                path.push('?');
                path.push_str(query);
            }
            if let Some(fragment) = target.fragment() {
                path.push('#');
                path.push_str(fragment);
            }
            path
        }
        _ => FALLBACK.into(),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/app/audit")), "/app/audit");
        assert_eq!(
            safe_next(Some("/app/quotes?status=sent#top")),
            "/app/quotes?status=sent#top"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/app");
        assert_eq!(safe_next(Some("https://evil.example")), "/app");
        assert_eq!(safe_next(Some("/\\evil.example")), "/app");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/app");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/app");
        assert_eq!(safe_next(Some("\t//evil.example")), "/app");
        assert_eq!(safe_next(Some(" //evil.example")), "/app");
        assert_eq!(safe_next(Some("\\/evil.example")), "/app");
        assert_eq!(safe_next(Some("javascript:alert(1)")), "/app");
        assert_eq!(safe_next(Some("/.//evil.example")), "/app");
        assert_eq!(safe_next(Some("/app/..//evil.example")), "/app");
        assert_eq!(safe_next(Some("/%2e//evil.example")), "/app");
        assert_eq!(safe_next(Some("/./\\/evil.example")), "/app");
        // Same scheme without slashes is a relative path in browsers: it stays here.
        assert_eq!(safe_next(Some("https:evil.example")), "/evil.example");
        // A path that only looks odd stays on the site, normalised.
        assert_eq!(safe_next(Some("/app/../app/pipeline")), "/app/pipeline");
        assert_eq!(safe_next(Some("app")), "/app");
        assert_eq!(safe_next(None), "/app");
    }
}
