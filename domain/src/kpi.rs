//! The coach pack's 35 KPIs, computed from per-day counters (see
//! `setter_daily`). Pure: the server sums the days of the period and calls
//! [`coach_kpis`]; the same definitions are documented in docs/features/dashboards.md.
//!
//! Counting rules. Volumes (messages, leads, steps reached, wins, losses,
//! revenue) count on the Paris day they happened. Statuses (`new_leads`,
//! `engaged_leads`, `leads_follow_up`), demographics and captured emails
//! describe the leads *created* in the period. A reply counts for the
//! outgoing message it answers: the lead's latest message sent at or before
//! it, whatever order the messages arrived in. The funnel's rates are on one
//! cohort, the period's leads (`Cohort*` counters: how many of the leads
//! created that day ever reached a step), so none can exceed 100 %.

use serde::{Deserialize, Serialize};

macro_rules! counters {
    ($($name:ident = $col:literal,)*) => {
        /// One counter of the per-day aggregates (a `setter_daily` column).
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        pub enum Counter { $($name,)* }

        /// Column names, in [`Counter`] order.
        pub const COUNTER_COLUMNS: &[&str] = &[$($col,)*];
    };
}

counters! {
    LeadsNew = "leads_new",
    MsgOut = "msg_out",
    MsgIn = "msg_in",
    M1Sent = "m1_sent",
    M2Sent = "m2_sent",
    M3Sent = "m3_sent",
    M4Sent = "m4_sent",
    M1Replied = "m1_replied",
    M2Replied = "m2_replied",
    M3Replied = "m3_replied",
    M4Replied = "m4_replied",
    Qualified = "qualified",
    CallsProposed = "calls_proposed",
    CallsBooked = "calls_booked",
    Won = "won",
    Lost = "lost",
    RevenueCents = "revenue_cents",
    TtaSumMinutes = "tta_sum_minutes",
    TtaCount = "tta_count",
    WithEmail = "with_email",
    Male = "male",
    Female = "female",
    OtherGender = "other_gender",
    AgeSum = "age_sum",
    AgeCount = "age_count",
    StNew = "st_new",
    StEngaged = "st_engaged",
    StQualified = "st_qualified",
    StCallProposed = "st_call_proposed",
    StCallBooked = "st_call_booked",
    StWon = "st_won",
    StLost = "st_lost",
    StFollowUp = "st_follow_up",
    // Among the leads created that day: how many reached each step (ever).
    CohortQualified = "c_qualified",
    CohortCallProposed = "c_call_proposed",
    CohortCallBooked = "c_call_booked",
    CohortWon = "c_won",
    CohortLost = "c_lost",
    RH00 = "r_h00", RH01 = "r_h01", RH02 = "r_h02", RH03 = "r_h03", RH04 = "r_h04", RH05 = "r_h05",
    RH06 = "r_h06", RH07 = "r_h07", RH08 = "r_h08", RH09 = "r_h09", RH10 = "r_h10", RH11 = "r_h11",
    RH12 = "r_h12", RH13 = "r_h13", RH14 = "r_h14", RH15 = "r_h15", RH16 = "r_h16", RH17 = "r_h17",
    RH18 = "r_h18", RH19 = "r_h19", RH20 = "r_h20", RH21 = "r_h21", RH22 = "r_h22", RH23 = "r_h23",
}

/// Number of counters.
pub const COUNTERS: usize = COUNTER_COLUMNS.len();

/// Replies received at an hour of the day (Paris time), `0..24`.
pub fn reply_hour(hour: u32) -> Counter {
    const HOURS: [Counter; 24] = [
        Counter::RH00,
        Counter::RH01,
        Counter::RH02,
        Counter::RH03,
        Counter::RH04,
        Counter::RH05,
        Counter::RH06,
        Counter::RH07,
        Counter::RH08,
        Counter::RH09,
        Counter::RH10,
        Counter::RH11,
        Counter::RH12,
        Counter::RH13,
        Counter::RH14,
        Counter::RH15,
        Counter::RH16,
        Counter::RH17,
        Counter::RH18,
        Counter::RH19,
        Counter::RH20,
        Counter::RH21,
        Counter::RH22,
        Counter::RH23,
    ];
    HOURS[(hour as usize).min(23)]
}

