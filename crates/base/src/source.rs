//! Source text for diagnostics: [`Src`], a named text with its line starts whose snippets
//! are clipped around the span, so a 50 MB line cannot flood the terminal.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// Most bytes of one line a diagnostic snippet shows (about half before the span, half after).
pub(crate) const SNIPPET_LIMIT: usize = 400;

/// The named source text every diagnostic that points into a topology carries. Like miette's
/// `NamedSource`, except that a snippet is clipped to `SNIPPET_LIMIT` bytes around the span
/// when the lines around it are longer, so a 50 MB line cannot flood the terminal; the location
/// in the header stays the true line and column.
#[derive(Debug, Clone)]
pub struct Src {
    name: String,
    text: Arc<String>,
    lines: LineStarts,
}

impl Src {
    /// A source named `name` (the path as given) over the shared text.
    pub fn new(name: impl Into<String>, text: Arc<String>) -> Self {
        Self::with_lines(name, text, LineStarts::default())
    }

    /// Where `needle` first occurs in the `window` bytes from `from` on, as a span; `None` when
    /// it does not occur there.
    pub fn find_after(&self, from: usize, window: usize, needle: &str) -> Option<SourceSpan> {
        let end = crate::term::floor_char_boundary(&self.text, from.saturating_add(window));
        let from = crate::term::floor_char_boundary(&self.text, from);
        let at = memchr::memmem::find(&self.text.as_bytes()[from..end], needle.as_bytes())?;
        Some(SourceSpan::new((from + at).into(), needle.len()))
    }

    /// [`Self::new`] sharing an index of line starts already made (or to be made) for `text`.
    pub fn with_lines(name: impl Into<String>, text: Arc<String>, lines: LineStarts) -> Self {
        Src {
            name: name.into(),
            text,
            lines,
        }
    }
}

/// The byte offset of every line start of one text (after each `\n`), built once on first use
/// and shared by clones. Finding the line of an offset takes constant time: the index also
/// holds the line of every `BLOCK`-byte (1 KiB) block start, so a lookup searches only the
/// few lines of one block.
#[derive(Debug, Clone, Default)]
pub struct LineStarts(Arc<std::sync::OnceLock<Lines>>);

/// What [`LineStarts`] holds.
#[derive(Debug, Default)]
struct Lines {
    starts: Starts,
    /// The line of the offset `k * BLOCK`, for every `k` up to the text's length.
    blocks: Vec<usize>,
    /// The characters from the start of that line to the offset `k * BLOCK`.
    columns: Vec<usize>,
}

/// Line start offsets: four bytes each for a text shorter than 4 GiB (every input topocert
/// accepts), else eight.
#[derive(Debug)]
enum Starts {
    Small(Vec<u32>),
    Large(Vec<usize>),
}

impl Default for Starts {
    fn default() -> Self {
        Starts::Small(Vec::new())
    }
}

impl Starts {
    fn of(text: &str) -> Self {
        let offsets =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        if u32::try_from(text.len()).is_ok() {
            Starts::Small(offsets.filter_map(|o| u32::try_from(o).ok()).collect())
        } else {
            Starts::Large(offsets.collect())
        }
    }
    fn len(&self) -> usize {
        match self {
            Starts::Small(v) => v.len(),
            Starts::Large(v) => v.len(),
        }
    }
    /// The start of line `line`, if there is such a line.
    fn get(&self, line: usize) -> Option<usize> {
        match self {
            Starts::Small(v) => v.get(line).map(|&s| s as usize),
            Starts::Large(v) => v.get(line).copied(),
        }
    }
    /// The number of lines in `lo..hi` that start at or before `offset`.
    fn count_at_or_before(&self, lo: usize, hi: usize, offset: usize) -> usize {
        match self {
            Starts::Small(v) => v[lo..hi].partition_point(|&s| s as usize <= offset),
            Starts::Large(v) => v[lo..hi].partition_point(|&s| s <= offset),
        }
    }
}

