//! Quality control on the job: the checklist items a step carries (pass or
//! fail, a number with its unit and bounds, free text), how an answer is
//! judged against its item, what a step needs before it is validated, and
//! the kinds of non-conformity.

use serde::{Deserialize, Serialize};

use super::pack::TradePack;

/// What an item asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum CheckKind {
    /// Conforme / non conforme.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pass_fail"))]
    PassFail,
    /// A measure, with its unit and bounds (« Épaisseur du film, µm, 60 à 120 »).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "number"))]
    Number,
    /// A remark.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "text"))]
    Text,
}

impl CheckKind {
    /// Every kind, in the order of the editor.
    pub const ALL: [CheckKind; 3] = [CheckKind::PassFail, CheckKind::Number, CheckKind::Text];

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::PassFail => "Conforme / non conforme",
            CheckKind::Number => "Mesure",
            CheckKind::Text => "Texte libre",
        }
    }

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::PassFail => "pass_fail",
            CheckKind::Number => "number",
            CheckKind::Text => "text",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// One item of a step's checklist, as a template holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckItem {
    /// « Épaisseur du film ».
    pub label: String,
    /// What it asks for.
    pub kind: CheckKind,
    /// A measure's unit (« µm »), empty otherwise.
    #[serde(default)]
    pub unit: String,
    /// A measure's lowest accepted value.
    #[serde(default)]
    pub min: Option<f64>,
    /// A measure's highest accepted value.
    #[serde(default)]
    pub max: Option<f64>,
    /// A measure out of its bounds is refused (else saved with a warning).
    #[serde(default)]
    pub strict: bool,
}

impl CheckItem {
    /// A pass / fail item.
    pub fn pass_fail(label: &str) -> CheckItem {
        CheckItem {
            label: label.into(),
            kind: CheckKind::PassFail,
            unit: String::new(),
            min: None,
            max: None,
            strict: false,
        }
    }

    /// A measure with its unit and bounds.
    pub fn number(label: &str, unit: &str, min: Option<f64>, max: Option<f64>, strict: bool) -> CheckItem {
        CheckItem {
            label: label.into(),
            kind: CheckKind::Number,
            unit: unit.into(),
            min,
            max,
            strict,
        }
    }

    /// A free text item.
    pub fn text(label: &str) -> CheckItem {
        CheckItem {
            label: label.into(),
            kind: CheckKind::Text,
            unit: String::new(),
            min: None,
            max: None,
            strict: false,
        }
    }

    /// « 60 à 120 µm », « au moins 60 µm », « au plus 2 mm », or nothing.
    pub fn bounds_label(&self) -> Option<String> {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => Some(format!("{} à {}{unit}", number(lo), number(hi))),
            (Some(lo), None) => Some(format!("au moins {}{unit}", number(lo))),
            (None, Some(hi)) => Some(format!("au plus {}{unit}", number(hi))),
            (None, None) => None,
        }
    }

    /// What is wrong with the item itself (the template editor's check):
    /// (field, message).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let label = self.label.trim();
        if label.is_empty() {
            return Some(("label", "Donnez un libellé au point de contrôle.".into()));
        }
        if label.chars().count() > MAX_LABEL {
            return Some(("label", format!("Libellé trop long ({MAX_LABEL} caractères au plus).")));
        }
        if self.unit.chars().count() > 12 {
            return Some(("unit", "Unité trop longue (12 caractères au plus).".into()));
        }
        if self.kind == CheckKind::Number {
            for bound in [self.min, self.max].into_iter().flatten() {
                if !bound.is_finite() {
                    return Some(("min", "Les limites doivent être des nombres.".into()));
                }
            }
            if let (Some(lo), Some(hi)) = (self.min, self.max)
                && lo > hi
            {
                return Some(("max", format!("« {label} » : le maximum est sous le minimum.")));
            }
        }
        None
    }
}

/// Longest label of an item or a step.
pub const MAX_LABEL: usize = 120;

/// Longest free text answer, comment or corrective action.
pub const MAX_TEXT: usize = 2000;

/// An answer as a member gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum CheckValue {
    /// Conforme (true) or not.
    Pass(bool),
    /// A measure, in the item's unit.
    Number(f64),
    /// A remark.
    Text(String),
}

/// How an answer stands against its item.
#[derive(Clone, Debug, PartialEq)]
pub enum Judgement {
    /// Within bounds (or nothing to judge).
    Fine,
    /// Out of bounds, kept: the warning to show.
    Warning(String),
    /// Refused: why.
    Refused(String),
}

