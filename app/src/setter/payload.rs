//! The JSON body of `POST /api/v1/setter/events`, checked field by field.
//! What makes an event unusable (its type, prospect, id, time, a sent
//! message's number, a win's value) fails the batch with one French message
//! per wrong field (`events[3].age`), and nothing is written. An optional
//! field that fails its check (an age of 7, a job title of 300 characters)
//! is dropped with a warning in the answer and the event is kept: one odd
//! field must not block a day of leads.

use super::{Gender, SetterStatus};
use crate::error::FieldErrors;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

/// Most events in one request.
pub const MAX_BATCH: usize = 5_000;

/// A prospect created or updated by the setter.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadUpsert {
    pub instagram_id: String,
    pub manychat_id: Option<String>,
    pub username: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub age: Option<i32>,
    pub gender: Gender,
    pub job_title: Option<String>,
    /// `None`: unchanged on update, `dm_organique` on creation.
    pub source: Option<String>,
    pub at: DateTime<Utc>,
}

/// A DM sent or received.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub external_id: String,
    pub instagram_id: String,
    pub outgoing: bool,
    pub number: Option<i32>,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A prospect's status changed.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    pub external_id: String,
    pub instagram_id: String,
    pub status: SetterStatus,
    pub deal_value_cents: Option<i64>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// One event of a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum SetterEvent {
    Lead(LeadUpsert),
    Message(Message),
    Status(StatusChange),
}

impl SetterEvent {
    /// The prospect it is about.
    pub fn instagram_id(&self) -> &str {
        match self {
            SetterEvent::Lead(l) => &l.instagram_id,
            SetterEvent::Message(m) => &m.instagram_id,
            SetterEvent::Status(s) => &s.instagram_id,
        }
    }
}

/// A checked batch: the events, and the optional fields dropped from them.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub events: Vec<SetterEvent>,
    /// One message per dropped field (`events[3].age`).
    pub warnings: FieldErrors,
}

struct Fields<'a> {
    obj: &'a Map<String, Value>,
    path: String,
    errors: &'a mut FieldErrors,
    warnings: &'a mut FieldErrors,
    now: DateTime<Utc>,
}

impl Fields<'_> {
    fn key(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    /// A field failed its check: the event fails if the field is required,
    /// else the field is dropped with a warning.
    fn fail(&mut self, name: &str, message: impl Into<String>, required: bool) {
        let key = self.key(name);
        if required {
            self.errors.push(&key, message);
        } else {
            self.warnings.push(&key, format!("{} Champ ignoré.", message.into()));
        }
    }

    fn text(&mut self, name: &str, max: usize, required: bool) -> Option<String> {
        let value = match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                self.fail(name, "Doit être une chaîne de caractères.", required);
                return None;
            }
        };
        match value {
            None if required => {
                self.errors.push(&self.key(name), "Champ obligatoire.");
                None
            }
            Some(s) if s.chars().count() > max => {
                self.fail(name, format!("{max} caractères au plus."), required);
                None
            }
            v => v,
        }
    }

    fn int(&mut self, name: &str, range: std::ops::RangeInclusive<i64>, message: &str, required: bool) -> Option<i64> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) if range.contains(&v) => Some(v),
                _ => {
                    self.fail(name, message, required);
                    None
                }
            },
            Some(_) => {
                self.fail(name, "Doit être un nombre entier.", required);
                None
            }
        }
    }

    fn time(&mut self, name: &str) -> DateTime<Utc> {
        match self.obj.get(name) {
            None | Some(Value::Null) => self.now,
            Some(Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
                Ok(t) if t.with_timezone(&Utc) <= self.now + TimeDelta::minutes(5) => {
                    t.with_timezone(&Utc).duration_trunc_micros()
                }
                Ok(_) => {
                    self.errors.push(&self.key(name), "Date dans le futur.");
                    self.now
                }
                Err(_) => {
                    self.errors.push(
                        &self.key(name),
                        "Date attendue au format RFC 3339 (2026-11-21T18:05:00Z).",
                    );
                    self.now
                }
            },
            Some(_) => {
                self.errors.push(
                    &self.key(name),
                    "Date attendue au format RFC 3339 (2026-11-21T18:05:00Z).",
                );
                self.now
            }
        }
    }
}

trait TruncMicros {
    fn duration_trunc_micros(self) -> DateTime<Utc>;
}

impl TruncMicros for DateTime<Utc> {
    fn duration_trunc_micros(self) -> DateTime<Utc> {
        use chrono::DurationRound;
        self.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(self)
    }
}