/// The characters that start in `bytes` (of UTF-8 text): the bytes that do not continue one.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineStarts {
    /// The size of the blocks whose first line is kept.
    const BLOCK: usize = 1024;

    fn lines(&self, text: &str) -> &Lines {
        self.0.get_or_init(|| {
            let starts = Starts::of(text);
            let bytes = text.as_bytes();
            let count = text.len() / Self::BLOCK + 1;
            let (mut blocks, mut columns) = (Vec::with_capacity(count), Vec::with_capacity(count));
            let mut line = 0;
            for k in 0..count {
                let at = k * Self::BLOCK;
                while starts.get(line + 1).is_some_and(|s| s <= at) {
                    line += 1;
                }
                // A line that began before the previous block continues its count.
                let before = at.saturating_sub(Self::BLOCK);
                let column = match (k.checked_sub(1), starts.get(line).unwrap_or(0)) {
                    (Some(prev), start) if start <= before => {
                        columns[prev] + chars_in(&bytes[before..at])
                    }
                    (_, start) => chars_in(&bytes[start..at]),
                };
                blocks.push(line);
                columns.push(column);
            }
            Lines {
                starts,
                blocks,
                columns,
            }
        })
    }

    /// The start of line `line` of `text` (which must be the text this index was made for),
    /// if it has that many lines.
    pub fn start(&self, text: &str, line: usize) -> Option<usize> {
        self.lines(text).starts.get(line)
    }

    /// Zero-based line of a byte offset.
    pub fn line_of(&self, text: &str, offset: usize) -> usize {
        let Lines { starts, blocks, .. } = self.lines(text);
        let k = (offset / Self::BLOCK).min(blocks.len() - 1);
        let lo = blocks[k];
        let hi = blocks.get(k + 1).map_or(starts.len(), |&l| l + 1);
        lo + starts.count_at_or_before(lo, hi, offset) - 1
    }

    /// Zero-based line of a byte offset at a character boundary, and the characters before it
    /// on its line; in time bounded by the block size, however long the line.
    pub fn line_and_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(text, offset);
        let Lines {
            starts, columns, ..
        } = self.lines(text);
        let offset = offset.min(text.len());
        let start = starts.get(line).unwrap_or(0).min(offset);
        let k = offset / Self::BLOCK;
        let at = k * Self::BLOCK;
        let column = if start <= at {
            columns[k] + chars_in(&text.as_bytes()[at..offset])
        } else {
            chars_in(&text.as_bytes()[start..offset])
        };
        (line, column)
    }
}

