//! Pages of the workspace: home, members, settings, invitations.

mod home;
mod invitation;
mod members;
mod new_workspace;
mod settings;

pub use home::HomePage;
pub use invitation::AcceptInvitationPage;
pub use members::MembersPage;
pub use new_workspace::NewWorkspacePage;
pub use settings::SettingsPage;
