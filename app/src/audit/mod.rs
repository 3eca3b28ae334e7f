//! Audit trail: who did what, when. Types shared by the browser and the server.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $id:literal => $label:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $id)] $variant,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Stable identifier stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id,)* }
            }

            /// Parses the stable identifier.
            pub fn parse(value: &str) -> Option<$name> {
                match value { $($id => Some($name::$variant),)* _ => None }
            }

            /// French label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }
        }
    };
}

string_enum!(
    /// What happened.
    EventAction {
        /// An account was created, with RGPD consent.
        UserSignedUp = "user.signed_up" => "Inscription",
        /// A session was opened.
        SignedIn = "session.signed_in" => "Connexion",
        /// A session was closed.
        SignedOut = "session.signed_out" => "Déconnexion",
        /// A session moved to this workspace.
        WorkspaceOpened = "session.workspace_opened" => "Espace ouvert",
        /// A sign-in link was emailed.
        MagicLinkRequested = "auth.magic_link_requested" => "Lien de connexion demandé",
        /// A password reset link was emailed.
        PasswordResetRequested = "auth.password_reset_requested" => "Réinitialisation demandée",
        /// A link to prove the account's email address was emailed.
        EmailVerificationRequested = "auth.email_verification_requested" => "Confirmation d'adresse demandée",
        /// The account proved its email address.
        EmailVerified = "user.email_verified" => "Adresse e-mail confirmée",
        /// The password changed.
        PasswordChanged = "user.password_changed" => "Mot de passe modifié",
        /// Enrolment of an authenticator started (a new pending secret; the
        /// current factor stays until the new one is confirmed).
        TotpEnrolmentStarted = "user.totp_enrolment_started" => "Enrôlement d'un authentificateur commencé",
        /// Two-factor authentication was switched on.
        TotpEnabled = "user.totp_enabled" => "Double authentification activée",
        /// Two-factor authentication was switched off.
        TotpDisabled = "user.totp_disabled" => "Double authentification désactivée",
        /// A recovery code replaced the authenticator.
        RecoveryCodeUsed = "user.recovery_code_used" => "Code de secours utilisé",
        /// A workspace was created.
        WorkspaceCreated = "workspace.created" => "Espace créé",
        /// Workspace settings changed.
        WorkspaceSettingsChanged = "workspace.settings_changed" => "Paramètres modifiés",
        /// Someone was invited.
        MemberInvited = "invitation.created" => "Invitation envoyée",
        /// Someone became a member.
        MemberAdded = "member.added" => "Membre ajouté",
        /// An invitation was accepted.
        InvitationAccepted = "invitation.accepted" => "Invitation acceptée",
        /// An invitation was withdrawn.
        InvitationRevoked = "invitation.revoked" => "Invitation annulée",
        /// A member's role changed.
        MemberRoleChanged = "member.role_changed" => "Rôle modifié",
        /// A member was removed.
        MemberRemoved = "member.removed" => "Membre retiré",
        /// A pipeline was created.
        PipelineCreated = "pipeline.created" => "Pipeline créé",
        /// A stage was added to a pipeline.
        StageAdded = "stage.added" => "Étape ajoutée",
        /// A stage was renamed, recoloured or re-flagged.
        StageUpdated = "stage.updated" => "Étape modifiée",
        /// A stage moved in its pipeline.
        StageReordered = "stage.reordered" => "Étape déplacée",
        /// A stage was removed (its cards moved first).
        StageRemoved = "stage.removed" => "Étape supprimée",
        /// A lead arrived, with its deal.
        LeadCreated = "lead.created" => "Demande reçue",
        /// A deal changed stage.
        DealStageChanged = "deal.stage_changed" => "Étape changée",
        /// A deal's value changed (a win reported with its amount).
        DealValueChanged = "deal.value_changed" => "Montant modifié",
        /// A deal moved inside its column.
        DealReordered = "deal.reordered" => "Carte déplacée",
        /// First contact with the client.
        DealContacted = "deal.first_contact" => "Premier contact",
        /// The quote was sent.
        DealQuoteSent = "deal.quote_sent" => "Devis envoyé",
        /// Lost because another deal of the lead was won.
        DealLostToOther = "deal.lost_to_other" => "Attribuée à un autre",
        /// A note was written.
        NoteAdded = "note.added" => "Note ajoutée",
        /// A job was opened for a won deal.
        JobOpened = "job.opened" => "Chantier ouvert",
        /// A step of a job was validated.
        JobStepValidated = "job.step_validated" => "Étape validée",
        /// A checklist item of a step was answered (or answered again).
        JobCheckAnswered = "job.check_answered" => "Contrôle renseigné",
        /// A non-conformity was declared on a job.
        JobNonConformity = "job.nonconformity" => "Non-conformité déclarée",
        /// A non-conformity sent the job back to an earlier step: it and the
        /// steps after it are to do again.
        JobStepReopened = "job.step_reopened" => "Étape à refaire",
        /// The steps new jobs start with were edited.
        StepTemplatesSaved = "workspace.step_templates_saved" => "Étapes types modifiées",
        /// A second validation of a step arrived after the first (kept, the first stands).
        JobStepSuperseded = "job.step_superseded" => "Étape déjà validée par ailleurs",
        /// A job ended but its client could not be emailed (mail quota, unproven owner).
        JobDoneMailSkipped = "job.done_mail_skipped" => "Client non prévenu de la fin du chantier",
        /// A photo was added to a job.
        JobPhotoAdded = "job.photo_added" => "Photo ajoutée",
        /// A photo was shown to the client.
        JobPhotoShared = "job.photo_shared" => "Photo partagée avec le client",
        /// A photo was hidden from the client again.
        JobPhotoUnshared = "job.photo_unshared" => "Photo retirée du portail",
        /// A job's days, priority or people changed.
        JobPlanned = "job.planned" => "Planning modifié",
        /// A job changed status (started, paused, finished, cancelled, reopened).
        JobStatusChanged = "job.status_changed" => "Statut du chantier changé",
        /// A quote draft was started.
        QuoteCreated = "quote.created" => "Devis créé",
        /// A quote draft was saved.
        QuoteSaved = "quote.saved" => "Devis enregistré",
        /// A quote was numbered and sent to the client.
        QuoteSent = "quote.sent" => "Devis envoyé au client",
        /// The client opened the quote in the portal.
        QuoteViewed = "quote.viewed" => "Devis consulté",
        /// The client signed the quote.
        QuoteSigned = "quote.signed" => "Devis signé",
        /// The client declined the quote.
        QuoteDeclined = "quote.declined" => "Devis refusé",
        /// The quote passed its validity date.
        QuoteExpired = "quote.expired" => "Devis expiré",
        /// A sent quote was changed into a new version.
        QuoteVersioned = "quote.new_version" => "Nouvelle version du devis",
        /// A reminder was sent to the client.
        QuoteReminded = "quote.reminder_sent" => "Relance envoyée",
        /// An invoice or credit note draft was started.
        InvoiceCreated = "invoice.created" => "Facture créée",
        /// An invoice draft was saved.
        InvoiceSaved = "invoice.saved" => "Facture enregistrée",
        /// An invoice draft was deleted.
        InvoiceDeleted = "invoice.deleted" => "Brouillon de facture supprimé",
        /// An invoice was numbered and locked.
        InvoiceIssued = "invoice.issued" => "Facture émise",
        /// An invoice was emailed to the client.
        InvoiceSent = "invoice.sent" => "Facture envoyée au client",
        /// A credit note was issued against an invoice.
        InvoiceCredited = "invoice.credited" => "Avoir émis",
        /// An unpaid-invoice reminder was sent.
        InvoiceReminded = "invoice.reminder_sent" => "Relance d'impayé envoyée",
        /// Reminders of an invoice were stopped or resumed.
        InvoiceRemindersChanged = "invoice.reminders_changed" => "Relances de la facture modifiées",
        /// A payment was recorded.
        PaymentRecorded = "payment.recorded" => "Paiement enregistré",
        /// An invoice was handed to the e-invoicing platform.
        InvoiceTransmitted = "invoice.transmitted" => "Facture transmise à la plateforme",
        /// The e-invoicing platform reported a lifecycle status.
        InvoiceLifecycle = "invoice.lifecycle" => "Statut de la plateforme reçu",
        /// A payment was reported to the platform (212 « Encaissée »).
        PaymentReported = "payment.reported" => "Encaissement déclaré à la plateforme",
        /// A supplier invoice arrived through the platform.
        SupplierInvoiceReceived = "received_invoice.received" => "Facture fournisseur reçue",
        /// The workspace was enrolled under its SIREN on the e-invoicing platform.
        PlatformEnrolled = "einvoicing.enrolled" => "Inscription à la plateforme de facturation électronique",
        /// The buyer's electronic address was found in the directory.
        DirectoryLookedUp = "invoice.directory_lookup" => "Adresse électronique trouvée dans l'annuaire",
        /// The holdback of an invoice became due.
        HoldbackReleased = "invoice.holdback_released" => "Retenue de garantie libérée",
        /// The invoicing settings changed.
        InvoiceSettingsChanged = "invoice_settings.changed" => "Réglages de facturation modifiés",
        /// A client was added.
        ContactCreated = "contact.created" => "Client ajouté",
        /// A client's details changed.
        ContactUpdated = "contact.updated" => "Client modifié",
        /// The legal identity or quote settings changed.
        BusinessProfileChanged = "business.profile_changed" => "Identité légale modifiée",
        /// A catalogue item was added or changed.
        CatalogueItemSaved = "catalogue.saved" => "Catalogue modifié",
        /// A catalogue item was archived.
        CatalogueItemArchived = "catalogue.archived" => "Article archivé",
        /// An API key was created.
        ApiKeyCreated = "api_key.created" => "Clé API créée",
        /// An API key was revoked.
        ApiKeyRevoked = "api_key.revoked" => "Clé API révoquée",
        /// The DM setter sent a batch of events.
        SetterBatchApplied = "setter.batch_applied" => "Évènements du setter reçus",
        /// The dashboard's estimate settings changed.
        CoachSettingsChanged = "coach_settings.changed" => "Hypothèses du tableau de bord modifiées",
        /// An artisan saved their marketplace profile.
        ArtisanProfileSaved = "artisan_profile.saved" => "Profil artisan enregistré",
        /// An artisan uploaded a compliance document.
        ArtisanDocumentUploaded = "artisan_document.uploaded" => "Document déposé",
        /// A platform admin approved or rejected a document.
        ArtisanDocumentReviewed = "artisan_document.reviewed" => "Document examiné",
        /// A public request arrived.
        MarketRequestReceived = "market_request.received" => "Demande publique reçue",
        /// The same request came again and was merged.
        MarketRequestMerged = "market_request.merged" => "Demande publique fusionnée",
        /// A client signed a quote on a request: the request is won.
        MarketRequestWon = "market_request.won" => "Demande remportée",
        /// Nobody won the request within the platform's delay: closed.
        MarketRequestClosed = "market_request.closed" => "Demande close sans suite",
        /// A platform admin assigned a request by hand.
        MarketRequestAssigned = "market_request.assigned" => "Demande assignée",
        /// A platform admin took a request back from an artisan who had not
        /// contacted the client in time.
        MarketRequestWithdrawn = "market_request.withdrawn" => "Demande reprise à un artisan",
        /// A platform admin changed the routing and reminder settings.
        MarketSettingsSaved = "market_settings.saved" => "Réglages du routage modifiés",
        /// A platform admin created a coach's workspace.
        CoachCreated = "workspace.coach_created" => "Espace coach créé",
    }
);

