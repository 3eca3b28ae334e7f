//! The one error type of the application, shared by server functions and the UI.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// One message about one form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name, as in the server function's arguments.
    pub field: String,
    /// French, user-facing message.
    pub message: String,
}

/// Messages about form fields, in the order they were found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message for a field.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Records the error of a validation, if any, and returns the valid value.
    pub fn check<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    /// The first message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Whether there is no message at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, a validation error otherwise.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

/// Everything that can go wrong, as the user may see it. Internals are logged on
/// the server and never travel to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session.
    #[error("Votre session a expiré : reconnectez-vous.")]
    Unauthenticated,
    /// The thing does not exist, or belongs to another workspace.
    #[error("Élément introuvable.")]
    NotFound,
    /// Signed in, but the role does not allow it.
    #[error("Vous n'avez pas les droits pour cette action.")]
    Forbidden,
    /// Some fields are invalid.
    #[error("Certains champs sont à corriger.")]
    Validation(FieldErrors),
    /// The action conflicts with the current state; the message says why.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("Trop de tentatives. Réessayez dans {} minute(s).", retry_after_secs.div_ceil(60).max(1))]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// A quota is spent (mail sent, photo storage); the message says which and what to do.
    #[error("{0}")]
    Quota(String),
    /// Something failed on the server; details are in the logs.
    #[error("Une erreur est survenue de notre côté. Réessayez dans un instant.")]
    Internal,
    /// The workspace requires owners to use two-factor authentication.
    #[error("Cet espace exige la double authentification : activez-la pour continuer.")]
    SecondFactorRequired,
    /// The request did not reach the server or its answer was unreadable.
    #[error("Le serveur est injoignable. Vérifiez votre connexion.")]
    Network,
}

impl AppError {
    /// A validation error about a single field.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        let mut errors = FieldErrors::new();
        errors.push(field, message);
        AppError::Validation(errors)
    }

    /// The HTTP status that carries this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::SecondFactorRequired => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation(_) => 422,
            AppError::RateLimited { .. } | AppError::Quota(_) => 429,
            AppError::Internal => 500,
            AppError::Network => 502,
        }
    }

    /// The message for one field, when this is a validation error.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(field).map(str::to_string),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Conflict("La requête est incomplète ou mal formée.".into())
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::NotFound,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_as_json() {
        let mut fields = FieldErrors::new();
        fields.push("email", "Adresse invalide");
        for error in [
            AppError::NotFound,
            AppError::Validation(fields),
            AppError::RateLimited { retry_after_secs: 61 },
            AppError::Conflict("déjà membre".into()),
        ] {
            let json = serde_json::to_string(&error).unwrap();
            assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
        }
    }

    #[test]
    fn rate_limit_message_rounds_up_to_minutes() {
        assert_eq!(
            AppError::RateLimited { retry_after_secs: 61 }.to_string(),
            "Trop de tentatives. Réessayez dans 2 minute(s)."
        );
    }
}