/// Sums (or deltas) of every counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals(pub Vec<i64>);

impl Default for Totals {
    fn default() -> Self {
        Totals(vec![0; COUNTERS])
    }
}

impl Totals {
    /// One counter.
    pub fn get(&self, c: Counter) -> i64 {
        self.0[c as usize]
    }

    /// Adds to one counter.
    pub fn add(&mut self, c: Counter, n: i64) {
        self.0[c as usize] += n;
    }

    /// Adds every counter of another.
    pub fn merge(&mut self, other: &Totals) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    /// Whether every counter is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|n| *n == 0)
    }
}

/// The assumptions behind the estimated KPIs (workspace settings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimates {
    /// Share of qualified prospects who get the lead magnet, in %.
    pub lead_magnet_pct: i32,
    /// Share of booked calls that do not happen, in %.
    pub no_show_pct: i32,
    /// Share of conversations the AI setter handles without the coach, in %.
    pub ai_efficiency_pct: i32,
    /// Minutes a person would spend writing one DM.
    pub minutes_per_message: i32,
    /// What the setter costs per month (tool, ads), in cents.
    pub monthly_cost_cents: i64,
}

impl Default for Estimates {
    fn default() -> Self {
        Estimates {
            lead_magnet_pct: 75,
            no_show_pct: 17,
            ai_efficiency_pct: 94,
            minutes_per_message: 3,
            monthly_cost_cents: 0,
        }
    }
}

impl Estimates {
    /// The first invalid setting, as (field, French message).
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let pct = |v: i32| (0..=100).contains(&v);
        if !pct(self.lead_magnet_pct) {
            return Err(("lead_magnet_pct", "Entre 0 et 100 %."));
        }
        if !pct(self.no_show_pct) {
            return Err(("no_show_pct", "Entre 0 et 100 %."));
        }
        if !pct(self.ai_efficiency_pct) {
            return Err(("ai_efficiency_pct", "Entre 0 et 100 %."));
        }
        if !(0..=120).contains(&self.minutes_per_message) {
            return Err(("minutes_per_message", "Entre 0 et 120 minutes."));
        }
        if !(0..=100_000_000).contains(&self.monthly_cost_cents) {
            return Err(("monthly_cost", "Entre 0 et 1 000 000 €."));
        }
        Ok(())
    }
}

/// How a KPI's number reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// A count.
    Count,
    /// A percentage (0–100).
    Percent,
    /// Euro cents.
    Cents,
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Years of age.
    Years,
    /// An hour of the day (0–23).
    HourOfDay,
    /// A ratio with one decimal.
    Ratio,
}

/// A response-rate badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Badge {
    /// 60 % and more.
    Excellent,
    /// 40–59 %.
    Good,
    /// Under 40 %.
    ToImprove,
}

impl Badge {
    /// The badge of a response rate, in %.
    pub fn of_rate(rate: f64) -> Badge {
        if rate >= 60.0 {
            Badge::Excellent
        } else if rate >= 40.0 {
            Badge::Good
        } else {
            Badge::ToImprove
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Badge::Excellent => "Excellent",
            Badge::Good => "Bon",
            Badge::ToImprove => "À améliorer",
        }
    }
}

/// One KPI tile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// Stable snake_case key (`data-kpi`).
    pub key: String,
    /// French label.
    pub label: String,
    /// Section 1–6 of the coach dashboard (0 for other packs).
    pub section: u8,
    /// The raw number; `None` when it cannot be computed (division by zero).
    pub value: Option<f64>,
    /// How to read it.
    pub unit: Unit,
    /// For an estimate: the assumption it rests on.
    pub estimate: Option<String>,
    /// Response-rate badge.
    pub badge: Option<Badge>,
    /// Extra line (a weekday, a share…).
    pub detail: Option<String>,
}

