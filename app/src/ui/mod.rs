//! Design system: dark glassmorphism by default with a light theme, shared by
//! every page. Components here know nothing about features.

pub mod badge;
pub mod button;
pub mod card;
pub mod field;
pub mod form;
pub mod icons;
pub mod modal;
pub mod signature_pad;
pub mod states;
pub mod toast;
pub mod url;

pub use badge::{Badge, Tone};
pub use button::{Button, ButtonKind, LinkButton, button_class};
pub use card::{GlassCard, PageHeader, StatTile};
pub use field::{Checkbox, SelectField, TextField};
pub use form::{FormAlert, clear_field, field_error, focus_first_error, go, on_result};
pub use icons::{Icon, IconName};
pub use modal::Modal;
pub use signature_pad::{SignaturePad, Strokes, export_png};
pub use states::{EmptyState, ErrorState, LoadingState};
pub use toast::{Toaster, Toasts, provide_toasts, use_toasts};
pub use url::query_string;
