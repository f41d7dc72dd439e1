//! Times as unix seconds: parsing `--now`, formatting dates. Certificate times are only ever
//! compared, never added to (x509 time arithmetic near 9999-12-31 has panicked before).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The current time (unix seconds).
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Parses an RFC 3339 time such as `2026-12-01T00:00:00Z`.
pub fn parse_rfc3339(s: &str) -> Result<i64, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339).map(|t| t.unix_timestamp())
}

/// Parses a time given on the command line: an RFC 3339 time, or a plain date `2026-12-01`
/// (midnight UTC).
pub fn parse_time_or_date(s: &str) -> Result<i64, String> {
    let s = s.trim();
    match date_fields(s) {
        Some((year, month, day)) => time::Month::try_from(month)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(year, m, day).ok())
            .map(|d| d.midnight().assume_utc().unix_timestamp())
            .ok_or_else(|| format!("{s} is not a day of the calendar")),
        None => parse_rfc3339(s).map_err(|e| e.to_string()),
    }
}

/// Year, month and day of a string of exactly the form `YYYY-MM-DD`.
fn date_fields(s: &str) -> Option<(i32, u8, u8)> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    Some((
        s[..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..].parse().ok()?,
    ))
}

/// RFC 3339 in UTC (`2026-12-01T00:00:00Z`); out-of-range values print as the number.
pub fn format_rfc3339(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_else(|| t.to_string())
}

/// The date part (`2026-12-01`).
pub fn format_date(t: i64) -> String {
    let s = format_rfc3339(t);
    s.get(..10).map_or(s.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_handles_the_far_future() {
        let t = super::parse_rfc3339("2026-12-01T00:00:00Z").expect("valid");
        assert_eq!(super::format_rfc3339(t), "2026-12-01T00:00:00Z");
        let end = super::parse_rfc3339("9999-12-31T23:59:59Z").expect("valid");
        assert_eq!(super::format_date(end), "9999-12-31");
        assert!(super::parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn a_plain_date_is_midnight_utc() {
        let midnight = super::parse_rfc3339("2026-12-01T00:00:00Z").expect("valid");
        assert_eq!(super::parse_time_or_date("2026-12-01"), Ok(midnight));
        assert_eq!(
            super::parse_time_or_date("2026-12-01T01:00:00+01:00"),
            Ok(midnight)
        );
        assert_eq!(
            super::parse_time_or_date("2024-02-29").map(super::format_rfc3339),
            Ok("2024-02-29T00:00:00Z".to_string())
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "+026-12-01",
            "2026-12-01x",
            "yesterday",
        ] {
            assert!(super::parse_time_or_date(bad).is_err(), "{bad}");
        }
    }
}
