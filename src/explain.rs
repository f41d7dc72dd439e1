//! `topocert explain RULE`: what a rule checks, why it matters for the Persistent Chat
//! installation, and how to fix its findings.

use crate::rules::{Needs, Rule, RULES};
use miette::Diagnostic;
use thiserror::Error;

/// A rule id that does not exist (exit code 2).
#[derive(Debug, Error, Diagnostic)]
#[error("no rule `{given}`{}", suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
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
pub fn explain(id: &str) -> Result<String, UnknownRule> {
    let rule = crate::rules::by_id(&id.to_ascii_lowercase()).ok_or_else(|| UnknownRule {
        given: id.to_string(),
        suggestion: nearest(id),
    })?;
    Ok(render(rule))
}

fn render(rule: &dyn Rule) -> String {
    let needs = match rule.needs() {
        Needs::Facts => "any certificate, including an inventory row".to_string(),
        Needs::CertificateFile => {
            "the certificate file; not checked for an inventory row".to_string()
        }
        Needs::Partly(what) => format!("partly checked for an inventory row: {what}"),
    };
    format!(
        "{id} ({sev})\n\nWhat it checks: {summary}\n\nWhy it matters: {why}\n\nHow to fix: {fix}\n\nNeeds: {needs}\n",
        id = rule.id(),
        sev = rule.severity().as_str(),
        summary = rule.summary(),
        why = rule.why(),
        fix = rule.fix(),
    )
}

/// `explain --list`: one line per rule: id, severity, summary.
pub fn list() -> String {
    let width = RULES
        .iter()
        .map(|r| r.id().as_str().len())
        .max()
        .unwrap_or(0);
    RULES
        .iter()
        .map(|r| {
            format!(
                "{:width$}  {:7}  {}\n",
                r.id(),
                r.severity().as_str(),
                r.summary()
            )
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
        let e = explain("expird").expect_err("unknown");
        assert_eq!(e.suggestion, Some("expired"));
        assert!(explain("EXPIRED").is_ok());
    }
}
