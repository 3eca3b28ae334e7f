//! An artisan's compliance documents and whether they let them take leads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a document proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum DocumentKind {
    /// Assurance décennale (insurer, policy number, cover).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "decennale"))]
    Decennale,
    /// Responsabilité civile professionnelle.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rc_pro"))]
    RcPro,
    /// Attestation de vigilance URSSAF (valid six months).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "urssaf"))]
    Urssaf,
    /// Qualification RGE (with its domains).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rge"))]
    Rge,
    /// Extrait Kbis.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "kbis"))]
    Kbis,
}

impl DocumentKind {
    /// Every kind, in the order forms show them.
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Decennale,
        DocumentKind::RcPro,
        DocumentKind::Urssaf,
        DocumentKind::Rge,
        DocumentKind::Kbis,
    ];

    /// The kinds an artisan needs, approved and in force, to receive leads:
    /// both insurances (the law requires them for building work) and the
    /// URSSAF certificate (the client's duty of vigilance).
    pub const REQUIRED: [DocumentKind; 3] = [DocumentKind::Decennale, DocumentKind::RcPro, DocumentKind::Urssaf];

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Decennale => "decennale",
            DocumentKind::RcPro => "rc_pro",
            DocumentKind::Urssaf => "urssaf",
            DocumentKind::Rge => "rge",
            DocumentKind::Kbis => "kbis",
        }
    }

    /// Parses the identifier.
    pub fn parse(value: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Decennale => "Assurance décennale",
            DocumentKind::RcPro => "RC professionnelle",
            DocumentKind::Urssaf => "Attestation URSSAF",
            DocumentKind::Rge => "Qualification RGE",
            DocumentKind::Kbis => "Extrait Kbis",
        }
    }

    /// The longest validity the kind may claim, in months (URSSAF: six).
    pub fn max_months(self) -> Option<u32> {
        matches!(self, DocumentKind::Urssaf).then_some(6)
    }
}

/// Where a document stands in moderation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum DocumentStatus {
    /// Uploaded, waiting for a platform admin.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pending"))]
    Pending,
    /// Checked and accepted.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "approved"))]
    Approved,
    /// Refused, with a reason.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rejected"))]
    Rejected,
}

/// One document as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentFacts {
    /// Its kind.
    pub kind: DocumentKind,
    /// Moderation.
    pub status: DocumentStatus,
    /// First day covered.
    pub starts_on: NaiveDate,
    /// Last day covered.
    pub ends_on: NaiveDate,
}

/// Why a required document does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DocumentProblem {
    /// None uploaded.
    Missing {
        /// The kind.
        kind: DocumentKind,
    },
    /// Uploaded, not yet checked.
    Pending {
        /// The kind.
        kind: DocumentKind,
    },
    /// Refused by the platform.
    Rejected {
        /// The kind.
        kind: DocumentKind,
    },
    /// Its cover ended.
    Expired {
        /// The kind.
        kind: DocumentKind,
        /// Last day covered.
        on: NaiveDate,
    },
    /// Its cover has not started.
    NotYetValid {
        /// The kind.
        kind: DocumentKind,
        /// First day covered.
        from: NaiveDate,
    },
}

impl DocumentProblem {
    /// The sentence shown on the badge and in the routing explanation.
    pub fn message(self) -> String {
        match self {
            DocumentProblem::Missing { kind } => format!("{} manquante", kind.label()),
            DocumentProblem::Pending { kind } => format!("{} en attente de validation", kind.label()),
            DocumentProblem::Rejected { kind } => format!("{} refusée", kind.label()),
            DocumentProblem::Expired { kind, on } => {
                format!("{} expirée le {}", kind.label(), on.format("%d/%m/%Y"))
            }
            DocumentProblem::NotYetValid { kind, from } => {
                format!("{} valable à partir du {}", kind.label(), from.format("%d/%m/%Y"))
            }
        }
    }
}

