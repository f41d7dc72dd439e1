//! The terminal: its width, and text wrapped to it without splitting what a reader copies
//! (identifiers, FQDNs, paths, cmdlet names). Source snippets are clipped to it by
//! [`crate::snippet`].
//!
//! Width: `COLUMNS` when set to a number, else the size of the terminal the stream is, else
//! [`FALLBACK_WIDTH`] (a pipe or a file). Wrapping breaks only at ASCII spaces: never after a
//! hyphen (`Request-CsCertificate`), a dot (`pc-old.fabrikam.com`) or a slash (paths), which
//! Unicode line breaking would allow; a word longer than the line stays whole on its own line.

/// Width used when the output is not a terminal and `COLUMNS` is not set.
pub const FALLBACK_WIDTH: usize = 100;

/// Narrowest width honoured: a smaller `COLUMNS` or terminal counts as this.
pub(crate) const MIN_WIDTH: usize = 40;

/// The stream whose terminal decides the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output (tables, reports).
    Stdout,
    /// Standard error (diagnostics).
    Stderr,
}

/// The width to write `stream` at: `COLUMNS`, else the terminal's width, else
/// [`FALLBACK_WIDTH`].
pub fn width(stream: Stream) -> usize {
    let columns = std::env::var("COLUMNS").ok();
    let terminal = match stream {
        Stream::Stdout => terminal_size::terminal_size_of(std::io::stdout()),
        Stream::Stderr => terminal_size::terminal_size_of(std::io::stderr()),
    };
    width_from(columns.as_deref(), terminal.map(|(w, _)| usize::from(w.0)))
}

/// [`width`] from its inputs: `COLUMNS` (used when it is a positive number) wins over the
/// terminal's width; neither gives [`FALLBACK_WIDTH`]; the result is at least [`MIN_WIDTH`].
pub(crate) fn width_from(columns: Option<&str>, terminal: Option<usize>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or(terminal.filter(|&t| t > 0))
        .unwrap_or(FALLBACK_WIDTH)
        .max(MIN_WIDTH)
}

/// textwrap options that break only at spaces and never inside a word.
fn options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width.max(1))
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false)
}

/// `text` wrapped to `width` columns, lines joined with `\n` (no trailing newline); breaks only
/// at spaces, so identifiers, FQDNs, paths and cmdlet names stay whole. Existing line breaks
/// are kept.
pub fn wrap(text: &str, width: usize) -> String {
    textwrap::fill(text, options(width))
}

/// [`wrap`] with the first line starting with `first` and the others with `rest` (e.g. a
/// hanging indent: `"  help: "` and `"        "`); the indents count towards `width`.
pub fn wrap_indented(text: &str, width: usize, first: &str, rest: &str) -> String {
    textwrap::fill(
        text,
        options(width).initial_indent(first).subsequent_indent(rest),
    )
}

/// [`wrap_indented`] appended to `out`, with a line break after it: one wrapped line of a
/// terminal report.
pub fn push_wrapped(out: &mut String, width: usize, first: &str, rest: &str, text: &str) {
    out.push_str(&wrap_indented(text, width, first, rest));
    out.push('\n');
}

/// The largest character boundary of `text` at or before byte `i` (`text.len()` at most).
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Display width of `text` in terminal columns (wide characters count two).
pub fn display_width(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// A miette report handler that wraps at `width` and breaks lines only at spaces (miette's
/// default also breaks after hyphens and slashes).
pub fn diagnostic_handler(
    theme: miette::GraphicalTheme,
    width: usize,
) -> miette::GraphicalReportHandler {
    miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// Installs the miette hook for the diagnostics the process prints to standard error: the
/// width of [`width`]`(Stream::Stderr)`, lines broken only at spaces, source snippets clipped
/// to the width ([`crate::snippet`]). Call once, first thing.
pub fn install_diagnostic_hook() {
    let width = width(Stream::Stderr);
    // Only fails when a hook is already installed, which then stays.
    let _ = miette::set_hook(Box::new(move |_| {
        let handler = miette::MietteHandlerOpts::new()
            .width(width)
            .break_words(false)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .build();
        Box::new(crate::snippet::ClippingHandler::new(
            Box::new(handler),
            width,
        ))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADVICE: &str = "Request a new certificate for pc-old.fabrikam.com from the internal \
        CA with Request-CsCertificate -New -Type Default,WebServicesInternal and import it \
        with Import-CsCertificate; the old one is C:\\ProgramData\\certs\\pc-old.fabrikam.com.cer \
        and sample-topologies/enterprise-multisite/certs/fe01.fabrikam.com.cer is an example.";

    /// Every word of `text` appears whole on some line.
    fn words_whole(text: &str, wrapped: &str) {
        for w in text.split_whitespace() {
            assert!(
                wrapped
                    .lines()
                    .any(|l| l.split_whitespace().any(|x| x == w)),
                "{w} was split:\n{wrapped}"
            );
        }
    }

    #[test]
    fn width_prefers_columns_then_the_terminal_then_100() {
        assert_eq!(width_from(Some("80"), Some(120)), 80);
        assert_eq!(width_from(Some(" 132 "), None), 132);
        assert_eq!(width_from(None, Some(120)), 120);
        assert_eq!(width_from(None, None), 100);
        assert_eq!(width_from(Some("wide"), Some(90)), 90);
        assert_eq!(width_from(Some("0"), None), 100);
        assert_eq!(width_from(Some("10"), None), MIN_WIDTH);
    }

    #[test]
    fn wrapping_at_80_and_100_never_splits_identifiers_fqdns_paths_or_cmdlets() {
        for width in [80, 100] {
            let wrapped = wrap(ADVICE, width);
            words_whole(ADVICE, &wrapped);
            assert!(wrapped.lines().count() > 1, "{width}: {wrapped}");
            for line in wrapped.lines() {
                let long_word = !line.contains(' ');
                assert!(display_width(line) <= width || long_word, "{width}: {line}");
            }
        }
        assert_eq!(
            wrap(ADVICE, 80).lines().next(),
            Some("Request a new certificate for pc-old.fabrikam.com from the internal CA with")
        );
        assert_eq!(
            wrap(ADVICE, 100).lines().next(),
            Some(
                "Request a new certificate for pc-old.fabrikam.com from the internal CA with \
                 Request-CsCertificate"
            )
        );
    }

    #[test]
    fn a_word_longer_than_the_line_stays_whole_on_its_own_line() {
        let path = format!("/{}/fe01.fabrikam.com.cer", "very-long-folder".repeat(8));
        let text = format!("the file {path} is unreadable");
        let wrapped = wrap(&text, 80);
        assert_eq!(
            wrapped.lines().collect::<Vec<_>>(),
            ["the file", path.as_str(), "is unreadable"]
        );
    }

    #[test]
    fn hanging_indent_counts_towards_the_width() {
        let wrapped = wrap_indented(ADVICE, 80, "  help: ", "        ");
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines[0].starts_with("  help: Request a new"));
        assert!(lines[1..]
            .iter()
            .all(|l| l.starts_with("        ") && !l.starts_with("         ")));
        assert!(lines.iter().all(|l| display_width(l) <= 80));
        words_whole(ADVICE, &wrapped);
    }
}
