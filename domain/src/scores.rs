//! Lead and member scores (seed 000, "Scoring"): pure functions of the facts,
//! computed when read so that freshness is always current.

use serde::{Deserialize, Serialize};

/// What makes a lead worth calling now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeadFacts {
    /// Hours since the lead arrived.
    pub age_hours: f64,
    /// A phone number was given.
    pub has_phone: bool,
    /// An email was given.
    pub has_email: bool,
    /// Length of the description, in characters.
    pub description_len: usize,
    /// A budget was given.
    pub has_budget: bool,
    /// A street address was given.
    pub has_address: bool,
    /// A city or postcode was given.
    pub has_city: bool,
}

/// Hours after which a lead has no freshness left (one week: "froid").
pub const FRESHNESS_HORIZON_HOURS: f64 = 168.0;

/// Freshness, 0–50: full at arrival, decreasing linearly to zero after a week.
pub fn freshness(age_hours: f64) -> u8 {
    let left = 1.0 - (age_hours.max(0.0) / FRESHNESS_HORIZON_HOURS).min(1.0);
    (50.0 * left).round() as u8
}

/// Completeness, 0–50: phone 15, email 10, description 5 (≥ 20 characters)
/// or 10 (≥ 80), budget 10, city 2, street address 3.
pub fn completeness(f: &LeadFacts) -> u8 {
    let description = if f.description_len >= 80 {
        10
    } else if f.description_len >= 20 {
        5
    } else {
        0
    };
    let points = 15 * u8::from(f.has_phone)
        + 10 * u8::from(f.has_email)
        + description
        + 10 * u8::from(f.has_budget)
        + 2 * u8::from(f.has_city)
        + 3 * u8::from(f.has_address);
    points.min(50)
}

/// Lead score, 0–100 = freshness + completeness.
pub fn lead_score(f: &LeadFacts) -> u8 {
    (freshness(f.age_hours) + completeness(f)).min(100)
}

/// How a score reads on a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Temperature {
    /// 70 and above.
    Hot,
    /// 40 to 69.
    Warm,
    /// Below 40.
    Cold,
}

impl Temperature {
    /// The band of a score.
    pub fn of(score: u8) -> Temperature {
        match score {
            70.. => Temperature::Hot,
            40..=69 => Temperature::Warm,
            _ => Temperature::Cold,
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Temperature::Hot => "Chaud",
            Temperature::Warm => "Tiède",
            Temperature::Cold => "Froid",
        }
    }
}

/// One deal of a member, as the member score sees it (hours since assignment
/// when first contacted, and whether it was won), over the scoring window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AssignmentFacts {
    /// Hours from assignment to first contact; `None` if not contacted yet.
    pub hours_to_contact: Option<f64>,
    /// Hours since assignment (to know whether the 24 h window has passed).
    pub age_hours: f64,
    /// The deal was won.
    pub won: bool,
}

/// Days of history the member score looks at.
pub const MEMBER_WINDOW_DAYS: i64 = 90;