/// Parses and checks a whole batch: every event (with the optional fields
/// dropped), or the field errors of all.
pub fn parse_batch(body: &Value, now: DateTime<Utc>) -> Result<Batch, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut warnings = FieldErrors::new();
    let Some(list) = body.get("events").and_then(Value::as_array) else {
        errors.push("events", "Liste « events » attendue.");
        return Err(errors);
    };
    if list.is_empty() {
        errors.push("events", "Au moins un évènement.");
        return Err(errors);
    }
    if list.len() > MAX_BATCH {
        errors.push("events", format!("{MAX_BATCH} évènements au plus par requête."));
        return Err(errors);
    }
    let mut events = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let path = format!("events[{i}]");
        let Some(obj) = item.as_object() else {
            errors.push(&path, "Objet attendu.");
            continue;
        };
        let mut f = Fields {
            obj,
            path: path.clone(),
            errors: &mut errors,
            warnings: &mut warnings,
            now,
        };
        let kind = f.text("type", 40, true);
        let instagram_id = f.text("instagram_id", 64, true).unwrap_or_default();
        let at = f.time("at");
        let event = match kind.as_deref() {
            Some("lead_upserted") => {
                let gender = match f.text("gender", 20, false).as_deref() {
                    None => Some(Gender::Unknown),
                    Some(g) => Gender::parse(g).or_else(|| {
                        f.fail("gender", "Valeurs possibles : male, female, other.", false);
                        None
                    }),
                };
                let email = f
                    .text("email", 254, false)
                    .and_then(|e| match crate::domain::Email::parse(&e) {
                        Ok(email) => Some(email.into_inner()),
                        Err(_) => {
                            f.fail("email", "Adresse email invalide.", false);
                            None
                        }
                    });
                let lead = LeadUpsert {
                    instagram_id: instagram_id.clone(),
                    manychat_id: f.text("manychat_id", 64, false),
                    username: f
                        .text("username", 64, false)
                        .map(|u| u.trim_start_matches('@').to_string()),
                    first_name: f.text("first_name", 80, false).unwrap_or_default(),
                    last_name: f.text("last_name", 80, false).unwrap_or_default(),
                    email,
                    age: f
                        .int("age", 13..=120, "Âge entre 13 et 120 ans.", false)
                        .map(|a| a as i32),
                    gender: gender.unwrap_or(Gender::Unknown),
                    job_title: f.text("job_title", 80, false),
                    source: f.text("source", 40, false),
                    at,
                };
                Some(SetterEvent::Lead(lead))
            }
            Some("message_sent" | "message_received") => {
                let outgoing = kind.as_deref() == Some("message_sent");
                let number = f.int(
                    "message_number",
                    1..=1000,
                    "Numéro de message entre 1 et 1000.",
                    outgoing,
                );
                if outgoing && number.is_none() && !f.errors.0.iter().any(|e| e.field == f.key("message_number")) {
                    f.errors
                        .push(&f.key("message_number"), "Obligatoire pour un message envoyé.");
                }
                Some(SetterEvent::Message(Message {
                    external_id: f.text("external_id", 128, true).unwrap_or_default(),
                    instagram_id: instagram_id.clone(),
                    outgoing,
                    number: number.map(|n| n as i32),
                    text: f.text("text", 4000, false).unwrap_or_default(),
                    at,
                }))
            }
            Some("status_changed") => {
                let status = f.text("status", 40, true).and_then(|s| {
                    SetterStatus::parse(&s).or_else(|| {
                        f.errors.push(
                            &f.key("status"),
                            "Valeurs possibles : engaged, qualified, call_proposed, call_booked, won, lost, follow_up.",
                        );
                        None
                    })
                });
                // A win's value is its substance; on other statuses it is optional.
                let won = status == Some(SetterStatus::Won);
                let deal_value = match obj.get("deal_value") {
                    None | Some(Value::Null) => None,
                    Some(Value::Number(n)) => match n.as_f64() {
                        Some(v) if (0.0..=10_000_000.0).contains(&v) => Some((v * 100.0).round() as i64),
                        _ => {
                            f.fail("deal_value", "Montant entre 0 et 10 000 000 €.", won);
                            None
                        }
                    },
                    Some(_) => {
                        f.fail("deal_value", "Montant en euros attendu (nombre).", won);
                        None
                    }
                };
                // Missing or null: a win's value is required (a later report with
                // a null would wipe the revenue of the first).
                if won && deal_value.is_none() && !f.errors.0.iter().any(|e| e.field == f.key("deal_value")) {
                    f.errors.push(&f.key("deal_value"), "Obligatoire pour un lead gagné.");
                }
                let reason = f.text("reason", 200, false);
                Some(SetterEvent::Status(StatusChange {
                    external_id: f.text("external_id", 128, true).unwrap_or_default(),
                    instagram_id: instagram_id.clone(),
                    status: status.unwrap_or(SetterStatus::New),
                    deal_value_cents: deal_value,
                    reason,
                    at,
                }))
            }
            Some(_) => {
                f.errors.push(
                    &f.key("type"),
                    "Types possibles : lead_upserted, message_sent, message_received, status_changed.",
                );
                None
            }
            None => None,
        };
        if let Some(e) = event {
            events.push(e);
        }
    }
    if errors.is_empty() {
        Ok(Batch { events, warnings })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_valid_batch_parses() {
        let body = json!({"events": [
            {"type": "lead_upserted", "instagram_id": "17841", "first_name": "Camille", "age": 29, "gender": "female", "email": "c@exemple.fr", "at": "2026-11-21T18:00:00Z"},
            {"type": "message_sent", "instagram_id": "17841", "external_id": "m1", "message_number": 1, "text": "Salut"},
            {"type": "message_received", "instagram_id": "17841", "external_id": "m2", "text": "Oui"},
            {"type": "status_changed", "instagram_id": "17841", "external_id": "s1", "status": "won", "deal_value": 997.5}
        ]});
        let batch = parse_batch(&body, now()).unwrap();
        assert!(batch.warnings.is_empty());
        let events = batch.events;
        assert_eq!(events.len(), 4);
        match &events[3] {
            SetterEvent::Status(s) => assert_eq!(s.deal_value_cents, Some(99_750)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bad_optional_field_is_dropped_with_a_warning() {
        let body = json!({"events": [
            {"type": "lead_upserted", "instagram_id": "1", "first_name": "Jérôme", "age": 7, "gender": "robot",
             "email": "nope", "job_title": "x".repeat(81)},
            {"type": "lead_upserted", "instagram_id": "2", "email": "jerôme@exemple.fr"},
            {"type": "message_received", "instagram_id": "1", "external_id": "r", "message_number": 0},
            {"type": "status_changed", "instagram_id": "1", "external_id": "s", "status": "lost", "deal_value": "?"},
        ]});
        let batch = parse_batch(&body, now()).unwrap();
        assert_eq!(batch.events.len(), 4);
        for field in [
            "events[0].age",
            "events[0].gender",
            "events[0].email",
            "events[0].job_title",
            "events[2].message_number",
            "events[3].deal_value",
        ] {
            assert!(
                batch.warnings.get(field).is_some_and(|m| m.ends_with("Champ ignoré.")),
                "{field}: {:?}",
                batch.warnings
            );
        }
        match &batch.events[0] {
            SetterEvent::Lead(l) => {
                assert_eq!(
                    (l.first_name.as_str(), l.age, l.gender, &l.email, &l.job_title),
                    ("Jérôme", None, Gender::Unknown, &None, &None)
                );
            }
            other => panic!("{other:?}"),
        }
        // An internationalised address (RFC 6531) is an address.
        match &batch.events[1] {
            SetterEvent::Lead(l) => assert_eq!(l.email.as_deref(), Some("jerôme@exemple.fr")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_bad_structural_field_is_named() {
        let body = json!({"events": [
            {"type": "lead_upserted", "instagram_id": "1"},
            {"type": "message_sent", "instagram_id": "1"},
            {"type": "status_changed", "instagram_id": "1", "external_id": "s", "status": "won"},
            {"type": "teleport"},
            {"type": "message_received", "instagram_id": "1", "external_id": "x", "at": "2030-01-01T00:00:00Z"},
            {"type": "status_changed", "instagram_id": "1", "external_id": "t", "status": "won", "deal_value": -3},
            {"type": "message_sent", "instagram_id": "1", "external_id": "y", "message_number": 0},
            {"type": "status_changed", "instagram_id": "1", "external_id": "u", "status": "won", "deal_value": null},
        ]});
        let errors = parse_batch(&body, now()).unwrap_err();
        for field in [
            "events[5].deal_value",
            "events[6].message_number",
            "events[7].deal_value",
            "events[1].external_id",
            "events[1].message_number",
            "events[2].deal_value",
            "events[3].type",
            "events[3].instagram_id",
            "events[4].at",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn the_batch_must_be_a_non_empty_list() {
        assert!(parse_batch(&json!({}), now()).unwrap_err().get("events").is_some());
        assert!(
            parse_batch(&json!({"events": []}), now())
                .unwrap_err()
                .get("events")
                .is_some()
        );
    }
}
