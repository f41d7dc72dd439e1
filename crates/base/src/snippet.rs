//! Diagnostic snippets clipped to the terminal width.
//!
//! Topology exports have lines of 250 columns and more (a `Machine` or `Service` element with
//! all its attributes on one line), and miette prints a snippet's lines whole, so at 80 columns
//! every snippet ran off the screen. [`Clipped`] wraps any diagnostic: it reads the lines its
//! labels point at, cuts each to the columns left beside miette's line-number gutter, keeping
//! the labelled text in view with `…` where text was cut, and hands miette that narrower copy
//! with the labels moved onto it. Line numbers and the `[file:line:column]` header stay the true
//! ones. Control characters (ESC, C1, bidi overrides...) in the lines are shown as `\u{..}` in
//! the copy, the labels still under the text they point at. A diagnostic whose lines already
//! fit and hold no control character is passed through untouched, so short snippets render
//! exactly as miette renders them.

use crate::term::{display_width, floor_char_boundary};
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, ReportHandler, SourceCode,
    SourceSpan, SpanContents,
};
use std::collections::BTreeMap;
use std::fmt;

/// Lines of context miette shows before and after a label (its handlers' default).
const CONTEXT_LINES: usize = 1;

/// Narrowest text area a snippet is clipped to, whatever the width.
const MIN_AREA: usize = 20;

/// A diagnostic whose source snippet is clipped to `width` columns, with control characters
/// in its message, help, snippet, labels and file name shown visibly
/// (`crate::report::escape`); everything else (code, severity, related diagnostics) is the
/// wrapped diagnostic's own.
#[derive(Debug)]
pub struct Clipped<'d> {
    inner: &'d dyn Diagnostic,
    snippet: Option<Snippet>,
}

impl<'d> Clipped<'d> {
    /// `inner` with its snippet clipped to a terminal `width` columns wide (the gutter
    /// included). When the snippet already fits, or cannot be read, `inner` is shown as is.
    pub fn new(inner: &'d dyn Diagnostic, width: usize) -> Self {
        Clipped {
            inner,
            snippet: snippet(inner, width),
        }
    }
}

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::escape::terminal_lines(&self.inner.to_string()))
    }
}