string_enum!(
    /// The kind of thing an event is about.
    EventEntity {
        /// A user account.
        User = "user" => "Utilisateur",
        /// A browser session.
        Session = "session" => "Session",
        /// A workspace.
        Workspace = "workspace" => "Espace",
        /// A membership.
        Member = "member" => "Membre",
        /// An invitation.
        Invitation = "invitation" => "Invitation",
        /// A pipeline.
        Pipeline = "pipeline" => "Pipeline",
        /// A pipeline stage.
        Stage = "stage" => "Étape",
        /// A lead.
        Lead = "lead" => "Demande",
        /// A deal.
        Deal = "deal" => "Affaire",
        /// A note.
        Note = "note" => "Note",
        /// A job.
        Job = "job" => "Chantier",
        /// A quote.
        Quote = "quote" => "Devis",
        /// An invoice or a credit note.
        Invoice = "invoice" => "Facture",
        /// A payment.
        Payment = "payment" => "Paiement",
        /// A supplier invoice received through the e-invoicing platform.
        ReceivedInvoice = "received_invoice" => "Facture fournisseur",
        /// The invoicing settings.
        InvoiceSettings = "invoice_settings" => "Réglages de facturation",
        /// A client.
        Contact = "contact" => "Client",
        /// The business's legal identity.
        BusinessProfile = "business_profile" => "Identité légale",
        /// A catalogue item.
        CatalogueItem = "catalogue_item" => "Article",
        /// An API key.
        ApiKey = "api_key" => "Clé API",
        /// The DM-setter feed.
        SetterFeed = "setter_feed" => "Flux du setter",
        /// The dashboard settings.
        CoachSettings = "coach_settings" => "Réglages du tableau de bord",
        /// An artisan profile (marketplace).
        ArtisanProfile = "artisan_profile" => "Profil artisan",
        /// A public request (marketplace).
        MarketRequest = "market_request" => "Demande publique",
    }
);

