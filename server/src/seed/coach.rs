//! Realistic DM-setter data (the demo coach; the benchmarks and
//! `tools coach-gen N`): French prospects, message sequences with reply rates that
//! fall from the 1st to the 4th message, conversations, and status histories.
//! Everything goes through the feed's own code path (`setter::feed::apply`),
//! so the aggregates are maintained exactly as in production.

use app::infra::entity::api_key;
use app::infra::{AppState, crypto, db, time};
use app::setter::payload::{LeadUpsert, Message, SetterEvent, StatusChange};
use app::setter::{Gender, SetterStatus};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// Small deterministic generator (xorshift64*), so runs are reproducible.
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WOMEN: &[&str] = &[
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Laura", "Pauline", "Marie", "Clara",
    "Anaïs", "Lucie", "Océane", "Mélanie", "Audrey", "Claire", "Sophie", "Elodie",
];
const MEN: &[&str] = &[
    "Thomas",
    "Lucas",
    "Hugo",
    "Nicolas",
    "Julien",
    "Maxime",
    "Antoine",
    "Kevin",
    "Alexandre",
    "Romain",
    "Mathieu",
    "Pierre",
    "Yanis",
    "Karim",
    "Sébastien",
    "Florian",
    "Quentin",
    "Adrien",
    "Bastien",
    "Mehdi",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
];
const JOBS: &[&str] = &[
    "Infirmière",
    "Commercial",
    "Développeur",
    "Enseignante",
    "Aide-soignante",
    "Comptable",
    "Chef de projet",
    "Étudiant",
    "Artisan",
    "Policier",
    "Secrétaire",
    "Ingénieur",
    "Vendeuse",
    "Cadre",
    "Kinésithérapeute",
    "Coiffeuse",
    "Chauffeur",
    "Auto-entrepreneur",
    "Pharmacienne",
    "Militaire",
    "Serveur",
    "Graphiste",
];
const SOURCES: &[(&str, u64)] = &[
    ("story", 35),
    ("post", 25),
    ("keyword", 20),
    ("dm_organique", 15),
    ("reel", 5),
];
const LOST: &[&str] = &[
    "Prix trop élevé",
    "Manque de temps",
    "Déjà essayé",
    "Hésitation",
    "Ne répond plus",
];
const OFFERS: &[i64] = &[49_700, 99_700, 149_700, 199_700];
const FIRST_MESSAGES: &[&str] = &[
    "Hello ! Merci pour ton intérêt pour le programme 🙌 Tu cherches plutôt à perdre du poids ou à te tonifier ?",
    "Je te raconte comment ça marche : 12 semaines, un suivi chaque semaine, des séances adaptées à ton emploi du temps.",
    "Tu as eu le temps de regarder la vidéo que je t'ai envoyée ?",
    "Petit message pour savoir si tu es toujours motivé(e) pour te lancer 💪",
];

fn source(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100);
    for (s, w) in SOURCES {
        if roll < *w {
            return s;
        }
        roll -= w;
    }
    "story"
}

