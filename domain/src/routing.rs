//! Which artisans receive a public request, and why the others do not.
//!
//! Eligible = the trade matches × the request lies within the artisan's
//! radius of their base × the required documents are approved and in force
//! × capacity is left this week × the artisan is available. Eligible
//! artisans are ranked by [`routing_score`]; the best `top_n`, one per
//! workspace, get a deal.

use super::documents::DocumentProblem;
use super::geo::{Point, distance_km};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An artisan profile as routing sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The member.
    pub member_id: Uuid,
    /// Their workspace.
    pub workspace_id: Uuid,
    /// Trades they take.
    pub trades: Vec<String>,
    /// Their base.
    pub base: Point,
    /// How far they go, in km.
    pub radius_km: u32,
    /// Taking leads at all.
    pub available: bool,
    /// New leads a week they accept.
    pub weekly_capacity: u32,
    /// Leads they received in the last seven days.
    pub received_this_week: u32,
    /// Required documents that do not count (empty: all good).
    pub document_problems: Vec<DocumentProblem>,
    /// Member score 0–100 (`None`: no history yet).
    pub member_score: Option<u8>,
    /// Median hours from assignment to first contact, recent leads.
    pub response_hours: Option<f64>,
    /// Share of received leads they took up (moved past « Nouveau »), 0–1.
    pub acceptance_rate: Option<f64>,
}

/// Why an artisan was left out (several may hold at once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// They do not take this trade.
    Trade,
    /// The request is beyond their radius.
    Distance {
        /// Distance from their base.
        km: f64,
        /// Their radius.
        radius_km: u32,
    },
    /// A required document does not count.
    Document {
        /// Which and why.
        problem: DocumentProblem,
    },
    /// They received their weekly capacity already.
    Capacity {
        /// Their capacity.
        weekly: u32,
    },
    /// They switched availability off.
    Unavailable,
    /// Eligible, but others ranked higher (or a colleague of the same
    /// workspace was picked).
    Outranked,
}

impl Exclusion {
    /// The sentence the admin reads.
    pub fn message(&self) -> String {
        match self {
            Exclusion::Trade => "Ne fait pas ce métier".into(),
            Exclusion::Distance { km, radius_km } => {
                format!("À {} km, au-delà de son rayon de {radius_km} km", km.round())
            }
            Exclusion::Document { problem } => problem.message(),
            Exclusion::Capacity { weekly } => format!("Capacité atteinte ({weekly} demandes cette semaine)"),
            Exclusion::Unavailable => "Indisponible".into(),
            Exclusion::Outranked => "Éligible, moins bien classé".into(),
        }
    }
}

/// The verdict on one candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The member.
    pub member_id: Uuid,
    /// Their workspace.
    pub workspace_id: Uuid,
    /// Distance from their base, km.
    pub distance_km: f64,
    /// Ranking score, 0–1000 (eligible ones only matter).
    pub score: u32,
    /// Passed every criterion.
    pub eligible: bool,
    /// Gets a deal.
    pub picked: bool,
    /// Why not (empty when picked).
    pub exclusions: Vec<Exclusion>,
}

/// The neutral value for an artisan without history (so newcomers are
/// neither buried nor favoured).
const NEUTRAL: f64 = 0.5;
/// Hours to first contact at which the response part reaches zero.
const SLOW_HOURS: f64 = 48.0;

/// Ranking score 0–1000 of an eligible candidate at `km`:
/// 400 × member score + 300 × closeness (1 − km / radius)
/// + 150 × response (1 − hours / 48, floored at 0) + 150 × acceptance rate;
///
/// each part is ½ for an artisan with no history.
pub fn routing_score(c: &Candidate, km: f64) -> u32 {
    let member = c.member_score.map(|s| f64::from(s) / 100.0).unwrap_or(NEUTRAL);
    let closeness = if c.radius_km == 0 {
        0.0
    } else {
        (1.0 - km / f64::from(c.radius_km)).clamp(0.0, 1.0)
    };
    let response = c
        .response_hours
        .map(|h| 1.0 - (h / SLOW_HOURS).clamp(0.0, 1.0))
        .unwrap_or(NEUTRAL);
    let acceptance = c.acceptance_rate.map(|r| r.clamp(0.0, 1.0)).unwrap_or(NEUTRAL);
    (400.0 * member + 300.0 * closeness + 150.0 * response + 150.0 * acceptance).round() as u32
}