impl std::error::Error for Clipped<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for Clipped<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(crate::escape::terminal_lines(&help)))
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &self.snippet {
            Some(s) => Some(&s.source),
            None => self.inner.source_code(),
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match &self.snippet {
            Some(s) => Some(Box::new(s.labels.iter().cloned())),
            None => self.inner.labels(),
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.inner.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

/// A miette report handler that clips every snippet to `width` columns ([`Clipped`]) and
/// renders it with the handler it wraps.
pub(crate) struct ClippingHandler {
    inner: Box<dyn ReportHandler>,
    width: usize,
}

impl ClippingHandler {
    /// Wraps `inner`, clipping snippets to `width` columns.
    pub fn new(inner: Box<dyn ReportHandler>, width: usize) -> Self {
        ClippingHandler { inner, width }
    }
}

impl ReportHandler for ClippingHandler {
    fn debug(&self, diagnostic: &dyn Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.debug(&Clipped::new(diagnostic, self.width), f)
    }
}

/// The clipped copy of the lines a diagnostic's labels point at, and the labels moved onto it.
#[derive(Debug)]
struct Snippet {
    source: ClippedSource,
    labels: Vec<LabeledSpan>,
}

/// One line of the original text, as read around a label.
#[derive(Debug, Clone)]
struct TrueLine {
    /// Byte offset of `text` in the original source, as if every escaped character before
    /// it had been written escaped in the source (see [`escaped_offsets`]).
    offset: usize,
    /// Byte offset of the line in the original source.
    real: usize,
    /// The line without its line ending (or, for a line the source itself cut because it is
    /// huge, the part of it that was read), tabs as single spaces, control characters shown
    /// visibly ([`crate::escape::terminal`]).
    text: String,
    /// Tabs in the original line (miette shows each as up to four columns).
    tabs: usize,
    /// Each control character shown escaped: its byte offset in the original line and the
    /// bytes the escape adds.
    escapes: Vec<(usize, usize)>,
}

impl TrueLine {
    /// Where byte `within` of the original line lands in `text`.
    fn at(&self, within: usize) -> usize {
        within
            + self
                .escapes
                .iter()
                .take_while(|&&(at, _)| at < within)
                .map(|&(_, grow)| grow)
                .sum::<usize>()
    }
}

/// The line with tabs as single spaces (byte for byte) and control characters shown as
/// `\u{..}`, with where each escape is and how many bytes it adds.
fn inert_line(text: &str) -> (String, Vec<(usize, usize)>) {
    let text = text.replace('\t', " ");
    if !text.chars().any(crate::escape::is_unsafe) {
        return (text, Vec::new());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut escapes = Vec::new();
    for (i, c) in text.char_indices() {
        if crate::escape::is_unsafe(c) {
            let shown = crate::escape::terminal(c.encode_utf8(&mut [0; 4]));
            escapes.push((i, shown.len() - c.len_utf8()));
            out.push_str(&shown);
        } else {
            out.push(c);
        }
    }
    (out, escapes)
}

/// Gives every line its offset in a virtual source where each escaped character took the
/// bytes of its escape (offsets stay in order, so the clipping below reads them as it reads
/// the original's).
fn escaped_offsets(lines: &mut BTreeMap<usize, TrueLine>) {
    let mut grown = 0;
    for t in lines.values_mut() {
        t.offset = t.real + grown;
        grown += t.escapes.iter().map(|&(_, g)| g).sum::<usize>();
    }
}

/// An offset of the original source in the virtual one of [`escaped_offsets`].
fn virtual_offset(lines: &BTreeMap<usize, TrueLine>, offset: usize) -> usize {
    match lines.values().rfind(|t| t.real <= offset) {
        Some(t) => t.offset + t.at(offset - t.real),
        None => offset,
    }
}

/// One line of the clipped copy.
#[derive(Debug, Clone, Copy)]
struct Shown {
    /// Byte offset of the line in the copy.
    start: usize,
    /// End of the line in the copy (before its `\n`).
    end: usize,
    /// Zero-based line number in the original.
    line: usize,
    /// Byte offset in the original of the line (of the part of it that was read).
    origin: usize,
    /// Byte offset in the original of the first character shown (after any `…`).
    from: usize,
    /// Byte offset in the original just after the last character shown.
    to: usize,
    /// Bytes of the leading `…` (0 when nothing was cut on the left).
    lead: usize,
}

/// The clipped lines as a miette source: line numbers and the primary column are the
/// original's.
#[derive(Debug)]
struct ClippedSource {
    name: Option<String>,
    text: String,
    lines: Vec<Shown>,
    /// Offset in the copy of each label's start, with its true zero-based column.
    columns: Vec<(usize, usize)>,
}

/// Byte index in `text` of the first character at or after display column `column`.
fn byte_at_column(text: &str, column: usize) -> usize {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        if used >= column {
            return i;
        }
        used += display_width(c.encode_utf8(&mut [0; 4]));
    }
    text.len()
}

/// Byte index in `text` after the longest prefix that fits in `columns`.
fn byte_within(text: &str, columns: usize) -> usize {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w > columns {
            return i;
        }
        used += w;
    }
    text.len()
}

/// Splits a span's contents into lines numbered from `first`, each with its offset in the
/// original; `\r\n` and `\n` end a line. A tab becomes one space (byte for byte, so offsets
/// still map), which the copy then shows as it measures it.
fn split_lines(data: &str, offset: usize, first: usize, into: &mut BTreeMap<usize, TrueLine>) {
    let mut at = offset;
    for (k, piece) in data.split('\n').enumerate() {
        let text = piece.strip_suffix('\r').unwrap_or(piece);
        into.entry(first + k).or_insert_with(|| {
            let (shown, escapes) = inert_line(text);
            TrueLine {
                offset: at,
                real: at,
                text: shown,
                tabs: text.matches('\t').count(),
                escapes,
            }
        });
        at += piece.len() + 1;
    }
}

/// The clipped snippet of `d`, or `None` when it has no snippet, its lines already fit in
/// `width`, or it cannot be read.
fn snippet(d: &dyn Diagnostic, width: usize) -> Option<Snippet> {
    let src = d.source_code()?;
    let mut labels: Vec<LabeledSpan> = d.labels()?.collect();
    labels.sort_by_key(|l| l.offset());
    let mut lines = BTreeMap::new();
    let mut name = None;
    let mut positions = Vec::with_capacity(labels.len());
    for l in &labels {
        let c = src
            .read_span(l.inner(), CONTEXT_LINES, CONTEXT_LINES)
            .ok()?;
        name = name.or_else(|| c.name().map(str::to_string));
        let data = std::str::from_utf8(c.data()).ok()?;
        split_lines(data, c.span().offset(), c.line(), &mut lines);
        let p = src.read_span(l.inner(), 0, 0).ok()?;
        positions.push((p.line(), p.column()));
    }
    // Control characters in the lines, the labels or the name are shown visibly: the copy is
    // then always made, the labels moved onto the escaped text.
    let inert = |s: &str| crate::escape::terminal(s);
    let shown_name = name.as_deref().map(inert);
    let mut hostile = shown_name != name || lines.values().any(|t| !t.escapes.is_empty());
    escaped_offsets(&mut lines);
    let labels: Vec<LabeledSpan> = labels
        .iter()
        .map(|l| {
            let text = l.label().map(inert);
            hostile |= text.as_deref() != l.label();
            let start = virtual_offset(&lines, l.offset());
            let end = virtual_offset(&lines, l.offset() + l.len()).max(start);
            LabeledSpan::new_with_span(text, SourceSpan::new(start.into(), end - start))
        })
        .collect();
    let name = shown_name;
    // miette's gutter: a space, the line number, a space, the bar and a space; labels that
    // span several lines draw arrows in a further gutter (`╭─▶ `, four columns for one label).
    let digits = lines
        .keys()
        .next_back()
        .map_or(1, |&n| (n + 1).to_string().len());
    let multi_line = labels
        .iter()
        .zip(&positions)
        .filter(|(l, &(line, _))| line_of(&lines, l.offset() + l.len().max(1) - 1) != Some(line))
        .count();
    let gutter = digits + 4 + 4 * multi_line;
    let area = width.saturating_sub(gutter).max(MIN_AREA);
    // miette hangs a label's text from the middle of its underline.
    let label_fits = |l: &LabeledSpan| {
        let Some(t) = line_of(&lines, l.offset()).and_then(|n| lines.get(&n)) else {
            return true;
        };
        // miette counts the bytes of a line ending a span covers as columns.
        let at = |o: usize| {
            let o = o.saturating_sub(t.offset);
            display_width(&t.text[..floor_char_boundary(&t.text, o)])
                + o.saturating_sub(t.text.len())
        };
        let middle = (at(l.offset()) + at(l.offset() + l.len())) / 2;
        middle + l.label().map_or(0, |s| display_width(s) + 4) <= area
    };
    let fits = |l: &TrueLine| display_width(&l.text) + 3 * l.tabs <= area;
    if !hostile && lines.values().all(fits) && labels.iter().all(label_fits) {
        return None;
    }

    // Where each line's window starts: the labelled line keeps its label in view with room for
    // the label text; the other lines of its run of consecutive lines start at the same column.
    let mut from_column: BTreeMap<usize, usize> = BTreeMap::new();
    for (l, &(line, _)) in labels.iter().zip(&positions) {
        if from_column.contains_key(&line) {
            continue;
        }
        let t = lines.get(&line)?;
        let start = l.offset().checked_sub(t.offset)?.min(t.text.len());
        let start = floor_char_boundary(&t.text, start);
        let column = display_width(&t.text[..start]);
        // The label's text hangs from its underline: at most `room` columns may come before
        // the label for that text to fit.
        let label_width = l.label().map_or(0, |s| display_width(s) + 4);
        let room = area.saturating_sub(label_width + 1);
        let keep_start = if display_width(&t.text) <= area {
            column <= room
        } else {
            column <= room.min(area / 3)
        };
        let column = if keep_start {
            0
        } else {
            // About a third of the area before the label, less when that would be only the
            // line's indentation (two columns of it are kept).
            let indent = display_width(&t.text[..t.text.len() - t.text.trim_start().len()]);
            let before = (area / 3)
                .min(column.saturating_sub(indent) + 2)
                .min(room)
                .max(1);
            (column + 1).saturating_sub(before)
        };
        from_column.insert(line, column);
    }
    let mut text = String::new();
    let mut shown = Vec::with_capacity(lines.len());
    let mut run_column = 0;
    let mut previous: Option<usize> = None;
    for (&n, t) in &lines {
        if previous.is_none_or(|p| p + 1 != n) {
            // A new run of consecutive lines: its column is that of its first labelled line.
            run_column = lines
                .range(n..)
                .scan(n, |expected, (&m, _)| {
                    let keep = m == *expected;
                    *expected += 1;
                    keep.then_some(m)
                })
                .find_map(|m| from_column.get(&m).copied())
                .unwrap_or(0);
        }
        previous = Some(n);
        let column = from_column.get(&n).copied().unwrap_or(run_column);
        let from = byte_at_column(&t.text, column);
        let lead = if from > 0 { "…" } else { "" };
        let room = area - display_width(lead);
        let rest = &t.text[from..];
        let (to, tail) = if display_width(rest) <= room {
            (t.text.len(), "")
        } else {
            (from + byte_within(rest, room - 1), "…")
        };
        let start = text.len();
        text.push_str(lead);
        text.push_str(&t.text[from..to]);
        text.push_str(tail);
        shown.push(Shown {
            start,
            end: text.len(),
            line: n,
            origin: t.offset,
            from: t.offset + from,
            to: t.offset + to,
            lead: lead.len(),
        });
        text.push('\n');
    }

    // The labels, moved onto the copy; a label that would push its text past the edge is
    // shortened (miette hangs the label text from the middle of the underline).
    let mut moved = Vec::with_capacity(labels.len());
    let mut columns = Vec::with_capacity(labels.len());
    for (l, &(_, column)) in labels.iter().zip(&positions) {
        let start = floor_char_boundary(&text, map_offset(&shown, l.offset(), false)?);
        let end = l.offset() + l.len();
        let end = floor_char_boundary(&text, map_offset(&shown, end, !l.is_empty())?);
        let mut end = end.max(start);
        let line = shown.iter().rfind(|s| s.start <= start)?;
        if end <= line.end {
            let label_width = l.label().map_or(0, |s| display_width(s) + 4);
            let at = display_width(&text[line.start..start]);
            let most = 2 * area.saturating_sub(label_width + at);
            end = start + byte_within(&text[start..end], most.max(1));
        }
        moved.push(LabeledSpan::new_with_span(
            l.label().map(str::to_string),
            SourceSpan::new(start.into(), end - start),
        ));
        columns.push((start, column));
    }
    Some(Snippet {
        source: ClippedSource {
            name,
            text,
            lines: shown,
            columns,
        },
        labels: moved,
    })
}

/// The zero-based line of `lines` that holds byte `offset` of the original.
fn line_of(lines: &BTreeMap<usize, TrueLine>, offset: usize) -> Option<usize> {
    lines
        .iter()
        .rfind(|(_, t)| t.offset <= offset)
        .map(|(&n, _)| n)
}

/// Where byte `offset` of the original lands in the copy: clamped to the shown part of its
/// line. An `end` offset (just after a span) that falls at a line's start belongs to the line
/// before it.
fn map_offset(shown: &[Shown], offset: usize, end: bool) -> Option<usize> {
    let s = shown
        .iter()
        .rfind(|s| s.origin < offset || (s.origin == offset && !end))
        .or_else(|| shown.first())?;
    let inside = offset.clamp(s.from, s.to) - s.from;
    Some(s.start + s.lead + inside)
}

impl SourceCode for ClippedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let index = |offset: usize| {
            self.lines
                .partition_point(|s| s.start <= offset)
                .saturating_sub(1)
        };
        if self.lines.is_empty() || span.offset() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = index(span.offset());
        let last_line = index(span.offset() + span.len());
        let consecutive = |a: usize, b: usize| self.lines[a].line + 1 == self.lines[b].line;
        let mut first = first_line;
        while first > 0 && first_line - first < before && consecutive(first - 1, first) {
            first -= 1;
        }
        let mut last = last_line;
        while last + 1 < self.lines.len() && last - last_line < after && consecutive(last, last + 1)
        {
            last += 1;
        }
        let (start, end) = (self.lines[first].start, self.lines[last].end);
        let column = self
            .columns
            .iter()
            .find(|&&(at, _)| at == span.offset())
            .map_or_else(
                || {
                    let s = &self.lines[first_line];
                    let upto = floor_char_boundary(&self.text, span.offset().min(s.end));
                    self.text[s.start..upto].chars().count()
                },
                |&(_, c)| c,
            );
        let data = &self.text.as_bytes()[start..end];
        let whole = SourceSpan::new(start.into(), end - start);
        let line = self.lines[first].line;
        let count = last - first + 1;
        Ok(Box::new(match &self.name {
            Some(name) => {
                MietteSpanContents::new_named(name.clone(), data, whole, line, column, count)
            }
            None => MietteSpanContents::new(data, whole, line, column, count),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Src;
    use miette::{GraphicalReportHandler, GraphicalTheme};
    use std::sync::Arc;

    #[derive(Debug, thiserror::Error, Diagnostic)]
    #[error("certificate of fe02.fabrikam.com is issued by another CA")]
    #[diagnostic(code(foreign_ca), help("request a new certificate"))]
    struct Finding {
        #[source_code]
        src: Src,
        #[label("fe02.fabrikam.com is declared here")]
        at: SourceSpan,
    }

    const TAG: &str = "<Machine OrdinalInCluster=\"2\" Fqdn=\"fe02.fabrikam.com\" FaultDomain=\"FaultDomain2\" UpgradeDomain=\"UpgradeDomain2\" Comment=\"the second Front End of pool01 in the Redmond site\">";

    fn topology(indent: usize) -> (String, SourceSpan) {
        let before = format!(
            "<Cluster Fqdn=\"pool01.fabrikam.com\" RequiresReplication=\"true\" RequiresSetup=\"true\" IsSingleMachineOnly=\"false\" Site=\"1\">\r\n{}<ClusterId SiteId=\"1\" Number=\"2\" />\r\n",
            " ".repeat(indent)
        );
        let text = format!(
            "{before}{}{TAG}\r\n{}<NetInterface InterfaceSide=\"Primary\" InterfaceNumber=\"1\" IPAddress=\"0.0.0.0\" />\r\n</Cluster>\r\n",
            " ".repeat(indent),
            " ".repeat(indent + 2),
        );
        let at = SourceSpan::new((before.len() + indent).into(), TAG.len());
        (text, at)
    }

    fn render(d: &dyn Diagnostic, width: usize) -> String {
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
        let mut out = String::new();
        handler
            .render_report(&mut out, d)
            .unwrap_or_else(|e| panic!("renders: {e}"));
        out
    }

    /// The `╭─[file:line:column]` line of a rendered diagnostic.
    fn header(rendered: &str) -> Option<String> {
        rendered
            .lines()
            .find(|l| l.contains("╭─["))
            .map(str::to_string)
    }

    fn finding(indent: usize) -> Finding {
        let (text, at) = topology(indent);
        Finding {
            src: Src::new("topology.xml", Arc::new(text)),
            at,
        }
    }

    #[test]
    fn long_lines_fit_at_80_and_100_columns_with_the_label_in_view() {
        for width in [80, 100] {
            for indent in [0, 6, 60] {
                let f = finding(indent);
                let out = render(&Clipped::new(&f, width), width);
                for line in out.lines() {
                    assert!(display_width(line) <= width, "{width}/{indent}:\n{out}");
                }
                // The true location, the start of the tag and the FQDN stay in view.
                assert!(
                    out.contains(&format!("[topology.xml:3:{}]", indent + 1)),
                    "{out}"
                );
                assert!(out.contains("<Machine OrdinalInCluster=\"2\""), "{out}");
                assert!(out.contains("fe02.fabrikam.com is declared here"), "{out}");
                assert!(out.contains('…'), "{out}");
                // Line numbers are the original's.
                for n in [" 2 │", " 3 │", " 4 │"] {
                    assert!(out.contains(n), "{n}:\n{out}");
                }
            }
        }
    }

    #[test]
    fn without_clipping_the_same_snippet_runs_past_80_columns() {
        let f = finding(6);
        let out = render(&f, 80);
        assert!(out.lines().any(|l| display_width(l) > 80), "{out}");
    }

    #[test]
    fn snippets_that_fit_render_exactly_as_miette_renders_them() {
        let text = "<Topology>\r\n  <Machine Fqdn=\"fe01.fabrikam.com\" />\r\n</Topology>\r\n";
        let f = Finding {
            src: Src::new("t.xml", Arc::new(text.to_string())),
            at: SourceSpan::new(12.into(), 36),
        };
        assert_eq!(render(&Clipped::new(&f, 80), 80), render(&f, 80));
        assert!(Clipped::new(&f, 80).snippet.is_none());
    }

    #[test]
    fn the_label_is_moved_onto_the_shown_text() {
        let f = finding(60);
        let c = Clipped::new(&f, 80);
        let s = c.snippet.as_ref().expect("clipped");
        let label = &s.labels[0];
        let shown = &s.source.text[label.offset()..label.offset() + label.len()];
        assert!(TAG.starts_with(shown), "{shown}");
        assert!(!shown.is_empty());
    }

    #[test]
    fn a_long_line_in_a_huge_file_is_clipped_too() {
        // The source itself already cuts a huge line to a window around the span.
        let mut text = "x".repeat(5_000);
        let at = text.len();
        text.push_str(TAG);
        text.push_str(&"y".repeat(5_000));
        let f = Finding {
            src: Src::new("big.xml", Arc::new(text)),
            at: SourceSpan::new(at.into(), TAG.len()),
        };
        let out = render(&Clipped::new(&f, 80), 80);
        assert!(out.lines().all(|l| display_width(l) <= 80), "{out}");
        assert!(out.contains("[big.xml:1:5001]"), "{out}");
        assert!(out.contains("<Machine"), "{out}");
    }

    #[test]
    fn tabs_are_shown_as_single_spaces_and_the_line_still_fits() {
        let (text, at) = topology(0);
        let text = text.replace("<Machine", "\t\t\t<Machine");
        let at = SourceSpan::new((at.offset() + 3).into(), at.len());
        let f = Finding {
            src: Src::new("t.xml", Arc::new(text)),
            at,
        };
        let out = render(&Clipped::new(&f, 80), 80);
        assert!(out.lines().all(|l| display_width(l) <= 80), "{out}");
        assert!(out.contains("   <Machine OrdinalInCluster"), "{out}");
        assert!(out.contains("[t.xml:3:4]"), "{out}");
    }

    #[test]
    fn control_characters_are_shown_visibly_and_the_label_stays_under_its_text() {
        let before = "<Site Name=\"\u{1b}]8;;http://x\u{1b}\\Red\u{9b}31m\u{202e}mond\u{7}\">\n";
        let tag = "<Machine Fqdn=\"fe01.fabrikam.com\" />";
        let text = format!("{before}  {tag}\n</Site>\n");
        let at = SourceSpan::new((before.len() + 2).into(), tag.len());
        let f = Finding {
            src: Src::new("t\u{1b}[2J.xml", Arc::new(text)),
            at,
        };
        let out = render(&Clipped::new(&f, 100), 100);
        assert!(
            !out.chars()
                .any(|c| crate::escape::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
        assert!(
            out.contains("\\u{1b}]8;;http://x\\u{1b}\\Red\\u{9b}31m\\u{202e}mond\\u{7}"),
            "{out}"
        );
        assert!(out.contains("[t\\u{1b}[2J.xml:2:3]"), "{out}");
        // The underline starts under `<Machine` and the label text is whole.
        let lines: Vec<&str> = out.lines().collect();
        let code = lines
            .iter()
            .position(|l| l.contains("<Machine"))
            .expect("line");
        let column = |l: &str, at: Option<usize>| at.map(|i| l[..i].chars().count());
        let col = column(lines[code], lines[code].find("<Machine"));
        let under = lines[code + 1];
        assert_eq!(column(under, under.find(['─', '┬', '╰'])), col, "{out}");
        assert!(out.contains("fe02.fabrikam.com is declared here"), "{out}");

        // A label on the hostile line itself also lands on its escaped text.
        let text = format!("{before}  {tag}\n</Site>\n");
        let from = before.find("mond").expect("mond");
        let f = Finding {
            src: Src::new("t.xml", Arc::new(text)),
            at: SourceSpan::new(from.into(), 4),
        };
        let out = render(&Clipped::new(&f, 100), 100);
        let lines: Vec<&str> = out.lines().collect();
        let code = lines.iter().position(|l| l.contains("mond")).expect("line");
        let col = column(lines[code], lines[code].find("mond"));
        let under = lines[code + 1];
        assert_eq!(column(under, under.find(['─', '┬', '╰'])), col, "{out}");
        assert!(out.contains("[t.xml:1:"), "{out}");
    }

    #[test]
    fn a_point_at_the_end_of_the_file_renders_as_miette_renders_it() {
        let (text, _) = topology(6);
        let f = Finding {
            src: Src::new("t.xml", Arc::new(text.clone())),
            at: SourceSpan::new(text.len().into(), 0),
        };
        let out = render(&Clipped::new(&f, 80), 80);
        assert_eq!(header(&out), header(&render(&f, 80)));
        assert_eq!(header(&out).as_deref(), Some("   ╭─[t.xml:6:1]"));
    }

    proptest::proptest! {
        /// Whatever the line lengths, the label's place and the width, nothing panics, every
        /// line but the header (which holds the file name) fits, and the header keeps the true
        /// line and column. (Below about 45 columns the label's own text is wider than the
        /// snippet and cannot fit.)
        #[test]
        fn any_label_on_any_line_fits(
            lines in proptest::collection::vec(("[ ]{0,40}", "[a-zé漢<>=\" ]{0,300}"), 1..6),
            pick in 0usize..1000,
            len in 0usize..400,
            width in 50usize..160,
        ) {
            let text: String = lines.iter().map(|(i, t)| format!("{i}{t}\r\n")).collect();
            // Up to the last line's end: a span at the very end of the file (after its last
            // line ending) is miette's own case, tested on its own below.
            let mut at = pick % (text.len() - 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // Labels end inside a line, as an element's start tag does (miette's underline of a
            // span that takes in a line ending is its own affair).
            while end > at && (text[..end].ends_with('\r') || text[..end].ends_with('\n')) {
                end -= 1;
            }
            let f = Finding {
                src: Src::new("t.xml", Arc::new(text.clone())),
                at: SourceSpan::new(at.into(), end - at),
            };
            let plain = render(&f, width);
            let out = render(&Clipped::new(&f, width), width);
                proptest::prop_assert_eq!(header(&out), header(&plain));
            for line in out.lines().filter(|l| !l.contains("╭─[") && !l.contains("  ×") && !l.contains("help:")) {
                proptest::prop_assert!(display_width(line) <= width, "{}:\n{}", width, out);
            }
        }
    }
}