/// Judges `value` against `item`.
pub fn judge(item: &CheckItem, value: &CheckValue) -> Judgement {
    match (item.kind, value) {
        (CheckKind::PassFail, CheckValue::Pass(_)) => Judgement::Fine,
        (CheckKind::Number, CheckValue::Number(n)) => {
            if !n.is_finite() {
                return Judgement::Refused(format!("« {} » : saisissez un nombre.", item.label));
            }
            let low = item.min.is_some_and(|lo| *n < lo);
            let high = item.max.is_some_and(|hi| *n > hi);
            if !(low || high) {
                return Judgement::Fine;
            }
            let unit = if item.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", item.unit)
            };
            let bounds = item.bounds_label().unwrap_or_default();
            if item.strict {
                Judgement::Refused(format!(
                    "« {} » : {}{unit} est hors des limites ({bounds}) : valeur refusée.",
                    item.label,
                    number(*n)
                ))
            } else {
                Judgement::Warning(format!(
                    "« {} » : {}{unit} est hors des limites ({bounds}) : enregistré, à corriger ou à déclarer en non-conformité.",
                    item.label,
                    number(*n)
                ))
            }
        }
        (CheckKind::Text, CheckValue::Text(t)) => {
            if t.trim().is_empty() {
                Judgement::Refused(format!("« {} » : la remarque est vide.", item.label))
            } else if t.chars().count() > MAX_TEXT {
                Judgement::Refused(format!(
                    "« {} » : texte trop long ({MAX_TEXT} caractères au plus).",
                    item.label
                ))
            } else {
                Judgement::Fine
            }
        }
        _ => Judgement::Refused(format!(
            "« {} » attend une réponse de type {} : rechargez la page.",
            item.label,
            item.kind.label().to_lowercase()
        )),
    }
}

/// A number the French way: « 80 », « 12,5 ».
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let s = format!("{n:.3}");
        s.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
    }
}

/// Reads what a member typed in a measure field: « 12,5 », « 80 », « 1 200 ».
pub fn parse_number(typed: &str) -> Option<f64> {
    let cleaned: String = typed
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// What a step still needs before it is validated, beyond the order rule:
/// its photo and its checklist's answers.
pub fn readiness_problem(requires_photo: bool, has_photo: bool, unanswered: &[&str]) -> Option<String> {
    if requires_photo && !has_photo {
        return Some("Une photo de cette étape est demandée avant de la valider.".into());
    }
    if !unanswered.is_empty() {
        return Some(format!(
            "Répondez d'abord à la liste de contrôle : {}.",
            unanswered.join(", ")
        ));
    }
    None
}

/// The checklists a pack's default steps carry, by step name.
pub fn default_checks(pack: TradePack, step: &str) -> Vec<CheckItem> {
    match (pack, step) {
        (TradePack::Workshop, "Réception des pièces") => vec![
            CheckItem::pass_fail("Pièces conformes au bon de commande"),
            CheckItem::number("Nombre de pièces", "pièces", Some(1.0), None, true),
        ],
        (TradePack::Workshop, "Cuisson") => vec![
            CheckItem::number("Température du four", "°C", Some(160.0), Some(220.0), false),
            CheckItem::number("Durée de cuisson", "min", Some(8.0), Some(30.0), false),
        ],
        (TradePack::Workshop, "Contrôle qualité") => vec![
            CheckItem::number("Épaisseur du film", "µm", Some(60.0), Some(120.0), false),
            CheckItem::pass_fail("Adhérence (quadrillage)"),
            CheckItem::pass_fail("Aspect et teinte"),
            CheckItem::text("Observations"),
        ],
        (TradePack::Artisan, "Réception avec le client") => vec![
            CheckItem::pass_fail("Travaux conformes au devis"),
            CheckItem::pass_fail("Chantier propre et dégagé"),
            CheckItem::text("Réserves du client"),
        ],
        _ => Vec::new(),
    }
}

/// The kinds of non-conformity, counted per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum NonConformityKind {
    /// Aspect: coulure, grain, peau d'orange, rayure.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "aspect"))]
    Aspect,
    /// A measure out of tolerance (thickness, level, dimension).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "measure"))]
    Measure,
    /// Adhesion.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "adhesion"))]
    Adhesion,
    /// Wrong colour.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "colour"))]
    Colour,
    /// A part or the work damaged.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "damage"))]
    Damage,
    /// Something missing (material, parts).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "missing"))]
    Missing,
    /// Anything else.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "other"))]
    Other,
}

