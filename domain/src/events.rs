//! Domain events: what happened to the business, as data. A mutation declares
//! them inside the write envelope (`infra::write`); they are stored in the
//! same transaction (the `domain_events` outbox) and handed to subscribers
//! after commit: live pages today, workflows and webhooks later. Each event
//! names the workspace it belongs to through its outbox row.

use super::ids::{
    DealId, InvitationId, InvoiceId, JobId, JobPhotoId, JobStepId, LeadId, MemberId, PaymentId, PipelineId, QuoteId,
    StageId,
};
use super::jobs::JobStatus;
use super::role::Role;
use serde::{Deserialize, Serialize};

/// Something that happened, stored durably and delivered at least once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DomainEvent {
    /// A request for work arrived (form, feed or a member's entry).
    LeadReceived {
        /// The lead.
        lead: LeadId,
        /// Where it came from (`manual`, `setter`, …).
        source: String,
    },
    /// A card was put on a board.
    DealCreated {
        /// The deal.
        deal: DealId,
        /// Its lead.
        lead: LeadId,
        /// Its board.
        pipeline: PipelineId,
        /// Its first column.
        stage: StageId,
    },
    /// A deal changed column (to an open one; wins and losses have their own events).
    DealMoved {
        /// The deal.
        deal: DealId,
        /// Its board.
        pipeline: PipelineId,
        /// The column it left.
        from: StageId,
        /// The column it entered.
        to: StageId,
    },
    /// A deal changed place within its column, or a fact on its card changed
    /// (first contact, quote sent).
    DealUpdated {
        /// The deal.
        deal: DealId,
        /// Its board.
        pipeline: PipelineId,
    },
    /// A deal was won.
    DealWon {
        /// The deal.
        deal: DealId,
        /// Its board.
        pipeline: PipelineId,
        /// The column it entered.
        stage: StageId,
    },
    /// A deal was lost (by a move, or because another deal of its lead was won).
    DealLost {
        /// The deal.
        deal: DealId,
        /// Its board.
        pipeline: PipelineId,
        /// The column it entered.
        stage: StageId,
        /// Why, when said.
        reason: Option<String>,
    },
    /// A won deal opened its job (chantier, projet…).
    JobOpened {
        /// The job.
        job: JobId,
        /// The won deal.
        deal: DealId,
        /// The deal's board.
        pipeline: PipelineId,
    },
    /// A step of a job was validated (once: a replay or a second device does not repeat it).
    JobStepValidated {
        /// The job.
        job: JobId,
        /// The step.
        step: JobStepId,
    },
    /// A photo was added to a job (once per capture).
    JobPhotoAdded {
        /// The job.
        job: JobId,
        /// The photo.
        photo: JobPhotoId,
    },
    /// A job's days, priority or people changed.
    JobPlanned {
        /// The job.
        job: JobId,
    },
    /// A job changed status.
    JobStatusChanged {
        /// The job.
        job: JobId,
        /// Its status now.
        status: JobStatus,
    },
    /// A quote was sent to its client (it got its number).
    QuoteSent {
        /// The quote.
        quote: QuoteId,
        /// Its legal number.
        number: String,
    },
    /// The client opened the quote in the portal (first time).
    QuoteViewed {
        /// The quote.
        quote: QuoteId,
    },
    /// The client signed.
    QuoteSigned {
        /// The quote.
        quote: QuoteId,
    },
    /// The client declined.
    QuoteDeclined {
        /// The quote.
        quote: QuoteId,
    },
    /// The quote's validity ended unsigned.
    QuoteExpired {
        /// The quote.
        quote: QuoteId,
    },
    /// An invoice or credit note was numbered and locked.
    InvoiceIssued {
        /// The invoice.
        invoice: InvoiceId,
        /// Its legal number.
        number: String,
        /// Its TTC, cents.
        total_ttc: i64,
    },
    /// A payment was recorded against an invoice.
    PaymentRecorded {
        /// The invoice.
        invoice: InvoiceId,
        /// The payment.
        payment: PaymentId,
        /// Amount, cents.
        amount: i64,
    },
    /// An invoice is now fully paid.
    InvoicePaid {
        /// The invoice.
        invoice: InvoiceId,
    },
    /// The e-invoicing platform reported a lifecycle status of an invoice.
    InvoiceLifecycle {
        /// The invoice.
        invoice: InvoiceId,
        /// The status, 200…213.
        status: i32,
    },
    /// Someone was invited to the workspace.
    MemberInvited {
        /// The invitation.
        invitation: InvitationId,
        /// The role offered.
        role: Role,
    },
    /// An invitation was accepted.
    MemberJoined {
        /// The new member.
        member: MemberId,
    },
    /// A member's role changed.
    MemberRoleChanged {
        /// The member.
        member: MemberId,
        /// The new role.
        role: Role,
    },
    /// A member was removed.
    MemberRemoved {
        /// The member.
        member: MemberId,
    },
    /// A batch of the setter feed was recorded (the coach KPIs changed).
    SetterBatchRecorded {
        /// Events applied.
        applied: u32,
    },
    /// The coach's KPI estimates changed.
    KpiSettingsChanged,
}