/// The events of one generated prospect, in time order (all before `now`).
pub fn prospect(rng: &mut Rng, n: u64, now: DateTime<Utc>, days: i64) -> Vec<SetterEvent> {
    let created = now - TimeDelta::minutes(rng.below((days.max(1) * 24 * 60) as u64) as i64 + 30);
    let roll = rng.below(100);
    let gender = if roll < 55 {
        Gender::Female
    } else if roll < 97 {
        Gender::Male
    } else {
        Gender::Other
    };
    let first = match gender {
        Gender::Male => rng.pick(MEN),
        _ => rng.pick(WOMEN),
    };
    let last = rng.pick(LAST);
    let insta = format!("ig{n:09}");
    let username = format!(
        "{}.{}{}",
        first
            .to_lowercase()
            .replace(['é', 'è', 'ë'], "e")
            .replace(['ï', 'î'], "i"),
        last.to_lowercase().replace(['é', 'è'], "e").replace('ç', "c"),
        rng.below(100)
    );
    let mut events = vec![SetterEvent::Lead(LeadUpsert {
        instagram_id: insta.clone(),
        manychat_id: Some(format!("mc{n}")),
        username: Some(username.clone()),
        first_name: first.into(),
        last_name: last.into(),
        email: rng.chance(0.4).then(|| format!("{}@exemple.fr", username)),
        age: (!rng.chance(0.1)).then(|| 18 + (rng.below(20) + rng.below(20)) as i32),
        gender,
        job_title: (!rng.chance(0.15)).then(|| rng.pick(JOBS).to_string()),
        source: Some(source(rng).into()),
        at: created,
    })];
    let mut t = created + TimeDelta::minutes(1 + rng.below(5) as i64);
    let mut k = 0;
    let mut msg = |events: &mut Vec<SetterEvent>, out: bool, number: Option<i32>, text: &str, at: DateTime<Utc>| {
        k += 1;
        events.push(SetterEvent::Message(Message {
            external_id: format!("gen-{n}-m{k}"),
            instagram_id: insta.clone(),
            outgoing: out,
            number,
            text: text.into(),
            at,
        }));
    };
    // The sequence: up to four messages until the prospect answers.
    let reply_rates = [0.55, 0.45, 0.35, 0.25];
    let mut replied = false;
    for (i, rate) in reply_rates.iter().enumerate() {
        if t >= now {
            break;
        }
        msg(&mut events, true, Some(i as i32 + 1), FIRST_MESSAGES[i], t);
        if rng.chance(*rate) {
            // Replies come faster in the evening: pick a delay, then favour 18–21 h.
            // Most people answer in the evening (17–21 h UTC, 18–22 h in Paris in winter).
            let mut at = t + TimeDelta::minutes(5 + rng.below(600) as i64);
            if rng.chance(0.55) {
                let evening = t.date_naive().and_hms_opt(17, 0, 0).unwrap_or_default().and_utc()
                    + TimeDelta::minutes(rng.below(240) as i64);
                at = if evening > t {
                    evening
                } else {
                    evening + TimeDelta::days(1)
                };
            }
            if at < now {
                msg(&mut events, false, None, "Oui carrément, dis-m'en plus !", at);
                t = at + TimeDelta::minutes(2);
                replied = true;
                break;
            }
        }
        t += TimeDelta::hours(20 + rng.below(8) as i64);
    }
    if !replied {
        if rng.chance(0.3) && t < now {
            status(&mut events, &insta, n, 1, SetterStatus::FollowUp, None, None, t);
        }
        return events;
    }
    // A conversation: four to fifteen more exchanges (about eleven messages a
    // prospect in all, the 200,000 prospects / 2,000,000 messages).
    let mut number = 5;
    for j in 0..(4 + rng.below(12)) {
        t += TimeDelta::minutes(3 + rng.below(240) as i64);
        if t >= now {
            break;
        }
        if j % 2 == 0 {
            msg(&mut events, true, Some(number), "Super, je t'explique la suite.", t);
            number += 1;
        } else {
            msg(&mut events, false, None, "D'accord, merci !", t);
        }
    }
    if t >= now {
        return events;
    }
    status(&mut events, &insta, n, 1, SetterStatus::Engaged, None, None, t);
    let mut s = 1u32;
    let mut t2 = t;
    macro_rules! step {
        ($st:expr, $value:expr, $reason:expr) => {{
            t2 += TimeDelta::hours(1 + rng.below(30) as i64);
            if t2 >= now {
                return events;
            }
            let reason: Option<&str> = $reason;
            s += 1;
            status(&mut events, &insta, n, s, $st, $value, reason.map(str::to_string), t2);
        }};
    }
    if !rng.chance(0.45) {
        if rng.chance(0.4) {
            step!(SetterStatus::FollowUp, None, None);
        } else if rng.chance(0.3) {
            step!(SetterStatus::Lost, None, Some(LOST[(n % LOST.len() as u64) as usize]));
        }
        return events;
    }
    step!(SetterStatus::Qualified, None, None);
    if !rng.chance(0.7) {
        step!(SetterStatus::FollowUp, None, None);
        return events;
    }
    step!(SetterStatus::CallProposed, None, None);
    if !rng.chance(0.6) {
        step!(SetterStatus::Lost, None, Some(LOST[(n % 3) as usize]));
        return events;
    }
    step!(SetterStatus::CallBooked, None, None);
    if rng.chance(0.4) {
        step!(
            SetterStatus::Won,
            Some(OFFERS[(n % OFFERS.len() as u64) as usize]),
            None
        );
    } else if rng.chance(0.5) {
        step!(SetterStatus::Lost, None, Some(LOST[(n % LOST.len() as u64) as usize]));
    }
    events
}

#[allow(clippy::too_many_arguments)]
fn status(
    events: &mut Vec<SetterEvent>,
    insta: &str,
    n: u64,
    k: u32,
    status: SetterStatus,
    value: Option<i64>,
    reason: Option<String>,
    at: DateTime<Utc>,
) {
    events.push(SetterEvent::Status(StatusChange {
        external_id: format!("gen-{n}-s{k}"),
        instagram_id: insta.to_string(),
        status,
        deal_value_cents: value,
        reason,
        at,
    }));
}

