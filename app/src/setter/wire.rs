//! The wire format of `POST /api/v1/setter/events`, as types: the OpenAPI
//! document (`/api/v1/openapi.json`) is generated from them, and a test
//! checks that what they describe is what `payload::parse_batch` accepts.
//! The parser itself reads the JSON field by field, to name every wrong field
//! in French (`events[3].age`), which serde alone would not do.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A batch of events, applied in order, all or nothing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SetterBatch {
    /// 1 to 5,000 events.
    #[schema(min_items = 1, max_items = 5000)]
    pub events: Vec<SetterEventBody>,
}

/// `male`, `female` or `other` (French words are accepted too).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WireGender {
    /// Man.
    Male,
    /// Woman.
    Female,
    /// Other.
    Other,
}

/// A funnel status.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WireStatus {
    /// Answered the messages.
    Engaged,
    /// Fits the offer.
    Qualified,
    /// A call was proposed.
    CallProposed,
    /// A call is booked.
    CallBooked,
    /// Became a client (`deal_value` required).
    Won,
    /// Will not become a client (`reason` advised).
    Lost,
    /// To follow up later.
    FollowUp,
}

/// One event, told apart by `type`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SetterEventBody {
    /// A prospect created, or updated with the fields present.
    LeadUpserted {
        /// The prospect's Instagram id.
        #[schema(min_length = 1, max_length = 64)]
        instagram_id: String,
        /// When it happened (RFC 3339, at most 5 minutes ahead; default now).
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// ManyChat subscriber id.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 64)]
        manychat_id: Option<String>,
        /// Instagram handle (a leading `@` is removed).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 64)]
        username: Option<String>,
        /// First name.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 80)]
        first_name: Option<String>,
        /// Last name.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 80)]
        last_name: Option<String>,
        /// Email address.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(format = Email, max_length = 254)]
        email: Option<String>,
        /// Age in years.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(minimum = 13, maximum = 120)]
        age: Option<i32>,
        /// Gender.
        #[serde(skip_serializing_if = "Option::is_none")]
        gender: Option<WireGender>,
        /// Job title.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 80)]
        job_title: Option<String>,
        /// Where the prospect came from (default `dm_organique`).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 40)]
        source: Option<String>,
    },
    /// A message the setter sent.
    MessageSent {
        /// The prospect (created earlier, or earlier in the batch).
        #[schema(min_length = 1, max_length = 64)]
        instagram_id: String,
        /// The message's id: a replay with the same id is ignored.
        #[schema(min_length = 1, max_length = 128)]
        external_id: String,
        /// 1 for the opening message, 2 for the first follow-up…
        #[schema(minimum = 1, maximum = 1000)]
        message_number: i32,
        /// Text.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 4000)]
        text: Option<String>,
        /// When it happened (default now).
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// A message the prospect sent.
    MessageReceived {
        /// The prospect.
        #[schema(min_length = 1, max_length = 64)]
        instagram_id: String,
        /// The message's id: a replay with the same id is ignored.
        #[schema(min_length = 1, max_length = 128)]
        external_id: String,
        /// Text.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 4000)]
        text: Option<String>,
        /// When it happened (default now).
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// The prospect's status changed.
    StatusChanged {
        /// The prospect.
        #[schema(min_length = 1, max_length = 64)]
        instagram_id: String,
        /// The change's id: a replay with the same id is ignored.
        #[schema(min_length = 1, max_length = 128)]
        external_id: String,
        /// New status.
        status: WireStatus,
        /// Value of the deal in euros (required with `won`).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(minimum = 0, maximum = 10000000)]
        deal_value: Option<f64>,
        /// Why it was lost.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 200)]
        reason: Option<String>,
        /// When it happened (default now).
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// `200`: what the batch changed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedAccepted {
    /// Always true.
    pub ok: bool,
    /// Counts.
    pub applied: Applied,
    /// Optional fields that failed their check and were dropped (the event
    /// was kept), by field path (`events[3].age`); empty when none.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub warnings: std::collections::BTreeMap<String, Vec<String>>,
}

/// What a batch changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Applied {
    /// Events received.
    pub events: u64,
    /// Prospects created.
    pub leads_created: u64,
    /// Prospects updated.
    pub leads_updated: u64,
    /// Messages stored.
    pub messages: u64,
    /// Status changes stored.
    pub status_changes: u64,
    /// Events already applied before (ignored).
    pub duplicates: u64,
}

/// `422`: nothing was written; one or more French messages per wrong field.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedInvalid {
    /// Summary.
    pub error: String,
    /// Messages by field path (`events[3].age`).
    pub fields: std::collections::BTreeMap<String, Vec<String>>,
}

/// `401`, `413`, `429`, `500`: what went wrong, in French.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedError {
    /// Message.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_schema_types_describe_is_what_the_parser_accepts() {
        let at = Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-21T18:00:00Z")
                .unwrap()
                .to_utc(),
        );
        let batch = SetterBatch {
            events: vec![
                SetterEventBody::LeadUpserted {
                    instagram_id: "1784".into(),
                    at,
                    manychat_id: Some("42".into()),
                    username: Some("@camille".into()),
                    first_name: Some("Camille".into()),
                    last_name: Some("Roux".into()),
                    email: Some("camille@exemple.fr".into()),
                    age: Some(31),
                    gender: Some(WireGender::Female),
                    job_title: Some("Infirmière".into()),
                    source: Some("story".into()),
                },
                SetterEventBody::MessageSent {
                    instagram_id: "1784".into(),
                    external_id: "m1".into(),
                    message_number: 1,
                    text: Some("Salut".into()),
                    at,
                },
                SetterEventBody::MessageReceived {
                    instagram_id: "1784".into(),
                    external_id: "m2".into(),
                    text: None,
                    at: None,
                },
                SetterEventBody::StatusChanged {
                    instagram_id: "1784".into(),
                    external_id: "s1".into(),
                    status: WireStatus::Won,
                    deal_value: Some(997.0),
                    reason: None,
                    at,
                },
                SetterEventBody::StatusChanged {
                    instagram_id: "1784".into(),
                    external_id: "s2".into(),
                    status: WireStatus::CallProposed,
                    deal_value: None,
                    reason: None,
                    at,
                },
            ],
        };
        let json = serde_json::to_value(&batch).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .unwrap()
            .to_utc();
        let parsed = super::super::payload::parse_batch(&json, now).unwrap();
        assert_eq!(parsed.events.len(), 5);
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn outcome_counts_match_the_documented_answer() {
        let outcome = super::super::ingest::BatchOutcome {
            events: 3,
            messages: 2,
            ..Default::default()
        };
        let documented: Applied = serde_json::from_value(serde_json::to_value(&outcome).unwrap()).unwrap();
        assert_eq!(documented.events, 3);
        assert_eq!(documented.messages, 2);
    }
}
