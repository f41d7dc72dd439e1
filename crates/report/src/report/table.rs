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
    let widths = widths(header, rows);
    write_lines(header, rows, &widths, out)
}

/// [`render`] fitted to `width` columns: while the table is too wide, the columns listed in
/// `optional` are left out, in that order; if it is still too wide, the last column's cells are
/// wrapped at spaces (never inside a name) onto continuation lines.
#[cfg(test)]
pub(crate) fn render_within(
    header: &[&str],
    rows: &[Vec<String>],
    width: usize,
    optional: &[usize],
) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_within(header, rows, width, optional, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render_within`], written to `out` line by line; the rows are read where they are (a
/// wrapped last cell is wrapped once to measure it and once to write it).
pub(crate) fn write_within(
    header: &[&str],
    rows: &[Vec<String>],
    width: usize,
    optional: &[usize],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut keep: Vec<usize> = (0..header.len()).collect();
    let mut drop = optional.iter();
    let mut w = loop {
        let w = kept_widths(header, rows, &keep);
        if total(&w) <= width {
            break w;
        }
        match drop.next() {
            Some(d) => keep.retain(|k| k != d),
            None => break w,
        }
    };
    let header: Vec<&str> = keep.iter().map(|&i| header[i]).collect();
    fn cell<'r>(r: &'r [String], keep: &[usize], i: usize) -> &'r str {
        r.get(keep[i]).map_or("", String::as_str)
    }
    let Some(last) = w.len().checked_sub(1) else {
        return Ok(());
    };
    let over = total(&w).saturating_sub(width);
    let mut line = String::new();
    if over == 0 {
        write_line(&mut header.iter().copied(), &w, &mut line, out)?;
        write_rule(&w, &mut line, out)?;
        for r in rows {
            write_line(
                &mut (0..w.len()).map(|i| cell(r, &keep, i)),
                &w,
                &mut line,
                out,
            )?;
        }
        return Ok(());
    }
    let room = w[last].saturating_sub(over).max(MIN_LAST);
    // The wrapped table's widths: the other columns keep theirs (continuation lines leave
    // them empty); the last is its widest piece.
    w[last] = crate::term::display_width(header[last]);
    for r in rows {
        for piece in crate::term::wrap(cell(r, &keep, last), room).split('\n') {
            w[last] = w[last].max(crate::term::display_width(piece));
        }
    }
    w[last] = w[last].min(MAX_COLUMN);
    write_line(&mut header.iter().copied(), &w, &mut line, out)?;
    write_rule(&w, &mut line, out)?;
    for r in rows {
        let wrapped = crate::term::wrap(cell(r, &keep, last), room);
        for (k, piece) in wrapped.split('\n').enumerate() {
            let first = (0..last).map(|i| if k == 0 { cell(r, &keep, i) } else { "" });
            write_line(&mut first.chain(std::iter::once(piece)), &w, &mut line, out)?;
        }
    }
    Ok(())
}

/// The widths of the columns `keep` of `header` and `rows`: each its widest cell, header
/// included, at most [`MAX_COLUMN`] (a missing cell is empty).
fn kept_widths(header: &[&str], rows: &[Vec<String>], keep: &[usize]) -> Vec<usize> {
    let mut widths: Vec<usize> = keep
        .iter()
        .map(|&i| crate::term::display_width(header[i]))
        .collect();
    for r in rows {
        for (w, &i) in widths.iter_mut().zip(keep) {
            *w = (*w).max(r.get(i).map_or(0, |c| crate::term::display_width(c)));
        }
    }
    widths.iter_mut().for_each(|w| *w = (*w).min(MAX_COLUMN));
    widths
}

/// The width [`render`] lays `rows` out at under `header`, in terminal columns.
pub(crate) fn width_of(header: &[&str], rows: &[Vec<String>]) -> usize {
    total(&widths(header, rows))
}

/// Each column's width ([`kept_widths`] of every column).
fn widths(header: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let all: Vec<usize> = (0..header.len()).collect();
    kept_widths(header, rows, &all)
}

/// The width of a row laid out with `widths`.
fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
}

/// The lines of a table, written one by one.
fn write_lines(
    header: &[&str],
    rows: &[Vec<String>],
    widths: &[usize],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    write_line(&mut header.iter().copied(), widths, &mut s, out)?;
    write_rule(widths, &mut s, out)?;
    for r in rows {
        write_line(&mut r.iter().map(String::as_str), widths, &mut s, out)?;
    }
    Ok(())
}

/// One line of cells, each padded to its column's width, without trailing spaces (`s`: room
/// reused from line to line).
fn write_line(
    cells: &mut dyn Iterator<Item = &str>,
    widths: &[usize],
    s: &mut String,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
}

/// The line of dashes under the header.
fn write_rule(
    widths: &[usize],
    s: &mut String,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    write_line(&mut rule.iter().map(String::as_str), widths, s, out)
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