/// What keeps an artisan out of routing on `today`: for each required kind
/// with no approved document in force, the best reason (one in force but
/// pending beats an expired one, which beats a rejected one).
pub fn routing_problems(docs: &[DocumentFacts], today: NaiveDate) -> Vec<DocumentProblem> {
    let mut problems = Vec::new();
    for kind in DocumentKind::REQUIRED {
        let of_kind: Vec<&DocumentFacts> = docs.iter().filter(|d| d.kind == kind).collect();
        let in_force = |d: &&&DocumentFacts| d.starts_on <= today && today <= d.ends_on;
        if of_kind
            .iter()
            .any(|d| d.status == DocumentStatus::Approved && in_force(&d))
        {
            continue;
        }
        let problem = if of_kind
            .iter()
            .any(|d| d.status == DocumentStatus::Pending && in_force(&d))
        {
            DocumentProblem::Pending { kind }
        } else if let Some(d) = of_kind
            .iter()
            .filter(|d| d.status == DocumentStatus::Approved && d.starts_on > today)
            .min_by_key(|d| d.starts_on)
        {
            DocumentProblem::NotYetValid {
                kind,
                from: d.starts_on,
            }
        } else if let Some(d) = of_kind
            .iter()
            .filter(|d| d.status != DocumentStatus::Rejected && d.ends_on < today)
            .max_by_key(|d| d.ends_on)
        {
            DocumentProblem::Expired { kind, on: d.ends_on }
        } else if of_kind.iter().any(|d| d.status == DocumentStatus::Rejected) {
            DocumentProblem::Rejected { kind }
        } else if of_kind.is_empty() {
            DocumentProblem::Missing { kind }
        } else {
            DocumentProblem::Pending { kind }
        };
        problems.push(problem);
    }
    problems
}

/// The run of days, from `today` on, on which the required documents
/// leave no problem: for each required kind the days covered by an
/// approved document (joined when they touch), intersected, and the first
/// run that has not ended before `today`. `None` when there is none.
///
/// Routing stores it on the profile so it reads no document for an
/// artisan in order; any day inside it, [`routing_problems`] is empty.
pub fn routable_span(docs: &[DocumentFacts], today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let mut runs: Option<Vec<(NaiveDate, NaiveDate)>> = None;
    for kind in DocumentKind::REQUIRED {
        let mut covered: Vec<(NaiveDate, NaiveDate)> = docs
            .iter()
            .filter(|d| d.kind == kind && d.status == DocumentStatus::Approved && d.starts_on <= d.ends_on)
            .map(|d| (d.starts_on, d.ends_on))
            .collect();
        covered.sort();
        let mut joined: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(covered.len());
        for (from, to) in covered {
            match joined.last_mut() {
                Some(last) if from <= last.1.succ_opt().unwrap_or(last.1) => last.1 = Ord::max(last.1, to),
                _ => joined.push((from, to)),
            }
        }
        runs = Some(match runs {
            None => joined,
            Some(previous) => {
                let mut both = Vec::new();
                for &(a_from, a_to) in &previous {
                    for &(b_from, b_to) in &joined {
                        let (from, to) = (Ord::max(a_from, b_from), Ord::min(a_to, b_to));
                        if from <= to {
                            both.push((from, to));
                        }
                    }
                }
                both.sort();
                both
            }
        });
    }
    runs?.into_iter().find(|&(_, to)| to >= today)
}

/// Checks a document's dates as typed: the end after the start, URSSAF at
/// most six months.
pub fn check_dates(kind: DocumentKind, starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), &'static str> {
    if ends_on < starts_on {
        return Err("La date de fin doit être après la date de début.");
    }
    if let Some(months) = kind.max_months()
        && starts_on
            .checked_add_months(chrono::Months::new(months))
            .is_some_and(|limit| ends_on > limit)
    {
        return Err("Une attestation URSSAF est valable six mois au plus.");
    }
    Ok(())
}

