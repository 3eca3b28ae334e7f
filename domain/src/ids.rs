//! Typed identifiers: a `MemberId` can never be passed where a `WorkspaceId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (UUID v7) identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    )*};
}

typed_id!(
    /// A person who can sign in.
    UserId,
    /// A tenant: one business and its data.
    WorkspaceId,
    /// A user's membership in a workspace.
    MemberId,
    /// A pending invitation to join a workspace.
    InvitationId,
    /// One audit event.
    EventId,
    /// One message of the email outbox.
    EmailId,
    /// A job (chantier, projet…) opened when a deal is won.
    JobId,
    /// One step of a job (from the workspace's template when the job opened).
    JobStepId,
    /// Something captured in the field (a step validation…), its id made on the device.
    CaptureId,
    /// A photo of a job.
    JobPhotoId,
    /// One checklist item of a job's step.
    JobCheckId,
    /// An incoming request for work.
    LeadId,
    /// One member's pursuit of a lead: the kanban card.
    DealId,
    /// A note on a deal.
    NoteId,
    /// A signed-in browser session.
    SessionId,
    /// A pipeline of stages.
    PipelineId,
    /// One column of a pipeline.
    StageId,
    /// A quote (every version has its own id).
    QuoteId,
    /// A client of the workspace (a quote's addressee).
    ContactId,
    /// A saved product or service of the catalogue.
    CatalogueItemId,
    /// A key of the public API (the setter feed).
    ApiKeyId,
    /// One domain event of the outbox.
    DomainEventId,
    /// An invoice or a credit note.
    InvoiceId,
    /// A payment received against an invoice.
    PaymentId,
);

impl WorkspaceId {
    /// The chain of platform-level events (sign-ups, password resets) that belong
    /// to no workspace yet.
    pub const PLATFORM: WorkspaceId = WorkspaceId(Uuid::nil());
}