impl Kpi {
    /// A measured KPI.
    pub fn new(key: &str, label: &str, section: u8, value: Option<f64>, unit: Unit) -> Kpi {
        Kpi {
            key: key.into(),
            label: label.into(),
            section,
            value,
            unit,
            estimate: None,
            badge: None,
            detail: None,
        }
    }

    /// The value as the tile shows it, in French.
    pub fn display(&self) -> String {
        let Some(v) = self.value else {
            return "—".into();
        };
        match self.unit {
            Unit::Count => group(v.round() as i64),
            Unit::Percent => format!("{} %", one_decimal(v)),
            Unit::Cents => super::money::format_eur(v.round() as i64),
            Unit::Minutes if v >= 120.0 => format!("{} h", one_decimal(v / 60.0)),
            Unit::Minutes => format!("{} min", v.round() as i64),
            Unit::Hours => format!("{} h", group(v.round() as i64)),
            Unit::Years => format!("{} ans", one_decimal(v)),
            Unit::HourOfDay => format!("{} h", v as i64),
            Unit::Ratio => one_decimal(v),
        }
    }
}

/// `12 345` with a narrow no-break space.
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `12,5` (French decimal comma, one decimal, none when whole).
pub fn one_decimal(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        group(r as i64)
    } else {
        format!("{:.1}", r).replace('.', ",")
    }
}

/// `part / whole × 100`, `None` when `whole` is zero.
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// `a / b`, `None` when `b` is zero.
pub fn ratio(a: i64, b: i64) -> Option<f64> {
    (b != 0).then(|| a as f64 / b as f64)
}

/// French weekday names, Monday first (index = `weekday().num_days_from_monday()`).
pub const WEEKDAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/// The busiest (weekday, hour) of a replies heat map, `None` when empty.
/// Ties go to the earliest weekday, then hour.
pub fn best_slot(heat: &[[i64; 24]; 7]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, i64)> = None;
    for (d, row) in heat.iter().enumerate() {
        for (h, n) in row.iter().enumerate() {
            if *n > 0 && best.is_none_or(|(_, _, b)| *n > b) {
                best = Some((d, h, *n));
            }
        }
    }
    best.map(|(d, h, _)| (d, h))
}

/// What the KPIs of a period need besides the summed counters.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodFacts {
    /// Leads created today (Paris), whatever the period.
    pub leads_today: i64,
    /// Days in the period (for the prorated monthly cost).
    pub days: i64,
    /// Replies by (weekday, hour) over the period.
    pub heat: [[i64; 24]; 7],
}