/// One row of the audit page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    /// Event id.
    pub id: crate::domain::EventId,
    /// Position in the workspace's chain.
    pub seq: i64,
    /// When, in Paris time.
    pub occurred_at: String,
    /// When, RFC 3339 UTC.
    pub occurred_at_iso: String,
    /// Who.
    pub actor: String,
    /// What kind of thing.
    pub entity: String,
    /// What happened (French label).
    pub action: String,
    /// Stable action identifier.
    pub action_id: String,
    /// One readable line about what changed (who, which role…).
    pub summary: Option<String>,
    /// State before, as JSON.
    pub before: Option<String>,
    /// State after, as JSON.
    pub after: Option<String>,
    /// Client IP.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Short form of the chained hash.
    pub hash_short: String,
}

/// A page of audit events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    /// Events, newest first.
    pub rows: Vec<EventRow>,
    /// `seq` to pass to get the next (older) page.
    pub next_before_seq: Option<i64>,
    /// People who appear as actors, for the filter.
    pub actors: Vec<(String, String)>,
}

/// Outcome of verifying the hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// Chains checked.
    pub chains: u64,
    /// Events checked.
    pub events: u64,
    /// The first broken link, if any.
    pub first_break: Option<ChainBreak>,
}

/// Where a chain stops being trustworthy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    /// The chain (`WorkspaceId::PLATFORM` for the platform chain).
    pub workspace_id: crate::domain::WorkspaceId,
    /// Sequence number of the first bad event.
    pub seq: i64,
    /// Its id, when the row exists.
    pub event_id: Option<crate::domain::EventId>,
    /// What is wrong, in French.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip() {
        for action in EventAction::ALL {
            assert_eq!(EventAction::parse(action.as_str()), Some(*action));
            let json = serde_json::to_string(action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
    }
}
