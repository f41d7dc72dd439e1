//! The date formats `Get-CsCertificate` exports carry: `Export-Csv` writes the culture's
//! format (en-US `11/28/2026 3:51:56 PM`, en-GB `28/11/2026 15:51:56`, de-DE
//! `28.11.2026 15:51:56`), PowerShell 7 `ConvertTo-Json` ISO 8601, Windows PowerShell 5
//! `ConvertTo-Json` `/Date(1795000000000)/`.
//!
//! Times without an offset are local times of the server that exported them; they are read as
//! UTC (off by at most the server's UTC offset).

use thiserror::Error;
use time::{Date, Month, PrimitiveDateTime, Time};

/// Why a date cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateProblem {
    /// Not one of the supported formats.
    #[error("not a date in a supported format (11/28/2026 3:51:56 PM, 2026-11-28T15:51:56, 28.11.2026 15:51:56 or /Date(ms)/)")]
    Unrecognised,
    /// Day and month cannot be told apart.
    #[error("ambiguous date: {first}/{second} may be month/day (en-US) or day/month; export dates as ISO 8601 (see docs/inventory.md)")]
    Ambiguous {
        /// First number.
        first: u8,
        /// Second number.
        second: u8,
    },
    /// Numbers out of range (month 13, 31 February, hour 25).
    #[error("no such date or time")]
    OutOfRange,
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, DateProblem> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateProblem::Unrecognised);
    }
    s.parse().map_err(|_| DateProblem::Unrecognised)
}

fn ymd(y: i32, m: u8, d: u8) -> Result<Date, DateProblem> {
    let month = Month::try_from(m).map_err(|_| DateProblem::OutOfRange)?;
    Date::from_calendar_date(y, month, d).map_err(|_| DateProblem::OutOfRange)
}

/// `h:mm[:ss[.fff]]` plus an optional AM/PM, and whether a 12-hour marker was present.
fn clock(s: &str, ampm: Option<&str>) -> Result<Time, DateProblem> {
    let mut it = s.split(':');
    let h: u8 = num(it.next().unwrap_or(""))?;
    let mi: u8 = num(it.next().ok_or(DateProblem::Unrecognised)?)?;
    let sec: u8 = match it.next() {
        Some(x) => num(x.split('.').next().unwrap_or(""))?,
        None => 0,
    };
    if it.next().is_some() {
        return Err(DateProblem::Unrecognised);
    }
    let h = match ampm.map(str::to_ascii_uppercase).as_deref() {
        None => h,
        Some("AM") if (1..=12).contains(&h) => h % 12,
        Some("PM") if (1..=12).contains(&h) => h % 12 + 12,
        Some("AM" | "PM") => return Err(DateProblem::OutOfRange),
        Some(_) => return Err(DateProblem::Unrecognised),
    };
    Time::from_hms(h, mi, sec).map_err(|_| DateProblem::OutOfRange)
}

fn to_unix(d: Date, t: Time) -> i64 {
    PrimitiveDateTime::new(d, t).assume_utc().unix_timestamp()
}

/// `/Date(1795000000000)/` or `/Date(1795000000000+0100)/`: milliseconds since 1970 UTC.
fn ms_date(s: &str) -> Option<Result<i64, DateProblem>> {
    let inner = s.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(inner.len(), |(i, _)| i);
    let ms: Result<i64, _> = inner[..digits_end].parse();
    Some(
        ms.map(|ms| ms.div_euclid(1000))
            .map_err(|_| DateProblem::Unrecognised),
    )
}

/// ISO 8601: `2026-11-28T15:51:56`, with optional fraction and `Z`/`±hh:mm` offset, or a space
/// instead of `T`.
fn iso(s: &str) -> Result<i64, DateProblem> {
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let (d, t) = s
        .split_once('T')
        .or_else(|| s.split_once(' '))
        .unwrap_or((s, "0:00"));
    let mut p = d.split('-');
    let (y, m, dd) = (p.next(), p.next(), p.next());
    let (Some(y), Some(m), Some(dd), None) = (y, m, dd, p.next()) else {
        return Err(DateProblem::Unrecognised);
    };
    if y.len() != 4 {
        return Err(DateProblem::Unrecognised);
    }
    // An offset would have been read by the RFC 3339 parser; strip a bare `Z` here.
    let t = t.strip_suffix('Z').unwrap_or(t);
    Ok(to_unix(ymd(num(y)?, num(m)?, num(dd)?)?, clock(t, None)?))
}