/// Reminder days before the end of cover (and 0: the day it ends).
pub const REMINDER_DAYS: [i64; 3] = [30, 7, 0];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn doc(kind: DocumentKind, status: DocumentStatus, from: NaiveDate, to: NaiveDate) -> DocumentFacts {
        DocumentFacts {
            kind,
            status,
            starts_on: from,
            ends_on: to,
        }
    }

    fn complete(today: NaiveDate) -> Vec<DocumentFacts> {
        DocumentKind::REQUIRED
            .into_iter()
            .map(|k| {
                doc(
                    k,
                    DocumentStatus::Approved,
                    today - chrono::Days::new(10),
                    today + chrono::Days::new(90),
                )
            })
            .collect()
    }

    #[test]
    fn approved_documents_in_force_leave_no_problem() {
        let today = d(2026, 11, 30);
        assert!(routing_problems(&complete(today), today).is_empty());
        // The last covered day still counts; the next does not.
        let mut docs = complete(today);
        docs[0].ends_on = today;
        assert!(routing_problems(&docs, today).is_empty());
        assert_eq!(
            routing_problems(&docs, today + chrono::Days::new(1)),
            vec![DocumentProblem::Expired {
                kind: DocumentKind::Decennale,
                on: today
            }]
        );
    }

    #[test]
    fn each_missing_or_unapproved_kind_says_why() {
        let today = d(2026, 11, 30);
        let mut docs = complete(today);
        docs.retain(|x| x.kind != DocumentKind::Urssaf);
        docs[1].status = DocumentStatus::Pending;
        docs.push(doc(DocumentKind::Decennale, DocumentStatus::Rejected, today, today));
        docs[0].status = DocumentStatus::Rejected;
        let problems = routing_problems(&docs, today);
        assert_eq!(
            problems,
            vec![
                DocumentProblem::Rejected {
                    kind: DocumentKind::Decennale
                },
                DocumentProblem::Pending {
                    kind: DocumentKind::RcPro
                },
                DocumentProblem::Missing {
                    kind: DocumentKind::Urssaf
                },
            ]
        );
        assert_eq!(problems[2].message(), "Attestation URSSAF manquante");
        // A renewed approved one makes an expired one irrelevant.
        let mut renewed = complete(today);
        renewed.push(doc(
            DocumentKind::Decennale,
            DocumentStatus::Approved,
            d(2024, 1, 1),
            d(2025, 1, 1),
        ));
        assert!(routing_problems(&renewed, today).is_empty());
    }

    #[test]
    fn the_routable_span_joins_renewals_and_skips_gaps() {
        let today = d(2026, 11, 30);
        assert_eq!(
            routable_span(&complete(today), today),
            Some((today - chrono::Days::new(10), today + chrono::Days::new(90)))
        );
        // A renewal starting the day after the old one ends continues it.
        let mut docs = complete(today);
        for x in &mut docs[..2] {
            x.ends_on = today + chrono::Days::new(200);
        }
        docs.push(doc(
            DocumentKind::Urssaf,
            DocumentStatus::Approved,
            today + chrono::Days::new(91),
            today + chrono::Days::new(200),
        ));
        assert_eq!(
            routable_span(&docs, today),
            Some((today - chrono::Days::new(10), today + chrono::Days::new(200)))
        );
        // An expired insurance: the span is the next one, or none.
        docs[0].ends_on = today - chrono::Days::new(1);
        assert_eq!(routable_span(&docs, today), None);
        docs.push(doc(
            DocumentKind::Decennale,
            DocumentStatus::Approved,
            today + chrono::Days::new(5),
            today + chrono::Days::new(400),
        ));
        assert_eq!(
            routable_span(&docs, today),
            Some((today + chrono::Days::new(5), today + chrono::Days::new(200)))
        );
        // Pending or rejected documents cover nothing.
        let mut pending = complete(today);
        pending[1].status = DocumentStatus::Pending;
        assert_eq!(routable_span(&pending, today), None);
    }

    proptest::proptest! {
        /// Inside the stored span, routing finds no problem, whatever the
        /// documents: routing may skip reading them for these days.
        #[test]
        fn no_problem_inside_the_span(
            raw in proptest::collection::vec((0usize..3, 0u8..3, 0u64..60, 0u64..60), 0..8),
            offset in 0u64..60,
            probe in 0u64..80,
        ) {
            let base = d(2026, 1, 1);
            let docs: Vec<DocumentFacts> = raw
                .into_iter()
                .map(|(k, s, from, len)| {
                    let status = [DocumentStatus::Approved, DocumentStatus::Pending, DocumentStatus::Rejected][s as usize];
                    doc(DocumentKind::REQUIRED[k], status, base + chrono::Days::new(from), base + chrono::Days::new(from + len))
                })
                .collect();
            let today = base + chrono::Days::new(offset);
            let day = base + chrono::Days::new(probe);
            match routable_span(&docs, today) {
                Some((from, to)) => {
                    proptest::prop_assert!(to >= today && from <= to);
                    if from <= day && day <= to {
                        proptest::prop_assert!(routing_problems(&docs, day).is_empty());
                    }
                    // The span is as long as it can be: the day after it has a problem.
                    proptest::prop_assert!(!routing_problems(&docs, to + chrono::Days::new(1)).is_empty());
                }
                // No span: every day from today on has a problem.
                None => proptest::prop_assert!(day < today || !routing_problems(&docs, day).is_empty()),
            }
        }
    }

    #[test]
    fn dates_are_checked_where_typed() {
        let kind = DocumentKind::Decennale;
        assert!(check_dates(kind, d(2026, 1, 2), d(2026, 1, 1)).is_err());
        assert!(check_dates(kind, d(2026, 1, 1), d(2036, 1, 1)).is_ok());
        assert!(check_dates(DocumentKind::Urssaf, d(2026, 1, 1), d(2026, 7, 1)).is_ok());
        assert!(check_dates(DocumentKind::Urssaf, d(2026, 1, 1), d(2026, 7, 2)).is_err());
    }
}
