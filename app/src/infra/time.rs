//! Times are stored in UTC and shown in Europe/Paris.

use chrono::{DateTime, DurationRound, NaiveDate, TimeDelta, Utc};
use chrono_tz::Europe::Paris;

/// Now, truncated to the microsecond so it survives a round trip through
/// PostgreSQL unchanged (hashes of audit events depend on it).
pub fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or_else(|_| Utc::now())
}

/// `21/11/2026 18:05` in Paris time.
pub fn display(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}

/// `21/11/2026 18:05:09` in Paris time.
pub fn display_seconds(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris).format("%d/%m/%Y %H:%M:%S").to_string()
}

/// The Paris calendar day of an instant: day filters (audit trail) are Paris
/// days, so 23:30 UTC in winter is already the next day.
pub fn paris_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Paris).date_naive()
}

/// A stable, sortable UTC representation (RFC 3339, microseconds, `Z`).
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn paris_time_follows_daylight_saving() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(display(winter), "15/01/2026 13:00");
        assert_eq!(display(summer), "15/07/2026 14:00");
    }

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_paris() {
        let late = Utc.with_ymd_and_hms(2026, 11, 21, 23, 30, 0).unwrap();
        assert_eq!(paris_day(late), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    }
}
