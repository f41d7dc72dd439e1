//! The one place values from a topology or a certificate (names, DNs, paths, messages) are made
//! inert for an output format. Every renderer escapes through these functions.

/// HTML element content and quoted attribute values (also Graphviz HTML-like labels).
pub fn html(s: &str) -> String {
    // Printable ASCII other than the five markup characters passes unchanged (most values).
    let plain =
        |b: u8| (0x20..0x7f).contains(&b) && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    if s.bytes().all(plain) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Markdown prose and table cells: HTML special characters become entities, Markdown
/// punctuation (including `|` and the backtick) is backslash-escaped, line breaks become
/// spaces, so a value never becomes markup, a code span, a table column or a new line.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

/// A Mermaid label inside double quotes: quotes, angle brackets, `&`, `#`, `|` and the
/// backtick become Mermaid entity codes (`#quot;`, `#60;`...), line breaks become spaces.
pub fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '<' | '>' | '&' | '|' | '`' | '[' | ']' | '{' | '}' => {
                out.push_str(&format!("#{};", u32::from(c)));
            }
            '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML 1.0 (JUnit): characters XML cannot carry (and the C1 and bidi controls of
/// [`is_unsafe`]) become U+FFFD; the writer escapes
/// markup characters itself.
pub fn xml(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if is_unsafe(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Whether `c` must never reach a terminal raw: C0 controls, DEL, C1 controls (U+0080–U+009F,
/// which some terminals read as ESC sequences: U+009B is CSI), the bidirectional controls that
/// reorder what is shown (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) and the line and
/// paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Whether `s` may hold an [`is_unsafe`] character other than C0: a DEL byte or the first byte
/// of a C1 control (0xC2), of U+061C (0xD8) or of the U+20xx controls (0xE2). A fast
/// search, so that long values without any pass untouched.
fn may_hold_unsafe(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr3(0x7f, 0xc2, 0xd8, b).is_some() || memchr::memchr(0xe2, b).is_some()
}

/// Whether `s` holds a C0 control other than those `keep` allows.
fn holds_c0(s: &str, keep: &[u8]) -> bool {
    s.bytes().any(|b| b < 0x20 && !keep.contains(&b))
}

/// `c` shown visibly, as Rust writes it: `\u{1b}`.
fn push_visible(out: &mut String, c: char) {
    out.extend(c.escape_unicode());
}

/// Text for a terminal: every [`is_unsafe`] character (escape sequences, carriage returns,
/// line breaks inside a value, C1 controls, bidi overrides) is shown as `\u{..}` so a value
/// cannot move the cursor, recolour the screen, make a link, reorder the line or start a line
/// that looks like output.
pub fn terminal(s: &str) -> String {
    let unsafe_here = holds_c0(s, &[]) || (may_hold_unsafe(s) && s.chars().any(is_unsafe));
    if !unsafe_here {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whole lines of terminal text (a message, a rendered output): like [`terminal`], but the
/// line feeds and tabs that lay the text out are kept.
pub fn terminal_lines(s: &str) -> String {
    output(s, false)
}

/// The last step of every output written to standard output, standard error or `--output`:
/// every [`is_unsafe`] character other than a line feed or a tab is shown as `\u{..}`; with
/// `keep_colour`, the SGR colour sequences (`ESC [ digits/semicolons m`) that
/// `super::paint` and miette write are kept, and any other escape sequence is shown. The
/// renderers escape values themselves; this pass makes the guarantee hold for every format.
pub fn output(s: &str, keep_colour: bool) -> String {
    inert(s, keep_colour).into_owned()
}

/// [`output`], borrowing `s` when it holds nothing to show (the common case).
fn inert(s: &str, keep_colour: bool) -> std::borrow::Cow<'_, str> {
    let clean = |c: char| !is_unsafe(c) || c == '\n' || c == '\t';
    let unsafe_here = holds_c0(s, b"\n\t") || (may_hold_unsafe(s) && !s.chars().all(clean));
    if !unsafe_here {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if keep_colour && c == '\u{1b}' {
            if let Some(n) = sgr_len(rest) {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        if clean(c) {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// [`output`] as a writer: what is written to it reaches `inner` through [`output`], in
/// pieces of about [`InertWriter::PIECE`] bytes cut where [`output`] gives the same bytes as on
/// the whole text (at a character boundary not inside a possible SGR sequence), so a streamed
/// output is byte for byte the output of the whole. Call [`InertWriter::finish`] at the end;
/// `Write::flush` passes on only what can be cut.
pub struct InertWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
    keep_colour: bool,
}

impl<W: std::io::Write> InertWriter<W> {
    /// About how many bytes are held before they are passed on.
    pub const PIECE: usize = 1 << 16;

    /// A writer onto `inner`; `keep_colour` as [`output`] takes it.
    pub fn new(inner: W, keep_colour: bool) -> Self {
        InertWriter {
            inner,
            pending: Vec::new(),
            keep_colour,
        }
    }

    /// Passes everything on, flushes, and returns the inner writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.pass_on(self.pending.len())?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// Where the pending bytes may be cut: the last character boundary whose previous byte
    /// cannot be inside an SGR sequence (ESC, `[`, a digit or `;`); 0 when there is none.
    fn cut(&self) -> usize {
        let b = &self.pending;
        (1..b.len())
            .rev()
            .find(|&p| {
                !(0x80..0xc0).contains(&b[p])
                    && !matches!(b[p - 1], 0x1b | b'[' | b';' | b'0'..=b'9')
            })
            .unwrap_or(0)
    }

    /// Writes the first `end` pending bytes through [`output`].
    fn pass_on(&mut self, end: usize) -> std::io::Result<()> {
        if end == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending[..end]);
        self.inner
            .write_all(inert(&text, self.keep_colour).as_bytes())?;
        self.pending.drain(..end);
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for InertWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= Self::PIECE {
            self.pass_on(self.cut())?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on(self.cut())?;
        self.inner.flush()
    }
}

/// The length of the SGR sequence `s` starts with (`ESC [ [0-9;]* m`), if it starts with one.
fn sgr_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.get(..2)? != b"\x1b[" {
        return None;
    }
    let params = b[2..]
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    (b.get(2 + params) == Some(&b'm')).then_some(3 + params)
}

/// A serde_json formatter (pretty, two-space indent) that also writes DEL, C1 controls, bidi
/// controls and line separators as `\uXXXX` escapes (serde_json escapes only C0 itself), so a
/// JSON document shown in a terminal is as inert as the text formats; the value read back is
/// the same.
pub struct JsonFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl Default for JsonFormatter<'_> {
    fn default() -> Self {
        JsonFormatter(serde_json::ser::PrettyFormatter::new())
    }
}

macro_rules! delegate {
    ($($name:ident$(($arg:ident: $ty:ty))?),* $(,)?) => {
        $(fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W $(, $arg: $ty)?) -> std::io::Result<()> {
            self.0.$name(w $(, $arg)?)
        })*
    };
}

impl serde_json::ser::Formatter for JsonFormatter<'_> {
    delegate! {
        begin_array, end_array, begin_array_value(first: bool), end_array_value,
        begin_object, end_object, begin_object_key(first: bool), begin_object_value,
        end_object_value,
    }
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !may_hold_unsafe(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod inert_writer_tests {
    use super::*;
    use std::io::Write;

    /// Written in pieces of every size, the text comes out as [`output`] makes it whole.
    #[test]
    fn streamed_output_is_the_output_of_the_whole() {
        let unit = "plain \u{1b}[1;31mred\u{1b}[0m é\u{9b}2J \u{202e}bidi\u{1b}]8;;x\u{7}\r\tok 12;34\n\u{1b}[";
        let text: String = std::iter::repeat_n(unit, 3000).collect();
        for keep in [false, true] {
            let whole = output(&text, keep);
            for piece in [1, 7, 64, 1000, 70_000] {
                let mut w = InertWriter::new(Vec::new(), keep);
                for chunk in text.as_bytes().chunks(piece) {
                    w.write_all(chunk).expect("vec");
                    w.flush().expect("vec");
                }
                let out = w.finish().expect("vec");
                assert_eq!(
                    String::from_utf8(out).expect("utf-8"),
                    whole,
                    "{piece} {keep}"
                );
            }
        }
    }

    /// It holds about a piece, not the whole output.
    #[test]
    fn passes_on_as_it_goes() {
        let mut w = InertWriter::new(Vec::new(), false);
        for _ in 0..1000 {
            w.write_all(&[b'x'; 1000]).expect("vec");
        }
        assert!(w.pending.len() < 2 * InertWriter::<Vec<u8>>::PIECE);
        assert_eq!(w.finish().expect("vec").len(), 1_000_000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a<b>|`c`\nd&\"e\u{1b}[31m#x";

    #[test]
    fn html_is_inert() {
        let h = html(HOSTILE);
        for bad in ["<", ">", "\n", "\"", "\u{1b}"] {
            assert!(!h.contains(bad), "{bad:?} in {h}");
        }
        assert_eq!(html("fe01.fabrikam.com — x"), "fe01.fabrikam.com — x");
    }

    /// Every ASCII character, alone and among plain text: the five markup characters become
    /// entities, line breaks spaces, other controls U+FFFD, the rest passes unchanged.
    #[test]
    fn html_of_every_ascii_character() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            let want = match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                '\n' | '\r' => " ".to_string(),
                c if is_unsafe(c) => "\u{FFFD}".to_string(),
                c => c.to_string(),
            };
            assert_eq!(html(&c.to_string()), want, "{b}");
            assert_eq!(html(&format!("fe01{c}x")), format!("fe01{want}x"), "{b}");
        }
    }

    #[test]
    fn markdown_is_inert() {
        let m = markdown(HOSTILE);
        assert!(!m.contains('\n') && !m.contains('<') && !m.contains('\u{1b}'));
        assert!(!m.replace("\\|", "").contains('|'), "{m}");
        assert!(!m.replace("\\`", "").contains('`'), "{m}");
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("*x* [l](u)"), "\\*x\\* \\[l\\](u)");
        assert_eq!(
            markdown("plain fe01.fabrikam.com"),
            "plain fe01.fabrikam.com"
        );
    }

    #[test]
    fn mermaid_is_inert() {
        let m = mermaid(HOSTILE);
        for bad in ["<", ">", "|", "`", "\n", "\""] {
            assert!(!m.contains(bad), "{bad:?} in {m}");
        }
        assert_eq!(mermaid("pool01.fabrikam.com"), "pool01.fabrikam.com");
    }

    #[test]
    fn xml_and_terminal_drop_control_characters() {
        assert!(!xml(HOSTILE).contains('\u{1b}'));
        assert!(xml("a\nb").contains('\n'));
        let t = terminal(HOSTILE);
        assert!(!t.contains('\u{1b}') && !t.contains('\n'));
        assert!(t.contains("\\u{1b}"));
        assert_eq!(terminal("CN=x, O=y"), "CN=x, O=y");
    }

    const CONTROLS: &str = "\u{1b}]8;;http://x\u{1b}\\L\u{7}\u{9b}2J\u{202e}R\u{7f}\u{2066}";

    #[test]
    fn terminal_shows_c0_c1_del_and_bidi_controls() {
        assert_eq!(
            terminal(CONTROLS),
            "\\u{1b}]8;;http://x\\u{1b}\\L\\u{7}\\u{9b}2J\\u{202e}R\\u{7f}\\u{2066}"
        );
        assert_eq!(
            terminal("é漢 fe01-x.fabrikam.com"),
            "é漢 fe01-x.fabrikam.com"
        );
        for s in [
            CONTROLS,
            "\u{61c}\u{200e}\u{200f}\u{202a}\u{2069}\u{2028}\t\r\n",
        ] {
            assert!(!terminal(s).chars().any(is_unsafe), "{s:?}");
            // Idempotent: escaping twice changes nothing more.
            assert_eq!(terminal(&terminal(s)), terminal(s));
        }
    }

    #[test]
    fn output_keeps_layout_and_colour_only() {
        let text = format!("a\tb\n\u{1b}[1;31mred\u{1b}[0m {CONTROLS}\r\n");
        let plain = output(&text, false);
        assert!(plain.starts_with("a\tb\n\\u{1b}[1;31mred"), "{plain}");
        assert!(plain.ends_with("\\u{d}\n"), "{plain}");
        let coloured = output(&text, true);
        assert!(
            coloured.starts_with("a\tb\n\u{1b}[1;31mred\u{1b}[0m \\u{1b}]8;;"),
            "{coloured}"
        );
        for out in [
            plain,
            coloured
                .replace("\u{1b}[1;31m", "")
                .replace("\u{1b}[0m", ""),
        ] {
            assert!(
                !out.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t'),
                "{out:?}"
            );
        }
        assert_eq!(output("plain\n", true), "plain\n");
    }
}