/// The 35 KPIs of the coach pack, in section order.
pub fn coach_kpis(t: &Totals, facts: &PeriodFacts, est: &Estimates) -> Vec<Kpi> {
    use Counter as C;
    let g = |c: Counter| t.get(c);
    let leads = g(C::LeadsNew);
    let mut k = Vec::with_capacity(35);
    // 1. Activity and volume.
    k.push(Kpi::new(
        "messages_sent",
        "Messages envoyés",
        1,
        Some(g(C::MsgOut) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new("total_leads", "Leads", 1, Some(leads as f64), Unit::Count));
    k.push(Kpi::new(
        "leads_today",
        "Leads aujourd'hui",
        1,
        Some(facts.leads_today as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "avg_messages_per_lead",
        "Messages par lead",
        1,
        ratio(g(C::MsgOut) + g(C::MsgIn), leads),
        Unit::Ratio,
    ));
    k.push(Kpi::new(
        "avg_time_to_action_minutes",
        "Délai moyen jusqu'au call",
        1,
        ratio(g(C::TtaSumMinutes), g(C::TtaCount)),
        Unit::Minutes,
    ));
    // 2. Response rates.
    let rates = [
        (C::M1Sent, C::M1Replied, "1er"),
        (C::M2Sent, C::M2Replied, "2e"),
        (C::M3Sent, C::M3Replied, "3e"),
        (C::M4Sent, C::M4Replied, "4e"),
    ];
    for (i, (sent, replied, nth)) in rates.into_iter().enumerate() {
        let mut kpi = Kpi::new(
            &format!("response_rate_msg{}", i + 1),
            &format!("Réponse au {nth} message"),
            2,
            pct(g(replied), g(sent)),
            Unit::Percent,
        );
        kpi.badge = kpi.value.map(Badge::of_rate);
        kpi.detail = Some(format!("{} réponses sur {} envois", group(g(replied)), group(g(sent))));
        k.push(kpi);
    }
    // 3. Qualification and conversion.
    let qualified = g(C::Qualified);
    k.push(Kpi::new(
        "qualified_leads",
        "Prospects qualifiés",
        3,
        Some(qualified as f64),
        Unit::Count,
    ));
    // The funnel's rates are all on one cohort, the period's leads (each
    // counted once, whenever it reached the step): never above 100 %.
    let cohort_rate = |key: &str, label: &str, section: u8, part: Counter, whole: Counter, of: &str| {
        let mut kpi = Kpi::new(key, label, section, pct(g(part), g(whole)), Unit::Percent);
        kpi.detail = Some(format!("{} sur {} {of}", group(g(part)), group(g(whole))));
        kpi
    };
    k.push(cohort_rate(
        "qualification_rate",
        "Taux de qualification",
        3,
        C::CohortQualified,
        C::LeadsNew,
        "leads de la période",
    ));
    let mut magnets = Kpi::new(
        "lead_magnets_sent",
        "Lead magnets envoyés",
        3,
        Some((qualified as f64 * est.lead_magnet_pct as f64 / 100.0).round()),
        Unit::Count,
    );
    magnets.estimate = Some(format!("Estimation : {} % des qualifiés", est.lead_magnet_pct));
    k.push(magnets);
    k.push(Kpi::new(
        "emails_captured",
        "Emails capturés",
        3,
        Some(g(C::WithEmail) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "calls_proposed",
        "Calls proposés",
        3,
        Some(g(C::CallsProposed) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "calls_booked",
        "Calls réservés",
        3,
        Some(g(C::CallsBooked) as f64),
        Unit::Count,
    ));
    k.push(cohort_rate(
        "call_booking_rate",
        "Calls réservés / proposés",
        3,
        C::CohortCallBooked,
        C::CohortCallProposed,
        "leads de la période à qui un call a été proposé",
    ));
    k.push(cohort_rate(
        "call_conversion_rate",
        "Conversion des calls",
        3,
        C::CohortWon,
        C::CohortCallBooked,
        "leads de la période ayant réservé un call",
    ));
    let mut no_show = Kpi::new(
        "no_show_estimate",
        "No-show estimés",
        3,
        Some((g(C::CallsBooked) as f64 * est.no_show_pct as f64 / 100.0).round()),
        Unit::Count,
    );
    no_show.estimate = Some(format!("Estimation : {} % des calls réservés", est.no_show_pct));
    k.push(no_show);
    // 4. Demographics (leads created in the period).
    let known = g(C::Male) + g(C::Female) + g(C::OtherGender);
    k.push(Kpi::new(
        "male_share",
        "Hommes",
        4,
        pct(g(C::Male), known),
        Unit::Percent,
    ));
    k.push(Kpi::new(
        "female_share",
        "Femmes",
        4,
        pct(g(C::Female), known),
        Unit::Percent,
    ));
    k.push(Kpi::new(
        "other_share",
        "Autre",
        4,
        pct(g(C::OtherGender), known),
        Unit::Percent,
    ));
    k.push(Kpi::new(
        "avg_age",
        "Âge moyen",
        4,
        ratio(g(C::AgeSum), g(C::AgeCount)),
        Unit::Years,
    ));
    // 5. Pipeline and follow-ups.
    k.push(Kpi::new(
        "new_leads",
        "Leads nouveaux",
        5,
        Some(g(C::StNew) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "engaged_leads",
        "Leads engagés",
        5,
        Some(g(C::StEngaged) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "leads_won",
        "Leads gagnés",
        5,
        Some(g(C::Won) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "leads_lost",
        "Leads perdus",
        5,
        Some(g(C::Lost) as f64),
        Unit::Count,
    ));
    k.push(cohort_rate(
        "lost_rate",
        "Taux de perte",
        5,
        C::CohortLost,
        C::LeadsNew,
        "leads de la période",
    ));
    k.push(Kpi::new(
        "leads_follow_up",
        "Leads à relancer",
        5,
        Some(g(C::StFollowUp) as f64),
        Unit::Count,
    ));
    k.push(Kpi::new(
        "follow_up_rate",
        "Part à relancer",
        5,
        pct(g(C::StFollowUp), leads),
        Unit::Percent,
    ));
    // 6. Performance and ROI.
    let revenue = g(C::RevenueCents);
    let cost = est.monthly_cost_cents as f64 * facts.days as f64 / 30.0;
    k.push(Kpi::new(
        "revenue",
        "Revenus générés",
        6,
        Some(revenue as f64),
        Unit::Cents,
    ));
    let mut cac = Kpi::new(
        "acquisition_cost",
        "Coût d'acquisition client",
        6,
        (g(C::Won) > 0 && est.monthly_cost_cents > 0).then(|| cost / g(C::Won) as f64),
        Unit::Cents,
    );
    cac.estimate = Some(format!(
        "Coût mensuel déclaré {} × {} j / 30, par client gagné",
        super::money::format_eur(est.monthly_cost_cents),
        facts.days
    ));
    k.push(cac);
    let mut roi = Kpi::new(
        "roi_percent",
        "ROI",
        6,
        (cost > 0.0).then(|| (revenue as f64 - cost) * 100.0 / cost),
        Unit::Percent,
    );
    roi.estimate = Some("(revenus − coût de la période) / coût".into());
    k.push(roi);
    let mut ai = Kpi::new(
        "ai_efficiency",
        "Efficacité IA",
        6,
        Some(est.ai_efficiency_pct as f64),
        Unit::Percent,
    );
    ai.estimate = Some("Valeur déclarée dans les réglages, non mesurée".into());
    k.push(ai);
    let mut saved = Kpi::new(
        "hours_saved",
        "Temps gagné",
        6,
        Some(g(C::MsgOut) as f64 * est.minutes_per_message as f64 / 60.0),
        Unit::Hours,
    );
    saved.estimate = Some(format!(
        "Estimation : {} min par message envoyé",
        est.minutes_per_message
    ));
    k.push(saved);
    let slot = best_slot(&facts.heat);
    let mut best = Kpi::new(
        "best_hour",
        "Meilleur moment",
        6,
        slot.map(|(_, h)| h as f64),
        Unit::HourOfDay,
    );
    best.detail = slot.map(|(d, _)| format!("le {} (réponses reçues)", WEEKDAYS[d]));
    k.push(best);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PeriodFacts {
        PeriodFacts {
            leads_today: 2,
            days: 30,
            heat: [[0; 24]; 7],
        }
    }

    #[test]
    fn there_are_35_distinct_kpis_in_six_sections() {
        let k = coach_kpis(&Totals::default(), &facts(), &Estimates::default());
        assert_eq!(k.len(), 35);
        let mut keys: Vec<_> = k.iter().map(|k| k.key.clone()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 35);
        for s in 1..=6 {
            assert!(k.iter().any(|k| k.section == s), "section {s}");
        }
    }

    #[test]
    fn rates_divide_and_empty_ones_are_none() {
        let mut t = Totals::default();
        t.add(Counter::M1Sent, 10);
        t.add(Counter::M1Replied, 6);
        t.add(Counter::M2Sent, 5);
        t.add(Counter::M2Replied, 2);
        let k = coach_kpis(&t, &facts(), &Estimates::default());
        let get = |key: &str| k.iter().find(|k| k.key == key).unwrap().clone();
        assert_eq!(get("response_rate_msg1").value, Some(60.0));
        assert_eq!(get("response_rate_msg1").badge, Some(Badge::Excellent));
        assert_eq!(get("response_rate_msg2").badge, Some(Badge::Good));
        assert_eq!(get("response_rate_msg3").value, None);
        assert_eq!(get("qualification_rate").value, None);
        assert_eq!(get("roi_percent").value, None);
    }

    #[test]
    fn funnel_rates_are_on_the_period_cohort() {
        // A short period: more steps reached in it (by leads of earlier days)
        // than leads created in it. The rates stay on the period's leads.
        let mut t = Totals::default();
        t.add(Counter::LeadsNew, 4);
        t.add(Counter::Qualified, 8);
        t.add(Counter::CallsProposed, 6);
        t.add(Counter::CallsBooked, 6);
        t.add(Counter::Won, 5);
        t.add(Counter::Lost, 9);
        t.add(Counter::CohortQualified, 3);
        t.add(Counter::CohortCallProposed, 2);
        t.add(Counter::CohortCallBooked, 1);
        t.add(Counter::CohortWon, 1);
        t.add(Counter::CohortLost, 1);
        let k = coach_kpis(&t, &facts(), &Estimates::default());
        let get = |key: &str| k.iter().find(|k| k.key == key).unwrap().clone();
        assert_eq!(get("qualification_rate").value, Some(75.0));
        assert_eq!(get("call_booking_rate").value, Some(50.0));
        assert_eq!(get("call_conversion_rate").value, Some(100.0));
        assert_eq!(get("lost_rate").value, Some(25.0));
        assert_eq!(
            get("qualification_rate").detail.as_deref(),
            Some("3 sur 4 leads de la période")
        );
        // The activity counts stay what happened in the period.
        assert_eq!(get("qualified_leads").value, Some(8.0));
        assert_eq!(get("calls_booked").value, Some(6.0));
    }

    #[test]
    fn estimates_follow_their_settings() {
        let mut t = Totals::default();
        t.add(Counter::Qualified, 20);
        t.add(Counter::CallsBooked, 100);
        t.add(Counter::MsgOut, 600);
        t.add(Counter::Won, 4);
        t.add(Counter::RevenueCents, 400_000);
        let est = Estimates {
            monthly_cost_cents: 100_000,
            ..Estimates::default()
        };
        let k = coach_kpis(&t, &facts(), &est);
        let get = |key: &str| k.iter().find(|k| k.key == key).unwrap().value;
        assert_eq!(get("lead_magnets_sent"), Some(15.0));
        assert_eq!(get("no_show_estimate"), Some(17.0));
        assert_eq!(get("hours_saved"), Some(30.0));
        assert_eq!(get("acquisition_cost"), Some(25_000.0));
        assert_eq!(get("roi_percent"), Some(300.0));
    }

    #[test]
    fn the_best_slot_is_the_busiest_cell() {
        let mut heat = [[0; 24]; 7];
        assert_eq!(best_slot(&heat), None);
        heat[1][18] = 5;
        heat[4][9] = 5;
        heat[2][20] = 3;
        assert_eq!(best_slot(&heat), Some((1, 18)));
    }

    #[test]
    fn numbers_read_in_french() {
        assert_eq!(group(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(one_decimal(12.345), "12,3");
        assert_eq!(one_decimal(40.0), "40");
        let k = Kpi::new("x", "x", 1, Some(150.0), Unit::Minutes);
        assert_eq!(k.display(), "2,5 h");
    }
}