/// Judges every candidate for a request of `trade` at `site`; picks the best
/// `top_n` eligible ones, at most one per workspace. Verdicts come back picked
/// first (best first), then eligible ones, then the others by distance.
pub fn route(trade: &str, site: Point, candidates: &[Candidate], top_n: usize) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = candidates
        .iter()
        .map(|c| {
            let km = distance_km(c.base, site);
            let mut exclusions = Vec::new();
            if !c.trades.iter().any(|t| t == trade) {
                exclusions.push(Exclusion::Trade);
            }
            if km > f64::from(c.radius_km) {
                exclusions.push(Exclusion::Distance {
                    km,
                    radius_km: c.radius_km,
                });
            }
            exclusions.extend(c.document_problems.iter().map(|p| Exclusion::Document { problem: *p }));
            if c.received_this_week >= c.weekly_capacity {
                exclusions.push(Exclusion::Capacity {
                    weekly: c.weekly_capacity,
                });
            }
            if !c.available {
                exclusions.push(Exclusion::Unavailable);
            }
            Verdict {
                member_id: c.member_id,
                workspace_id: c.workspace_id,
                distance_km: km,
                score: routing_score(c, km),
                eligible: exclusions.is_empty(),
                picked: false,
                exclusions,
            }
        })
        .collect();
    verdicts.sort_by(|a, b| {
        b.eligible
            .cmp(&a.eligible)
            .then(if a.eligible {
                b.score.cmp(&a.score)
            } else {
                std::cmp::Ordering::Equal
            })
            .then(a.distance_km.total_cmp(&b.distance_km))
            .then(a.member_id.cmp(&b.member_id))
    });
    let mut workspaces = Vec::new();
    for v in verdicts.iter_mut().filter(|v| v.eligible) {
        if workspaces.len() < top_n && !workspaces.contains(&v.workspace_id) {
            workspaces.push(v.workspace_id);
            v.picked = true;
        } else {
            v.exclusions.push(Exclusion::Outranked);
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::DocumentKind;
    use proptest::prelude::*;

    const LYON_3: Point = Point {
        lat: 45.7597,
        lon: 4.8422,
    };

    fn plumber(n: u128, lat: f64, lon: f64) -> Candidate {
        Candidate {
            member_id: Uuid::from_u128(n),
            workspace_id: Uuid::from_u128(1000 + n),
            trades: vec!["Plomberie".into()],
            base: Point { lat, lon },
            radius_km: 30,
            available: true,
            weekly_capacity: 10,
            received_this_week: 0,
            document_problems: Vec::new(),
            member_score: None,
            response_hours: None,
            acceptance_rate: None,
        }
    }

    #[test]
    fn the_three_best_eligible_get_it_and_each_other_says_why() {
        let mut expired = plumber(4, 45.75, 4.85);
        let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        expired.document_problems = vec![DocumentProblem::Expired {
            kind: DocumentKind::Decennale,
            on,
        }];
        let mut electrician = plumber(5, 45.76, 4.84);
        electrician.trades = vec!["Électricité".into()];
        let far = plumber(6, 48.85, 2.35);
        let mut full = plumber(7, 45.76, 4.83);
        full.received_this_week = 10;
        let mut off = plumber(8, 45.76, 4.83);
        off.available = false;
        let mut fourth = plumber(9, 45.9, 4.9);
        fourth.member_score = Some(10);
        let mut best = plumber(1, 45.78, 4.87);
        best.member_score = Some(95);
        let all = vec![
            plumber(2, 45.76, 4.84),
            expired,
            electrician,
            far,
            full,
            off,
            fourth,
            best,
            plumber(3, 45.70, 4.80),
        ];
        let verdicts = route("Plomberie", LYON_3, &all, 3);
        let picked: Vec<u128> = verdicts
            .iter()
            .filter(|v| v.picked)
            .map(|v| v.member_id.as_u128())
            .collect();
        assert_eq!(picked, vec![1, 2, 3]);
        let why = |n: u128| {
            verdicts
                .iter()
                .find(|v| v.member_id.as_u128() == n)
                .unwrap()
                .exclusions
                .clone()
        };
        assert_eq!(why(9), vec![Exclusion::Outranked]);
        assert_eq!(why(4)[0].message(), "Assurance décennale expirée le 01/11/2026");
        assert_eq!(why(5), vec![Exclusion::Trade]);
        assert!(matches!(why(6)[0], Exclusion::Distance { radius_km: 30, .. }));
        assert_eq!(why(7), vec![Exclusion::Capacity { weekly: 10 }]);
        assert_eq!(why(8), vec![Exclusion::Unavailable]);
    }

    #[test]
    fn one_deal_per_workspace() {
        let mut a = plumber(1, 45.76, 4.84);
        let mut b = plumber(2, 45.76, 4.84);
        a.workspace_id = Uuid::from_u128(77);
        b.workspace_id = Uuid::from_u128(77);
        let verdicts = route("Plomberie", LYON_3, &[a, b, plumber(3, 45.76, 4.84)], 3);
        assert_eq!(verdicts.iter().filter(|v| v.picked).count(), 2);
    }

    #[test]
    fn the_score_weighs_history_and_closeness() {
        let c = plumber(1, 45.76, 4.84);
        assert_eq!(routing_score(&c, 0.0), 200 + 300 + 75 + 75);
        assert_eq!(routing_score(&c, 30.0), 350);
        let mut great = c.clone();
        great.member_score = Some(100);
        great.response_hours = Some(0.0);
        great.acceptance_rate = Some(1.0);
        assert_eq!(routing_score(&great, 0.0), 1000);
    }

    proptest! {
        #[test]
        fn picks_are_eligible_distinct_and_never_more_than_asked(
            bases in proptest::collection::vec((45.0f64..46.5, 4.0f64..5.8, 0u32..80, any::<bool>(), 0u128..4), 0..40),
            top_n in 0usize..6,
        ) {
            let candidates: Vec<Candidate> = bases.iter().enumerate().map(|(i, (lat, lon, radius, available, ws))| {
                let mut c = plumber(i as u128, *lat, *lon);
                c.radius_km = *radius;
                c.available = *available;
                c.workspace_id = Uuid::from_u128(*ws);
                c
            }).collect();
            let verdicts = route("Plomberie", LYON_3, &candidates, top_n);
            prop_assert_eq!(verdicts.len(), candidates.len());
            let picked: Vec<&Verdict> = verdicts.iter().filter(|v| v.picked).collect();
            prop_assert!(picked.len() <= top_n);
            for v in &picked {
                prop_assert!(v.eligible && v.exclusions.is_empty() && v.distance_km <= 80.0);
            }
            let mut ws: Vec<Uuid> = picked.iter().map(|v| v.workspace_id).collect();
            ws.sort();
            ws.dedup();
            prop_assert_eq!(ws.len(), picked.len());
            // Nobody eligible and unpicked outranks a picked one of another workspace.
            for v in verdicts.iter().filter(|v| v.eligible && !v.picked) {
                if !picked.iter().any(|p| p.workspace_id == v.workspace_id) && picked.len() == top_n {
                    prop_assert!(picked.iter().all(|p| p.score >= v.score));
                }
            }
            for v in verdicts.iter().filter(|v| !v.picked) {
                prop_assert!(!v.exclusions.is_empty());
            }
        }
    }
}