impl DomainEvent {
    /// Stable name of the kind, stored in `domain_events.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            DomainEvent::LeadReceived { .. } => "lead_received",
            DomainEvent::DealCreated { .. } => "deal_created",
            DomainEvent::DealMoved { .. } => "deal_moved",
            DomainEvent::DealUpdated { .. } => "deal_updated",
            DomainEvent::DealWon { .. } => "deal_won",
            DomainEvent::DealLost { .. } => "deal_lost",
            DomainEvent::JobOpened { .. } => "job_opened",
            DomainEvent::JobStepValidated { .. } => "job_step_validated",
            DomainEvent::JobStatusChanged { .. } => "job_status_changed",
            DomainEvent::JobPlanned { .. } => "job_planned",
            DomainEvent::JobPhotoAdded { .. } => "job_photo_added",
            DomainEvent::QuoteSent { .. } => "quote_sent",
            DomainEvent::QuoteViewed { .. } => "quote_viewed",
            DomainEvent::QuoteSigned { .. } => "quote_signed",
            DomainEvent::QuoteDeclined { .. } => "quote_declined",
            DomainEvent::QuoteExpired { .. } => "quote_expired",
            DomainEvent::InvoiceIssued { .. } => "invoice_issued",
            DomainEvent::PaymentRecorded { .. } => "payment_recorded",
            DomainEvent::InvoicePaid { .. } => "invoice_paid",
            DomainEvent::InvoiceLifecycle { .. } => "invoice_lifecycle",
            DomainEvent::MemberInvited { .. } => "member_invited",
            DomainEvent::MemberJoined { .. } => "member_joined",
            DomainEvent::MemberRoleChanged { .. } => "member_role_changed",
            DomainEvent::MemberRemoved { .. } => "member_removed",
            DomainEvent::SetterBatchRecorded { .. } => "setter_batch_recorded",
            DomainEvent::KpiSettingsChanged => "kpi_settings_changed",
        }
    }

    /// The deal whose card changed, and its board, if any.
    pub fn card(&self) -> Option<(DealId, PipelineId)> {
        match self {
            DomainEvent::DealCreated { deal, pipeline, .. }
            | DomainEvent::DealMoved { deal, pipeline, .. }
            | DomainEvent::DealUpdated { deal, pipeline }
            | DomainEvent::DealWon { deal, pipeline, .. }
            | DomainEvent::DealLost { deal, pipeline, .. }
            | DomainEvent::JobOpened { deal, pipeline, .. } => Some((*deal, *pipeline)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_kind_is_the_serialised_tag() {
        let events = [
            DomainEvent::LeadReceived {
                lead: LeadId::new(),
                source: "manual".into(),
            },
            DomainEvent::DealLost {
                deal: DealId::new(),
                pipeline: PipelineId::new(),
                stage: StageId::new(),
                reason: Some("prix".into()),
            },
            DomainEvent::MemberInvited {
                invitation: InvitationId::new(),
                role: Role::Member,
            },
            DomainEvent::KpiSettingsChanged,
        ];
        for event in events {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["kind"], event.kind());
            let back: DomainEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
    }
}
