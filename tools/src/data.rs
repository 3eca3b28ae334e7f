//! Data for the benchmarks and the tests: setter events as n8n sends them,
//! and `tools coach-gen N` (prospects into the demo coach's workspace).

use app::infra::entity::member;
use app::infra::{AppState, time};
use app::setter::payload::SetterEvent;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::seed::coach;

/// The JSON body n8n sends for an event.
pub fn to_json(e: &SetterEvent) -> serde_json::Value {
    use serde_json::json;
    match e {
        SetterEvent::Lead(l) => json!({
            "type": "lead_upserted", "instagram_id": l.instagram_id, "manychat_id": l.manychat_id,
            "username": l.username, "first_name": l.first_name, "last_name": l.last_name, "email": l.email,
            "age": l.age, "gender": l.gender.key(), "job_title": l.job_title, "source": l.source,
            "at": time::iso(l.at),
        }),
        SetterEvent::Message(m) => json!({
            "type": if m.outgoing { "message_sent" } else { "message_received" },
            "instagram_id": m.instagram_id, "external_id": m.external_id, "message_number": m.number,
            "text": m.text, "at": time::iso(m.at),
        }),
        SetterEvent::Status(s) => json!({
            "type": "status_changed", "instagram_id": s.instagram_id, "external_id": s.external_id,
            "status": s.status.key(), "deal_value": s.deal_value_cents.map(|c| c as f64 / 100.0),
            "reason": s.reason, "at": time::iso(s.at),
        }),
    }
}

/// `tools coach-gen N`: into the demo coach's workspace when it exists,
/// else a new « Coach Bench » workspace owned by nobody but the platform.
pub async fn seed_command(state: &AppState, n: u64) -> Result<(), String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let coach = app::infra::entity::user::Entity::find()
        .filter(app::infra::entity::user::Column::Email.eq("coach@comptoir.test"))
        .one(&state.db)
        .await
        .map_err(err)?;
    let ws = match coach {
        Some(u) => member::Entity::find()
            .filter(member::Column::UserId.eq(u.id))
            .one(&state.db)
            .await
            .map_err(err)?
            .map(|m| m.workspace_id),
        None => None,
    };
    let ws = match ws {
        Some(ws) => ws,
        None => coach::new_coach_workspace(state, "coach-bench@comptoir.test", "Coach Bench").await?,
    };
    // Instagram ids that no earlier run used.
    let first = (time::now().timestamp() as u64) * 1_000_000;
    let g = coach::generate(state, ws, n, 365, first).await?;
    println!("{g}");
    Ok(())
}

/// `tools coach-gen N` on the database of the environment's configuration.
pub async fn coach_gen(n: Option<&String>) -> Result<(), String> {
    let n: u64 = n
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or("usage: tools coach-gen N (number of prospects)")?;
    let config = server::config::Config::from_env()?;
    let db = server::open_database(&config).await?;
    let state = AppState::new(db, config.app_config(), server::pdf::renderer());
    seed_command(&state, n).await
}