impl SourceCode for Src {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        // miette's reader scans from the start of what it is given: give it only the lines
        // around the span, from the start of one line more than the context (so lines,
        // columns and miette's edge cases at offset 0 come out the same), and shift back.
        let first = self
            .lines
            .line_of(text, span.offset())
            .saturating_sub(before + 1);
        let last = self.lines.line_of(text, span.offset() + span.len()) + after + 2;
        let base = self.lines.start(text, first).unwrap_or(0);
        let end = self.lines.start(text, last).unwrap_or(text.len()).max(base);
        let window = &text[base..crate::term::floor_char_boundary(text, end)];
        let local = SourceSpan::new((span.offset().saturating_sub(base)).into(), span.len());
        let part = window.read_span(&local, before, after)?;
        let name = self.name.clone();
        if part.data().len() <= 2 * SNIPPET_LIMIT {
            return Ok(Box::new(MietteSpanContents::new_named(
                name,
                part.data(),
                SourceSpan::new((part.span().offset() + base).into(), part.span().len()),
                part.line() + first,
                part.column(),
                first + part.line_count(),
            )));
        }
        // Too long: only the span's own line, clipped around the span.
        let at = crate::term::floor_char_boundary(text, span.offset());
        let end = crate::term::floor_char_boundary(text, at + span.len().min(SNIPPET_LIMIT));
        let lo = crate::term::floor_char_boundary(text, at.saturating_sub(SNIPPET_LIMIT / 2));
        let lo = text[lo..at].rfind('\n').map_or(lo, |i| lo + i + 1);
        let hi = crate::term::floor_char_boundary(text, end + SNIPPET_LIMIT / 2);
        let hi = text[end..hi].find(['\r', '\n']).map_or(hi, |i| end + i);
        let line = self.lines.line_of(text, at);
        let start = self.lines.start(text, line).unwrap_or(0).min(at);
        let column = text[start..at].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            &text.as_bytes()[lo..hi],
            SourceSpan::new(lo.into(), hi - lo),
            line,
            column,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block index finds the line a binary search over every line start finds.
    #[test]
    fn line_of_is_the_line_whose_start_is_the_last_at_or_before() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&"x".repeat(i % 37 * (i % 5) * (i % 7)));
            text.push('\n');
            if i % 100 == 0 {
                text.push_str(&"y".repeat(5000));
            }
            if i % 300 == 0 {
                text.push_str(&"é漢".repeat(1500));
            }
        }
        for t in [&text[..], "", "\n", "a", "\n\n\n"] {
            let lines = LineStarts::default();
            let starts: Vec<usize> = std::iter::once(0)
                .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            for offset in (0..=t.len() + 2).step_by(7).chain([t.len()]) {
                let want = starts.partition_point(|&s| s <= offset) - 1;
                assert_eq!(lines.line_of(t, offset), want, "{offset}");
                if t.is_char_boundary(offset) {
                    let column = t[starts[want]..offset].chars().count();
                    assert_eq!(lines.line_and_column(t, offset), (want, column), "{offset}");
                }
            }
            for (line, &s) in starts.iter().enumerate() {
                assert_eq!(lines.start(t, line), Some(s));
            }
            assert_eq!(lines.start(t, starts.len()), None);
        }
    }

    /// `Src` gives miette exactly what miette's own reader of the whole text gives (for short
    /// lines), while reading only the lines around the span.
    #[test]
    fn windowed_read_span_matches_miettes_reader() {
        let text = "<a>\r\n  <b x=\"é\"/>\r\n\r\n  <c>ü</c>\n<d/>\r\n</a>\r\n";
        let src = Src::new("t.xml", Arc::new(text.to_string()));
        let whole: &str = text;
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            for len in [0, 1, 3] {
                if offset + len > text.len() || !text.is_char_boundary(offset + len) {
                    continue;
                }
                for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                    let span = SourceSpan::new(offset.into(), len);
                    let want = whole.read_span(&span, before, after);
                    let got = src.read_span(&span, before, after);
                    let (Ok(want), Ok(got)) = (want, got) else {
                        panic!("read_span failed at {offset}+{len}");
                    };
                    let at = format!("{offset}+{len} ({before},{after})");
                    assert_eq!(got.data(), want.data(), "{at}");
                    assert_eq!(got.span(), want.span(), "{at}");
                    assert_eq!(got.line(), want.line(), "{at}");
                    assert_eq!(got.column(), want.column(), "{at}");
                }
            }
        }
    }

    #[test]
    fn long_lines_are_clipped_around_the_span_with_the_true_location() {
        let mut text = String::from("first\n");
        text.push_str(&"x".repeat(100_000));
        text.push_str("<here>");
        text.push_str(&"y".repeat(100_000));
        let at = 6 + 100_000;
        let src = Src::new("t.xml", Arc::new(text.clone()));
        let got = src
            .read_span(&SourceSpan::new(at.into(), 6), 0, 0)
            .unwrap_or_else(|_| panic!("reads"));
        assert!(
            got.data().len() <= SNIPPET_LIMIT + 6,
            "{}",
            got.data().len()
        );
        assert!(std::str::from_utf8(got.data()).is_ok_and(|s| s.contains("<here>")));
        assert_eq!((got.line(), got.column()), (1, 100_000));
    }
}
