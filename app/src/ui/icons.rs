//! Line icons drawn for Comptoir (24×24, 1.75 stroke, currentColor).

use leptos::prelude::*;

/// Every icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    Home,
    Users,
    Shield,
    Inbox,
    Journal,
    Sliders,
    Logout,
    Sun,
    Moon,
    Plus,
    Close,
    Check,
    ChevronDown,
    Mail,
    Key,
    Building,
    Alert,
    Info,
    Refresh,
    External,
    Server,
    Pipeline,
    More,
    Phone,
    Document,
    Chart,
}

fn paths(name: IconName) -> &'static str {
    match name {
        IconName::Chart => "M4 20V11M10 20V5M16 20v-8M21 20H3",
        IconName::Home => "M3 11.5 12 4l9 7.5M5.5 10v10h4.5v-6h4v6h4.5V10",
        IconName::Users => {
            "M9 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5M16.5 11a2.5 2.5 0 1 0 0-5M17.5 14.5c2.3.4 3.6 2 4 4.5"
        }
        IconName::Shield => "M12 3 20 6v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6l8-3ZM8.5 12l2.5 2.5 4.5-5",
        IconName::Inbox => {
            "M3 13 5.6 5.4A2 2 0 0 1 7.5 4h9a2 2 0 0 1 1.9 1.4L21 13v5a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-5ZM3 13h5l1.5 3h5l1.5-3h5"
        }
        IconName::Journal => {
            "M7 3.5h10a2 2 0 0 1 2 2v14a1.5 1.5 0 0 1-1.5 1.5H7a2 2 0 0 1-2-2v-13.5a2 2 0 0 1 2-2ZM9 8.5h6M9 12.5h6M9 16.5h3.5"
        }
        IconName::Sliders => {
            "M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4ZM9 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4ZM17 20a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z"
        }
        IconName::Logout => "M14.5 4H18a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3.5M10 16.5 5.5 12 10 7.5M5.5 12H15",
        IconName::Sun => {
            "M12 16.5a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9ZM12 2.5v2M12 19.5v2M2.5 12h2M19.5 12h2M5.3 5.3l1.4 1.4M17.3 17.3l1.4 1.4M5.3 18.7l1.4-1.4M17.3 6.7l1.4-1.4"
        }
        IconName::Moon => "M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5Z",
        IconName::Plus => "M12 5v14M5 12h14",
        IconName::Close => "M6 6l12 12M18 6 6 18",
        IconName::Check => "M5 12.5 9.5 17 19 7",
        IconName::ChevronDown => "m6 9 6 6 6-6",
        IconName::Mail => {
            "M5 5h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2ZM3.5 6.5 12 13l8.5-6.5"
        }
        IconName::Key => "M8 19.5a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9ZM11.2 11.8 19 4M16 7l2.5 2.5M13.8 9.2l2 2",
        IconName::Building => {
            "M5 21V4.5A1.5 1.5 0 0 1 6.5 3h11A1.5 1.5 0 0 1 19 4.5V21M3 21h18M9 7h2M13 7h2M9 11h2M13 11h2M9 15h2M13 15h2M10.5 21v-3h3v3"
        }
        IconName::Alert => "M12 3.5 21.5 20h-19L12 3.5ZM12 10v4.5M12 17.5v.01",
        IconName::Info => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM12 11v5.5M12 7.5v.01",
        IconName::Refresh => "M20 12a8 8 0 1 1-2.4-5.7M20 4v5h-5",
        IconName::External => "M14 4h6v6M20 4l-9 9M18 14v4a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4",
        IconName::Server => {
            "M5 4h14a1.5 1.5 0 0 1 1.5 1.5v3A1.5 1.5 0 0 1 19 10H5a1.5 1.5 0 0 1-1.5-1.5v-3A1.5 1.5 0 0 1 5 4ZM5 14h14a1.5 1.5 0 0 1 1.5 1.5v3A1.5 1.5 0 0 1 19 20H5a1.5 1.5 0 0 1-1.5-1.5v-3A1.5 1.5 0 0 1 5 14ZM7 7h.01M7 17h.01"
        }
        IconName::Pipeline => "M4 5h4v14H4zM10 5h4v9h-4zM16 5h4v6h-4z",
        IconName::More => "M5 12h.01M12 12h.01M19 12h.01",
        IconName::Phone => {
            "M6.5 3.5h3l1.5 4-2 1.5a11 11 0 0 0 6 6l1.5-2 4 1.5v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 4.5 5.5a2 2 0 0 1 2-2Z"
        }
        IconName::Document => "M6.5 3h8l4.5 4.5V21h-12.5ZM14.5 3v4.5H19M9.5 12.5h6M9.5 16.5h4",
    }
}

/// An icon. Decorative by default (`aria-hidden`); give a `label` when it stands alone.
#[component]
pub fn Icon(
    /// Which icon.
    name: IconName,
    /// Tailwind size classes.
    #[prop(default = "h-5 w-5")]
    class: &'static str,
    /// Accessible name, when the icon carries meaning on its own.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    view! {
        <svg
            class=class
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.75"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden=if label.is_some() { "false" } else { "true" }
            role=label.map(|_| "img")
            aria-label=label
            focusable="false"
        >
            <path d=paths(name)></path>
        </svg>
    }
}