/// A member's score and its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberScore {
    /// 0–100 = reactivity (0–50) + conversion (0–50).
    pub score: u8,
    /// Reactivity part, 0–50.
    pub reactivity: u8,
    /// Conversion part, 0–50.
    pub conversion: u8,
    /// Median hours to first contact (contacted deals only).
    pub median_hours_to_contact: Option<f64>,
    /// Share of deals contacted within 24 h, among deals at least 24 h old or contacted.
    pub contacted_within_24h: Option<f64>,
    /// Won / assigned.
    pub conversion_rate: Option<f64>,
    /// Deals in the window.
    pub assigned: usize,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Reactivity 0–50: 25 × share contacted within 24 h + 25 × (1 − median
/// hours / 72, floored at 0). Conversion 0–50: 50 × won / assigned (a team
/// that signs half its leads is at the top). `None` without any deal.
pub fn member_score(deals: &[AssignmentFacts]) -> Option<MemberScore> {
    if deals.is_empty() {
        return None;
    }
    let median_hours = median(deals.iter().filter_map(|d| d.hours_to_contact).collect());
    let judged: Vec<&AssignmentFacts> = deals
        .iter()
        .filter(|d| d.hours_to_contact.is_some() || d.age_hours >= 24.0)
        .collect();
    let within = (!judged.is_empty()).then(|| {
        judged
            .iter()
            .filter(|d| d.hours_to_contact.is_some_and(|h| h <= 24.0))
            .count() as f64
            / judged.len() as f64
    });
    let rate = deals.iter().filter(|d| d.won).count() as f64 / deals.len() as f64;
    let speed = median_hours.map(|h| 1.0 - (h / 72.0).min(1.0)).unwrap_or(0.0);
    let reactivity = (25.0 * within.unwrap_or(0.0) + 25.0 * speed).round() as u8;
    let conversion = (50.0 * (rate / 0.5).min(1.0)).round() as u8;
    Some(MemberScore {
        score: (reactivity + conversion).min(100),
        reactivity,
        conversion,
        median_hours_to_contact: median_hours,
        contacted_within_24h: within,
        conversion_rate: Some(rate),
        assigned: deals.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complete() -> LeadFacts {
        LeadFacts {
            age_hours: 0.0,
            has_phone: true,
            has_email: true,
            description_len: 200,
            has_budget: true,
            has_address: true,
            has_city: true,
        }
    }

    #[test]
    fn a_complete_fresh_lead_scores_100_and_a_bare_old_one_0() {
        assert_eq!(lead_score(&complete()), 100);
        assert_eq!(
            lead_score(&LeadFacts {
                age_hours: 500.0,
                ..Default::default()
            }),
            0
        );
        assert_eq!(freshness(84.0), 25);
        assert_eq!(Temperature::of(lead_score(&complete())), Temperature::Hot);
    }

    #[test]
    fn member_score_rewards_speed_and_signatures() {
        let fast_winner = vec![
            AssignmentFacts {
                hours_to_contact: Some(1.0),
                age_hours: 100.0,
                won: true
            };
            4
        ];
        let slow_loser = vec![
            AssignmentFacts {
                hours_to_contact: Some(80.0),
                age_hours: 100.0,
                won: false
            };
            4
        ];
        let a = member_score(&fast_winner).unwrap();
        let b = member_score(&slow_loser).unwrap();
        assert!(a.score > 90, "{a:?}");
        assert_eq!(b.score, 0, "{b:?}");
        assert_eq!(member_score(&[]), None);
        // A lead assigned an hour ago is not yet late.
        let fresh = member_score(&[AssignmentFacts {
            hours_to_contact: None,
            age_hours: 1.0,
            won: false,
        }])
        .unwrap();
        assert_eq!(fresh.contacted_within_24h, None);
    }

    #[test]
    fn median_of_even_and_odd_lists() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    prop_compose! {
        fn facts()(age in 0.0f64..1000.0, p: bool, e: bool, d in 0usize..500, b: bool, a: bool, c: bool) -> LeadFacts {
            LeadFacts { age_hours: age, has_phone: p, has_email: e, description_len: d, has_budget: b, has_address: a, has_city: c }
        }
    }

    proptest! {
        #[test]
        fn lead_scores_stay_between_0_and_100(f in facts()) {
            prop_assert!(lead_score(&f) <= 100);
        }

        #[test]
        fn older_leads_never_score_higher(f in facts(), more in 0.0f64..500.0) {
            let older = LeadFacts { age_hours: f.age_hours + more, ..f.clone() };
            prop_assert!(lead_score(&older) <= lead_score(&f));
        }

        #[test]
        fn more_information_never_lowers_the_score(f in facts()) {
            let richer = LeadFacts { has_phone: true, has_email: true, has_budget: true, description_len: f.description_len + 100, ..f.clone() };
            prop_assert!(lead_score(&richer) >= lead_score(&f));
        }

        #[test]
        fn member_scores_stay_between_0_and_100(deals in proptest::collection::vec((proptest::option::of(0.0f64..500.0), 0.0f64..2000.0, any::<bool>()), 1..50)) {
            let deals: Vec<AssignmentFacts> = deals.into_iter().map(|(h, a, w)| AssignmentFacts { hours_to_contact: h, age_hours: a, won: w }).collect();
            let s = member_score(&deals).unwrap();
            prop_assert!(s.score <= 100 && s.reactivity <= 50 && s.conversion <= 50);
        }
    }
}