/// `M/d/yyyy h:mm:ss AM` (en-US), `dd/MM/yyyy HH:mm:ss` when the day is over 12, and
/// `dd.MM.yyyy HH:mm:ss`.
fn culture(s: &str) -> Result<i64, DateProblem> {
    let mut words = s.split_whitespace();
    let d = words.next().ok_or(DateProblem::Unrecognised)?;
    let t = words.next().unwrap_or("0:00");
    let ampm = words.next();
    if words.next().is_some() {
        return Err(DateProblem::Unrecognised);
    }
    let (sep, dotted) = if d.contains('/') {
        ('/', false)
    } else if d.contains('.') {
        ('.', true)
    } else {
        return Err(DateProblem::Unrecognised);
    };
    let parts: Vec<&str> = d.split(sep).collect();
    let [a, b, y] = parts[..] else {
        return Err(DateProblem::Unrecognised);
    };
    let (a, b, y): (u8, u8, i32) = (num(a)?, num(b)?, num(y)?);
    if y < 1000 {
        return Err(DateProblem::Unrecognised);
    }
    let (month, day) = if dotted {
        (b, a)
    } else if ampm.is_some() {
        // A 12-hour clock with slashes: en-US month/day.
        (a, b)
    } else if a > 12 {
        (b, a)
    } else if b > 12 || a == b {
        (a, b)
    } else {
        return Err(DateProblem::Ambiguous {
            first: a,
            second: b,
        });
    };
    Ok(to_unix(ymd(y, month, day)?, clock(t, ampm)?))
}

/// Reads one date cell to unix seconds.
pub fn parse(cell: &str) -> Result<i64, DateProblem> {
    let s = cell.trim();
    if let Some(r) = ms_date(s) {
        return r;
    }
    if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        return iso(s);
    }
    culture(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_795_881_116; // 2026-11-28T15:51:56Z

    #[test]
    fn supported_formats() {
        assert_eq!(crate::time::format_rfc3339(T), "2026-11-28T15:51:56Z");
        for s in [
            "11/28/2026 3:51:56 PM",
            "2026-11-28T15:51:56",
            "2026-11-28T15:51:56Z",
            "2026-11-28T16:51:56+01:00",
            "2026-11-28T15:51:56.1234567",
            "2026-11-28 15:51:56",
            "28/11/2026 15:51:56",
            "28.11.2026 15:51:56",
            "/Date(1795881116000)/",
            "/Date(1795881116000+0100)/",
        ] {
            assert_eq!(parse(s), Ok(T), "{s}");
        }
        assert_eq!(parse("1/2/2026 12:00:00 AM"), parse("2026-01-02T00:00:00"));
        assert_eq!(parse("1/2/2026 12:30:00 PM"), parse("2026-01-02T12:30:00"));
    }

    #[test]
    fn ambiguous_and_bad_dates_are_rejected() {
        assert_eq!(
            parse("03/04/2026 10:00:00"),
            Err(DateProblem::Ambiguous {
                first: 3,
                second: 4
            })
        );
        assert_eq!(parse("2/30/2026 1:00:00 PM"), Err(DateProblem::OutOfRange));
        assert_eq!(parse("13/13/2026 10:00:00"), Err(DateProblem::OutOfRange));
        assert_eq!(
            parse("11/28/2026 13:00:00 PM"),
            Err(DateProblem::OutOfRange)
        );
        assert_eq!(parse("tomorrow"), Err(DateProblem::Unrecognised));
        assert_eq!(parse(""), Err(DateProblem::Unrecognised));
        assert_eq!(parse("/Date(abc)/"), Err(DateProblem::Unrecognised));
        assert_eq!(parse("11/28/26 3:51:56 PM"), Err(DateProblem::Unrecognised));
    }
}
