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
}
