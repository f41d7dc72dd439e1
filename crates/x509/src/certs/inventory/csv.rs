//! `Export-Csv` inventories: the delimiter told by the header, `#TYPE` lines skipped, rows with
//! their line numbers.

use super::{Cell, InventoryError, RawRow, RowLocation};
use std::path::Path;

/// The field delimiter of a CSV text, told by its header line: `,` (`Export-Csv`), `;`
/// (`Export-Csv -UseCulture` on a German or French Windows) or tab, whichever separates the
/// most fields outside quotes; `,` when none does.
pub(super) fn delimiter_of(body: &str) -> u8 {
    let header = body.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    // Ties go to the first: the comma.
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    best.0
}

pub(super) fn csv_rows(
    path: &Path,
    text: &str,
) -> Result<(Vec<String>, usize, Vec<RawRow>), InventoryError> {
    // Windows PowerShell 5 writes `#TYPE Selected.Microsoft...` first unless -NoTypeInformation.
    let (body, skipped) = match text.split_once('\n') {
        Some((first, rest)) if first.trim_start().starts_with("#TYPE") => (rest, 1),
        _ if text.trim_start().starts_with("#TYPE") => ("", 1),
        _ => (text, 0),
    };
    // Lines from byte offsets (the csv crate counts a CRLF record's line before its LF).
    let mut counted = (0usize, 1usize); // (byte, line) reached so far
    let mut line_at = |byte: u64| -> usize {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(body.len());
        // A record's position may point at the line end before it.
        while matches!(body.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte < counted.0 {
            counted = (0, 1);
        }
        let newlines = body.as_bytes()[counted.0..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = (byte, counted.1 + newlines);
        counted.1 + skipped
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(delimiter_of(body))
        .from_reader(body.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => {
            return Err(InventoryError::Csv {
                path: path.to_path_buf(),
                line: 1 + skipped,
                detail: e.to_string(),
            })
        }
    };
    let header_line = 1 + skipped;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                return Err(InventoryError::Csv {
                    path: path.to_path_buf(),
                    line,
                    detail: e.to_string(),
                });
            }
        };
        let line = rec.position().map_or(0, |p| line_at(p.byte()));
        let cells = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.to_ascii_lowercase(), Cell::Text(v.to_string())))
            .collect();
        rows.push(RawRow {
            location: RowLocation::Line(line),
            cells,
        });
    }
    Ok((headers, header_line, rows))
}