/// A key for the generator (stored like any other, named « Générateur »,
/// revoked at once: only this process uses it, never over HTTP).
pub async fn generator_key(state: &AppState, workspace_id: Uuid) -> Result<api_key::Model, String> {
    let (key, _) = app::setter::keys::insert(&state.db, workspace_id, "Générateur", None, true)
        .await
        .map_err(|e| e.to_string())?;
    Ok(key)
}

/// A new coach workspace owned by a new account (benchmarks, `tools coach-gen`).
pub async fn new_coach_workspace(state: &AppState, email: &str, workspace: &str) -> Result<Uuid, String> {
    let hash = crypto::hash_password(&crypto::random_token())?;
    let w = app::infra::Write::system(state, "Générateur", None)
        .await
        .map_err(|e| e.to_string())?;
    let owner = super::find_or_create_user(&w, email, workspace, &hash, false).await?;
    let ws = app::workspace::service::create_workspace(&w, &owner, workspace, app::domain::TradePack::Coach)
        .await
        .map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;
    Ok(ws.id)
}

/// The demo coach declares what the setter costs (297 € a month), so that
/// ROI and acquisition cost show figures; the other estimates keep their defaults.
pub async fn demo_settings(state: &AppState, workspace_id: Uuid) -> Result<(), String> {
    use app::infra::entity::coach_settings;
    let d = app::domain::kpi::Estimates::default();
    coach_settings::Entity::insert(coach_settings::ActiveModel {
        workspace_id: Set(workspace_id),
        lead_magnet_pct: Set(d.lead_magnet_pct),
        no_show_pct: Set(d.no_show_pct),
        ai_efficiency_pct: Set(d.ai_efficiency_pct),
        minutes_per_message: Set(d.minutes_per_message),
        monthly_cost_cents: Set(29_700),
        updated_at: Set(time::now()),
    })
    .exec_without_returning(&state.db)
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Figures of a generation run.
pub struct Generated {
    /// Prospects.
    pub leads: u64,
    /// Events applied.
    pub events: u64,
    /// Messages among them.
    pub messages: u64,
    /// Wall time.
    pub elapsed: std::time::Duration,
}

impl std::fmt::Display for Generated {
    /// `2000 prospects, 28972 events (22152 messages) in 1.5 s: 18996 events/s`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} prospects, {} events ({} messages) in {:.1} s: {:.0} events/s",
            self.leads,
            self.events,
            self.messages,
            self.elapsed.as_secs_f64(),
            self.events as f64 / self.elapsed.as_secs_f64()
        )
    }
}

/// The tables the setter feed writes (what autovacuum would analyse as a
/// load grows; the generator and the benchmark analyse these).
pub const FEED_TABLES: &str = "setter_leads, setter_messages, setter_status_changes, leads, deals, domain_events, events, setter_daily, setter_dims";

/// Generates `n` prospects spread over `days` into a workspace, in batches of
/// `batch` prospects, each batch one transaction.
pub async fn generate(
    state: &AppState,
    workspace_id: Uuid,
    n: u64,
    days: i64,
    first: u64,
) -> Result<Generated, String> {
    let key = generator_key(state, workspace_id).await?;
    let mut rng = Rng::new(0x5EED ^ first.wrapping_mul(0x9E37_79B9));
    let now = time::now();
    let start = std::time::Instant::now();
    let (mut events, mut messages) = (0u64, 0u64);
    let batch = 500;
    let mut i = 0;
    while i < n {
        let mut list = Vec::new();
        for j in i..(i + batch).min(n) {
            list.extend(prospect(&mut rng, first + j, now, days));
        }
        events += list.len() as u64;
        messages += list.iter().filter(|e| matches!(e, SetterEvent::Message(_))).count() as u64;
        app::setter::feed::apply(state, &key, list, Default::default())
            .await
            .map_err(|e| format!("{e:?}"))?;
        i += batch;
        let done = i / batch;
        if n >= 20_000 && done % 40 == 0 {
            eprintln!("  … {i} / {n} prospects");
        }
        // Keep the planner's statistics current during a bulk load, as
        // autovacuum would (it may be off on a test machine): without them
        // PostgreSQL checks replayed external ids by scanning the workspace's
        // rows, and the load slows as it grows. Often while the tables are
        // young (after 1, 2, 4 … 32 batches), then every 40 batches.
        if db::is_postgres(&state.db) && ((done.is_power_of_two() && done <= 32) || done % 40 == 0) {
            state
                .db
                .execute_unprepared(&format!("ANALYZE {FEED_TABLES}"))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(Generated {
        leads: n,
        events,
        messages,
        elapsed: start.elapsed(),
    })
}
