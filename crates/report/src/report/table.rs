//! A minimal plain-text table writer (column widths from content; cells may carry colour, which
//! takes no width), with a variant that fits a terminal width.

/// Columns are separated by this many spaces.
const GAP: usize = 2;

/// Narrowest the last column is wrapped to when the table must fit a width.
const MIN_LAST: usize = 16;

/// Widest a column is padded to: a longer cell (a name is never cut) runs past its column
/// instead of padding every other row, so padding stays bounded whatever the input.
pub(crate) const MAX_COLUMN: usize = 512;

/// Renders rows under a header, columns separated by two spaces, widths in terminal columns
/// (escape sequences count for nothing).
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(header, rows, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`], written to `out` line by line.
pub fn write(
    header: &[&str],
    rows: &[Vec<String>],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let widths = widths(&header, rows);
    write_lines(&header, rows, &widths, out)
}

/// [`render`] fitted to `width` columns: while the table is too wide, the columns listed in
/// `optional` are left out, in that order; if it is still too wide, the last column's cells are
/// wrapped at spaces (never inside a name) onto continuation lines.
pub(crate) fn render_within(
    header: &[&str],
    rows: &[Vec<String>],
    width: usize,
    optional: &[usize],
) -> String {
    let mut keep: Vec<usize> = (0..header.len()).collect();
    let project = |keep: &[usize]| -> (Vec<String>, Vec<Vec<String>>) {
        let h = keep.iter().map(|&i| header[i].to_string()).collect();
        let r = rows
            .iter()
            .map(|r| {
                keep.iter()
                    .map(|&i| r.get(i).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        (h, r)
    };
    let mut drop = optional.iter();
    let (header, rows) = loop {
        let (h, r) = project(&keep);
        if total(&widths(&h, &r)) <= width {
            break (h, r);
        }
        match drop.next() {
            Some(d) => keep.retain(|k| k != d),
            None => break (h, r),
        }
    };
    let mut w = widths(&header, &rows);
    let Some(last) = w.len().checked_sub(1) else {
        return String::new();
    };
    let over = total(&w).saturating_sub(width);
    if over == 0 {
        return lay_out(&header, &rows, &w);
    }
    w[last] = w[last].saturating_sub(over).max(MIN_LAST);
    let mut wrapped = Vec::with_capacity(rows.len());
    for r in &rows {
        let text = r.get(last).map_or("", String::as_str);
        let lines = crate::term::wrap(text, w[last]);
        for (k, piece) in lines.split('\n').enumerate() {
            let mut row: Vec<String> = if k == 0 {
                r[..last].to_vec()
            } else {
                vec![String::new(); last]
            };
            row.push(piece.to_string());
            wrapped.push(row);
        }
    }
    lay_out(&header, &wrapped, &widths(&header, &wrapped))
}

/// The width [`render`] lays `rows` out at under `header`, in terminal columns.
pub(crate) fn width_of(header: &[&str], rows: &[Vec<String>]) -> usize {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    total(&widths(&header, rows))
}

/// Each column's width: its widest cell, header included, at most [`MAX_COLUMN`].
fn widths(header: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = header
        .iter()
        .map(|h| crate::term::display_width(h))
        .collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(crate::term::display_width(c));
            }
        }
    }
    widths.iter_mut().for_each(|w| *w = (*w).min(MAX_COLUMN));
    widths
}

/// The width of a row laid out with `widths`.
fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
}

fn lay_out(header: &[String], rows: &[Vec<String>], widths: &[usize]) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_lines(header, rows, widths, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The lines of a table, written one by one.
fn write_lines(
    header: &[String],
    rows: &[Vec<String>],
    widths: &[usize],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        s.clear();
        for (i, c) in cells.enumerate() {
            if i > 0 {
                s.push_str(&" ".repeat(GAP));
            }
            s.push_str(c);
            let pad = widths[i].saturating_sub(crate::term::display_width(c));
            s.extend(std::iter::repeat_n(' ', pad));
        }
        out.write_all(s.trim_end().as_bytes())?;
        out.write_all(b"\n")
    };
    line(&mut header.iter().map(String::as_str))?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut rule.iter().map(String::as_str))?;
    for r in rows {
        line(&mut r.iter().map(String::as_str))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec![
                "lab09.fabrikam.com".into(),
                "file upload/download".into(),
                "wildcard-fabrikam.cer".into(),
                "not ready".into(),
                "wildcard-for-server-name, unreadable-certificate".into(),
            ],
            vec![
                "lab12.fabrikam.com".into(),
                "file upload/download".into(),
                "lab12.fabrikam.com.cer".into(),
                "ready".into(),
                "-".into(),
            ],
        ]
    }
    const HEADER: [&str; 5] = ["SERVER", "KIND", "CERTIFICATE", "STATUS", "FINDINGS"];

    #[test]
    fn a_table_that_fits_is_laid_out_as_render_does() {
        assert_eq!(
            render_within(&HEADER, &rows(), 200, &[2]),
            render(&HEADER, &rows())
        );
    }

    #[test]
    fn at_80_and_100_columns_optional_columns_go_then_the_last_one_wraps() {
        for width in [80, 100] {
            let out = render_within(&HEADER, &rows(), width, &[2]);
            for line in out.lines() {
                assert!(line.chars().count() <= width, "{width}: {line}\n{out}");
            }
            // Names are never split.
            for name in [
                "wildcard-for-server-name,",
                "unreadable-certificate",
                "lab09.fabrikam.com",
            ] {
                assert!(out.split_whitespace().any(|w| w == name), "{name}\n{out}");
            }
        }
        let narrow = render_within(&HEADER, &rows(), 80, &[2]);
        assert!(!narrow.contains("CERTIFICATE"), "{narrow}");
        let lines: Vec<&str> = narrow.lines().collect();
        assert!(lines[2].ends_with("wildcard-for-server-name,"), "{narrow}");
        assert!(
            lines[3].trim_start() == "unreadable-certificate",
            "{narrow}"
        );
        // Without optional columns the table keeps them all and wraps the last one; a name
        // wider than the room left stays whole, past the edge.
        let all = render_within(&HEADER, &rows(), 100, &[]);
        assert!(all.contains("CERTIFICATE"), "{all}");
        let lines: Vec<&str> = all.lines().collect();
        assert!(lines[2].ends_with(" wildcard-for-server-name,"), "{all}");
        assert!(lines[3].trim_start() == "unreadable-certificate", "{all}");
    }

    #[test]
    fn a_huge_cell_stays_whole_and_pads_nothing_else() {
        let huge = "x".repeat(100_000);
        let rows = vec![
            vec![huge.clone(), "a".into(), "end".into()],
            vec!["short".into(), "b".into(), "end".into()],
        ];
        let out = render(&["NAME", "K", "LAST"], &rows);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[2].starts_with(&huge), "the cell is whole");
        // Other rows are padded to the column's clamped width, not to the huge cell.
        assert_eq!(lines[3].len(), MAX_COLUMN + 2 + 1 + 2 + 3);
        assert_eq!(lines[1].len(), MAX_COLUMN + 2 + 1 + 2 + 4);
    }
}
