//! `manifest.csv`: one row per endpoint a fetch tried, written next to the certificates and
//! read back by `check --certs DIR`, so that a fetched folder gives the same findings (its
//! unreachable endpoints included) as the fetch itself.
//!
//! Columns: `server, port, usage, address, time, result, thumbprint, port_from, detail`;
//! `result` is `ok` or a [`Cause`] id, `time` is RFC 3339 (UTC), `usage` is `default`,
//! `webservicesinternal` or `webservicesexternal`, `port_from` is `topology`, `default` or
//! `option`. `thumbprint` is the presented leaf's: of the certificate used when `result` is
//! `ok`, of the unproven evidence when it is `no-key-proof`.
//!
//! No raw control character is written: in `server` and `detail`, control characters are
//! written as `\u{..}` by [`crate::escape::terminal`] and a backslash as `\u{5c}`,
//! so the text reads back exactly.

use super::capture::{Cause, EndpointRecord, Failure};
use super::endpoints::PortFrom;
#[cfg(test)]
use crate::certs::Usage;
use crate::certs::{CertLoadError, CertStore, Unreadable};
use std::path::Path;

/// The file name, at the top of a fetched folder.
pub const FILE_NAME: &str = crate::certs::endpoint::MANIFEST_FILE_NAME;

/// The columns, in order.
pub const COLUMNS: [&str; 9] = [
    "server",
    "port",
    "usage",
    "address",
    "time",
    "result",
    "thumbprint",
    "port_from",
    "detail",
];

/// Largest manifest read, in bytes (16 MiB: about 100,000 endpoints).
pub const MAX_SIZE: u64 = 16 * 1024 * 1024;

