//! Colour for the words a reader scans for in terminal output: each server's status, the
//! summary table's STATUS column and the verdict. Green for ready, red for not ready, yellow for
//! unknown; nothing at all when the style has no colour (`--color never`, `NO_COLOR`, not a
//! terminal), so the plain text is the coloured text with its escape sequences removed.

use crate::outcome::{Status, Verdict};
use owo_colors::OwoColorize;

/// A status word (`ready`, `not ready`, `unknown`) in its colour when `on`.
pub fn status(s: Status, on: bool) -> String {
    let text = s.label();
    if !on {
        return text.to_string();
    }
    match s {
        Status::Ready => text.green().to_string(),
        Status::NotReady => text.red().bold().to_string(),
        Status::Unknown => text.yellow().bold().to_string(),
    }
}

/// A server's status word in its colour, then what it rests on besides its findings (see
/// [`crate::outcome::Outcome::status_note`]): "ready (foreign-ca ignored by --ignore)".
pub fn status_text(
    o: &crate::outcome::Outcome,
    so: &crate::outcome::ServerOutcome,
    on: bool,
) -> String {
    let note = o.status_note(so);
    if note.is_empty() {
        status(so.status, on)
    } else {
        format!(
            "{} ({})",
            status(so.status, on),
            crate::report::escape::terminal(&note)
        )
    }
}

/// A verdict headline (`READY`, `NOT READY`, ...) in its colour, bold, when `on`.
pub fn verdict(v: Verdict, on: bool) -> String {
    let text = v.headline();
    if !on {
        return text.to_string();
    }
    match v {
        Verdict::Ready => text.green().bold().to_string(),
        Verdict::NotReady => text.red().bold().to_string(),
        Verdict::Unknown => text.yellow().bold().to_string(),
        Verdict::NotApplicable => text.bold().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_when_asked_and_the_words_stay_the_same() {
        for s in [Status::Ready, Status::NotReady, Status::Unknown] {
            assert_eq!(status(s, false), s.label());
            let painted = status(s, true);
            assert!(painted.starts_with("\u{1b}["), "{painted:?}");
            assert!(painted.contains(s.label()));
            assert_eq!(crate::term::display_width(&painted), s.label().len());
        }
        assert_eq!(verdict(Verdict::NotReady, false), "NOT READY");
        assert!(verdict(Verdict::NotReady, true).contains("\u{1b}[31m"));
        assert!(verdict(Verdict::Ready, true).contains("\u{1b}[32m"));
    }
}
