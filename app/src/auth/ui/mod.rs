//! Pages of sign-up, sign-in and account security.

mod links;
mod login;
mod security;
mod signup;
mod totp;

pub use links::{ForgotPasswordPage, MagicLinkPage, ResetPasswordPage, VerifyEmailPage};
pub use login::LoginPage;
pub use security::SecurityPage;
pub use signup::SignUpPage;
pub use totp::TotpChallengePage;

use super::SignInOutcome;

/// Goes where a sign-in step leads.
pub fn follow(outcome: SignInOutcome) {
    match outcome {
        SignInOutcome::SignedIn { redirect } => crate::ui::go(&redirect),
        SignInOutcome::SecondFactor => crate::ui::go("/login/totp"),
    }
}
