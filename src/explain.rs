//! `topocert explain RULE`: what a rule checks, why it matters for the Persistent Chat
//! installation, and how to fix its findings.

use crate::rules::{Needs, Rule, RULES};
use miette::Diagnostic;
use thiserror::Error;

/// A rule id that does not exist (exit code 2).
#[derive(Debug, Error, Diagnostic)]
#[error("no rule `{}`{}", crate::report::escape::terminal(given), suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
#[diagnostic(code(topocert::unknown_rule), help("the rules are: {}", ids().join(", ")))]
pub struct UnknownRule {
    /// What was asked for.
    pub given: String,
    /// The closest rule id, if any is close.
    pub suggestion: Option<&'static str>,
}

/// Every rule id, in reporting order.
pub fn ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id().as_str()).collect()
}

/// The rule id closest to `given` (Jaro-Winkler similarity of at least 0.8).
pub fn nearest(given: &str) -> Option<&'static str> {
    let given = given.to_ascii_lowercase();
    RULES
        .iter()
        .map(|r| {
            (
                strsim::jaro_winkler(&given, r.id().as_str()),
                r.id().as_str(),
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// The explanation of one rule, or [`UnknownRule`].
pub fn explain(id: &str, width: usize) -> Result<String, UnknownRule> {
    let rule = crate::rules::by_id(&id.to_ascii_lowercase()).ok_or_else(|| UnknownRule {
        given: id.to_string(),
        suggestion: nearest(id),
    })?;
    Ok(render(rule, width))
}

/// One rule's explanation, each paragraph wrapped to `width` with a hanging indent.
fn render(rule: &dyn Rule, width: usize) -> String {
    let needs = match rule.needs() {
        Needs::Facts => "any certificate, including an inventory row".to_string(),
        Needs::CertificateFile => {
            "the certificate file; not checked for an inventory row".to_string()
        }
        Needs::Partly(what) => format!("partly checked for an inventory row: {what}"),
    };
    let source = rule.source().describe();
    let mut out = format!("{} ({})\n", rule.id(), rule.severity().as_str());
    for (head, text) in [
        ("What it checks", rule.summary()),
        ("Why it matters", rule.why()),
        ("Source", source.as_str()),
        ("How to fix", rule.fix()),
        ("Needs", needs.as_str()),
    ] {
        out.push('\n');
        crate::term::push_wrapped(&mut out, width, "", "  ", &format!("{head}: {text}"));
        if head == "Source" {
            // An address is never broken: on a line of its own, it may pass the width.
            if let Some(url) = rule.source().url() {
                out.push_str(&format!("  {url}\n"));
            }
        }
    }
    out
}

/// `explain --list`: one line per rule: id, severity, summary, in aligned columns; a summary
/// that does not fit in `width` wraps under its column.
pub fn list(width: usize) -> String {
    let ids = RULES
        .iter()
        .map(|r| r.id().as_str().len())
        .max()
        .unwrap_or(0);
    let rest = " ".repeat(ids + 2 + 7 + 2);
    RULES
        .iter()
        .map(|r| {
            let first = format!("{:ids$}  {:7}  ", r.id().as_str(), r.severity().as_str());
            crate::term::wrap_indented(r.summary(), width, &first, &rest) + "\n"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rule_is_suggested() {
        assert_eq!(nearest("expird"), Some("expired"));
        assert_eq!(nearest("weak-keys"), Some("weak-key"));
        assert_eq!(nearest("zzzz"), None);
        let e = explain("expird", 100).expect_err("unknown");
        assert_eq!(e.suggestion, Some("expired"));
        assert!(explain("EXPIRED", 100).is_ok());
    }

    #[test]
    fn list_and_explanations_fit_80_and_100_columns_in_aligned_columns() {
        for width in [80, 100] {
            let list = list(width);
            for line in list.lines() {
                assert!(crate::term::display_width(line) <= width, "{width}: {line}");
            }
            // Every summary starts in the same column, and continuation lines start there too.
            let column = RULES
                .iter()
                .map(|r| r.id().as_str().len())
                .max()
                .unwrap_or(0)
                + 11;
            for line in list.lines() {
                let (before, text) = line.split_at(column);
                assert!(
                    before.ends_with("  ") && !text.starts_with(' '),
                    "{width}: {line}"
                );
            }
            for r in RULES {
                let text = explain(r.id().as_str(), width).expect("known");
                for line in text.lines() {
                    let url =
                        line.trim_start().starts_with("https://") && !line.trim().contains(' ');
                    assert!(
                        url || crate::term::display_width(line) <= width,
                        "{width}: {line}"
                    );
                }
                assert!(text.contains(
                    &r.source()
                        .describe()
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string()
                ));
                let flat: Vec<&str> = text.split_whitespace().collect();
                assert!(flat
                    .join(" ")
                    .contains(&r.fix().split_whitespace().collect::<Vec<_>>().join(" ")));
            }
        }
        // Negative: the same text unwrapped runs past 80 columns.
        assert!(RULES.iter().any(|r| r.why().len() > 80));
    }
}