impl NonConformityKind {
    /// Every kind, in the order of the form.
    pub const ALL: [NonConformityKind; 7] = [
        NonConformityKind::Aspect,
        NonConformityKind::Measure,
        NonConformityKind::Adhesion,
        NonConformityKind::Colour,
        NonConformityKind::Damage,
        NonConformityKind::Missing,
        NonConformityKind::Other,
    ];

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            NonConformityKind::Aspect => "Défaut d'aspect",
            NonConformityKind::Measure => "Mesure hors tolérance",
            NonConformityKind::Adhesion => "Défaut d'adhérence",
            NonConformityKind::Colour => "Teinte non conforme",
            NonConformityKind::Damage => "Pièce ou ouvrage endommagé",
            NonConformityKind::Missing => "Élément manquant",
            NonConformityKind::Other => "Autre",
        }
    }

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            NonConformityKind::Aspect => "aspect",
            NonConformityKind::Measure => "measure",
            NonConformityKind::Adhesion => "adhesion",
            NonConformityKind::Colour => "colour",
            NonConformityKind::Damage => "damage",
            NonConformityKind::Missing => "missing",
            NonConformityKind::Other => "other",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<NonConformityKind> {
        NonConformityKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// How many of each kind, most frequent first (ties in the form's order).
pub fn count_by_kind(kinds: impl IntoIterator<Item = NonConformityKind>) -> Vec<(NonConformityKind, u32)> {
    let mut counts: Vec<(NonConformityKind, u32)> = Vec::new();
    for kind in kinds {
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn thickness(strict: bool) -> CheckItem {
        CheckItem::number("Épaisseur du film", "µm", Some(60.0), Some(120.0), strict)
    }

    #[test]
    fn a_measure_out_of_bounds_is_kept_with_a_warning_or_refused_per_its_rule() {
        assert_eq!(judge(&thickness(false), &CheckValue::Number(80.0)), Judgement::Fine);
        assert_eq!(judge(&thickness(false), &CheckValue::Number(60.0)), Judgement::Fine);
        let Judgement::Warning(w) = judge(&thickness(false), &CheckValue::Number(150.0)) else {
            panic!("a warning")
        };
        assert!(w.contains("150 µm") && w.contains("60 à 120 µm"), "{w}");
        let Judgement::Refused(r) = judge(&thickness(true), &CheckValue::Number(12.5)) else {
            panic!("refused")
        };
        assert!(r.contains("12,5 µm"), "{r}");
        assert!(matches!(
            judge(&thickness(false), &CheckValue::Number(f64::NAN)),
            Judgement::Refused(_)
        ));
        assert!(matches!(
            judge(&thickness(false), &CheckValue::Pass(true)),
            Judgement::Refused(_)
        ));
        assert!(matches!(
            judge(&CheckItem::text("Observations"), &CheckValue::Text("  ".into())),
            Judgement::Refused(_)
        ));
        assert_eq!(
            judge(&CheckItem::pass_fail("Adhérence"), &CheckValue::Pass(false)),
            Judgement::Fine,
            "a failure is an answer (declared as a non-conformity)"
        );
    }

    #[test]
    fn numbers_read_and_print_the_french_way() {
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number(" 1 200 "), Some(1200.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(number(80.0), "80");
        assert_eq!(number(12.5), "12,5");
        assert_eq!(number(0.125), "0,125");
        assert_eq!(thickness(false).bounds_label().as_deref(), Some("60 à 120 µm"));
        assert_eq!(
            CheckItem::number("Pièces", "pièces", Some(1.0), None, true)
                .bounds_label()
                .as_deref(),
            Some("au moins 1 pièces")
        );
    }

    #[test]
    fn an_item_is_checked_before_a_template_keeps_it() {
        assert!(thickness(false).problem().is_none());
        assert_eq!(CheckItem::text(" ").problem().map(|p| p.0), Some("label"));
        let upside_down = CheckItem::number("Température", "°C", Some(220.0), Some(160.0), false);
        assert_eq!(upside_down.problem().map(|p| p.0), Some("max"));
    }

    #[test]
    fn a_step_waits_for_its_photo_then_its_answers() {
        assert_eq!(readiness_problem(false, false, &[]), None);
        assert!(readiness_problem(true, false, &[]).unwrap().contains("photo"));
        assert_eq!(readiness_problem(true, true, &[]), None);
        let missing = readiness_problem(false, false, &["Adhérence", "Aspect"]).unwrap();
        assert!(missing.ends_with("Adhérence, Aspect."), "{missing}");
    }

    #[test]
    fn the_workshops_quality_control_measures_the_film() {
        let qc = default_checks(TradePack::Workshop, "Contrôle qualité");
        assert_eq!(qc[0].unit, "µm");
        assert!(qc.iter().all(|c| c.problem().is_none()));
        assert!(default_checks(TradePack::Coach, "Programme").is_empty());
    }

    #[test]
    fn non_conformities_are_counted_per_kind() {
        use NonConformityKind::*;
        assert_eq!(
            count_by_kind([Aspect, Measure, Aspect, Other]),
            vec![(Aspect, 2), (Measure, 1), (Other, 1)]
        );
        for k in NonConformityKind::ALL {
            assert_eq!(NonConformityKind::parse(k.as_str()), Some(k));
        }
    }

    proptest! {
        /// A measure is fine exactly within its bounds; outside, a strict
        /// item refuses and a lenient one warns, never both.
        #[test]
        fn bounds_decide(n in -1000.0f64..1000.0, lo in -500.0f64..500.0, span in 0.0f64..500.0, strict: bool) {
            let item = CheckItem::number("Mesure", "mm", Some(lo), Some(lo + span), strict);
            let inside = n >= lo && n <= lo + span;
            match judge(&item, &CheckValue::Number(n)) {
                Judgement::Fine => prop_assert!(inside),
                Judgement::Warning(_) => prop_assert!(!inside && !strict),
                Judgement::Refused(_) => prop_assert!(!inside && strict),
            }
        }

        /// What `number` prints, `parse_number` reads back (to the printed precision).
        #[test]
        fn printed_numbers_read_back(n in -100000.0f64..100000.0) {
            let back = parse_number(&number(n)).unwrap();
            prop_assert!((back - n).abs() < 0.001);
        }
    }
}