/// The CSV text of the records.
pub fn to_csv(records: &[EndpointRecord]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for r in records {
        let (result, thumbprint, detail) = match &r.result {
            Ok(t) => ("ok", t.as_str(), String::new()),
            Err(f) => (
                f.cause.id(),
                f.presented.as_deref().unwrap_or_default(),
                escape(&f.detail),
            ),
        };
        let _ = w.write_record([
            escape(&r.server).as_str(),
            &r.port.to_string(),
            r.usage.key(),
            &r.address.map(|a| a.to_string()).unwrap_or_default(),
            &crate::time::format_rfc3339(r.time),
            result,
            thumbprint,
            r.port_from.as_str(),
            &detail,
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Text without raw control characters: control characters as `\u{..}` (the terminal
/// escaping), and the backslash as `\u{5c}` so that [`unescape`] gives the text back.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c == '\\' {
            out.push_str("\\u{5c}");
        } else {
            out.push_str(&crate::escape::terminal(c.encode_utf8(&mut buf)));
        }
    }
    out
}

/// The text [`escape`] was given: every `\u{HEX}` becomes its character.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|end| {
            let c = u32::from_str_radix(&after[..end], 16)
                .ok()
                .and_then(char::from_u32)?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads one row (the columns in [`COLUMNS`] order).
fn record(row: &csv::StringRecord) -> Result<EndpointRecord, String> {
    let col = |i: usize| row.get(i).unwrap_or_default().trim();
    if row.len() < COLUMNS.len() {
        return Err(format!("{} columns, {} expected", row.len(), COLUMNS.len()));
    }
    let port = match col(1).parse::<u16>() {
        Ok(p) if p > 0 => p,
        _ => return Err(format!("port {:?} is not a TCP port", col(1))),
    };
    let usage = super::endpoints::fetched_usage(col(2))
        .ok_or_else(|| format!("usage {:?} is unknown", col(2)))?;
    let address = match col(3) {
        "" => None,
        a => Some(
            a.parse()
                .map_err(|_| format!("address {a:?} is not IP:PORT"))?,
        ),
    };
    let time = crate::time::parse_rfc3339(col(4))
        .map_err(|_| format!("time {:?} is not RFC 3339", col(4)))?;
    let result = match col(5) {
        "ok" => Ok(col(6).to_string()),
        other => {
            let cause =
                Cause::from_id(other).ok_or_else(|| format!("result {other:?} is unknown"))?;
            Err(Failure {
                presented: Some(col(6).to_string()).filter(|t| !t.is_empty()),
                ..Failure::new(cause, unescape(col(8)))
            })
        }
    };
    let port_from =
        PortFrom::from_name(col(7)).ok_or_else(|| format!("port_from {:?} is unknown", col(7)))?;
    Ok(EndpointRecord {
        server: unescape(col(0)),
        port,
        usage,
        port_from,
        address,
        time,
        result,
    })
}

/// A manifest read: its records, and (line, problem) for every row that could not be read.
pub type Parsed = (Vec<EndpointRecord>, Vec<(u64, String)>);

/// Parses a manifest; `Err` when the header is not the manifest's.
pub fn parse(data: &[u8]) -> Result<Parsed, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let header = r.headers().map_err(|e| e.to_string())?;
    if header.iter().map(str::trim).ne(COLUMNS) {
        return Err(format!(
            "the header is not that of topocert fetch ({})",
            COLUMNS.join(",")
        ));
    }
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for row in r.records() {
        match row {
            Ok(row) => {
                let line = row.position().map_or(0, |p| p.line());
                match record(&row) {
                    Ok(rec) => records.push(rec),
                    Err(problem) => bad.push((line, problem)),
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push((line, e.to_string()));
            }
        }
    }
    Ok((records, bad))
}

/// Reads `dir/manifest.csv`, when there is one, into `store`'s endpoints; a manifest or row
/// that cannot be read is an unreadable entry (the other rows are used).
pub fn read_into(dir: &Path, store: &mut CertStore) {
    let path = dir.join(FILE_NAME);
    if std::fs::symlink_metadata(&path).is_err() {
        return;
    }
    let unreadable = |store: &mut CertStore, line: u64, problem: String| {
        store.unreadable.push(Unreadable {
            path: path.clone(),
            error: CertLoadError::Manifest {
                path: path.clone(),
                line,
                problem,
            },
        })
    };
    let data = match crate::input::read_file(&path, MAX_SIZE) {
        Ok(data) => data,
        Err(crate::input::ReadError::Io { cause, .. }) => {
            return unreadable(store, 0, cause.to_string())
        }
        Err(crate::input::ReadError::NotAFile { kind, .. }) => {
            return unreadable(store, 0, format!("{}, not a regular file", kind.describe()))
        }
        Err(crate::input::ReadError::TooLarge { .. }) => {
            return unreadable(store, 0, format!("larger than {MAX_SIZE} bytes"))
        }
    };
    match parse(&data) {
        Ok((records, bad)) => {
            store.endpoints.extend(records);
            for (line, problem) in bad {
                unreadable(store, line, problem);
            }
        }
        Err(problem) => unreadable(store, 1, problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(server: &str, result: Result<String, Failure>) -> EndpointRecord {
        EndpointRecord {
            server: server.to_string(),
            port: 5061,
            usage: Usage::Default,
            port_from: PortFrom::Default,
            address: Some("127.0.0.1:5061".parse().expect("addr")),
            time: 1_800_000_000,
            result,
        }
    }

    #[test]
    fn records_round_trip_through_the_csv() {
        let records = vec![
            rec("fe01.fabrikam.com", Ok("AB12".into())),
            rec(
                "pc01.fabrikam.com",
                Err(Failure::new(
                    Cause::TlsAlert,
                    "HandshakeFailure, \"quoted\"\nline",
                )),
            ),
            EndpointRecord {
                address: None,
                ..rec("../x,=cmd", Err(Failure::new(Cause::InvalidName, "")))
            },
            rec(
                "fe02.fabrikam.com",
                Err(Failure {
                    presented: Some("CD34".into()),
                    ..Failure::new(Cause::NoKeyProof, "invalid peer certificate: BadSignature")
                }),
            ),
            // control characters, a backslash and text that looks escaped
            rec(
                "x\u{1b}]8;;http://e\u{7}\u{9b}31m\u{202e}\\u{41}\\",
                Err(Failure::new(
                    Cause::InvalidName,
                    "bad \u{1b}[2J \\u{zz} \\u{",
                )),
            ),
        ];
        let text = to_csv(&records);
        assert!(
            text.starts_with("server,port,usage,address,time,result,thumbprint,port_from,detail\n")
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "no raw control character: {text:?}"
        );
        assert!(text.contains(",no-key-proof,CD34,"), "{text}");
        let (back, bad) = parse(text.as_bytes()).expect("a manifest");
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(back, records);
    }

    #[test]
    fn bad_rows_are_reported_and_the_others_kept() {
        let text = "server,port,usage,address,time,result,thumbprint,port_from,detail\n\
            fe01.fabrikam.com,5061,default,,2027-01-15T08:00:00Z,ok,AB,topology,\n\
            fe02.fabrikam.com,99999,default,,2027-01-15T08:00:00Z,ok,AB,topology,\n\
            fe03.fabrikam.com,443,sip,,2027-01-15T08:00:00Z,ok,AB,topology,\n\
            fe04.fabrikam.com,443,default,,yesterday,ok,AB,topology,\n\
            fe05.fabrikam.com,443,default,,2027-01-15T08:00:00Z,broken,,topology,\n\
            fe06.fabrikam.com,443\n";
        let (records, bad) = parse(text.as_bytes()).expect("a manifest");
        assert_eq!(records.len(), 1);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [3, 4, 5, 6, 7]);
        assert!(parse(b"name,value\nx,1\n").is_err());
        assert!(parse(b"").is_err());
    }
}
