//! `topocert diff --format human`: +/-/~ lines, the readiness delta and the verdicts.

use super::escape::terminal as esc;
use super::{RenderError, View};
use crate::check::{CheckResult, CheckedKind};
use crate::checked::Checked;
use crate::diff::{Change, FieldChange};
use crate::outcome::{Outcome, Status, Verdict};
use crate::term::push_wrapped;

/// `file upload/download server` or `Persistent Chat server`.
pub(crate) fn kind_label(k: CheckedKind) -> &'static str {
    k.label()
}

/// One field change for people: `pool a → b` or `dependencies +x -y`.
pub(crate) fn field_text(f: &FieldChange) -> String {
    if f.old.len() <= 1
        && f.new.len() <= 1
        && f.field != "dependencies"
        && f.field != "web-components"
    {
        let v = |x: &[String]| x.first().cloned().unwrap_or_else(|| "(none)".into());
        return format!("{} {} → {}", f.field, v(&f.old), v(&f.new));
    }
    let mut parts: Vec<String> = f.added().iter().map(|a| format!("+{a}")).collect();
    parts.extend(f.removed().iter().map(|r| format!("-{r}")));
    format!("{} {}", f.field, parts.join(" "))
}

/// One readiness line without its marker.
pub(crate) fn role_change_text(old: Option<CheckedKind>, new: Option<CheckedKind>) -> String {
    match (old, new) {
        (None, Some(n)) => format!("becomes a {}", kind_label(n)),
        (Some(o), None) => format!("is no longer a {}", kind_label(o)),
        (Some(o), Some(n)) => format!("changes from {} to {}", kind_label(o), kind_label(n)),
        (None, None) => String::new(),
    }
}

/// The verdict sentence about the servers the change adds or moves.
pub(crate) fn verdict_sentence(result: &CheckResult, outcome: &Outcome) -> String {
    let n = result.servers.len();
    let cas: Vec<String> = result
        .reference_ca
        .cas()
        .iter()
        .map(|c| c.subject.clone())
        .collect();
    let from = if cas.is_empty() {
        "the internal servers' CA".to_string()
    } else {
        cas.join(" or ")
    };
    let none = result
        .servers
        .iter()
        .filter(|s| s.assignment().is_none())
        .count();
    let c = &outcome.counts;
    format!(
        "This change adds or moves {n} server{} that need{} certificates from {from}; {none} {} none; {} ready, {} not ready, {} unknown.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if none == 1 { "has" } else { "have" },
        c.ready,
        c.not_ready,
        c.unknown,
    )
}

/// The closing verdict of a diff with certificates (the outcome's, worded for a change; in
/// colour when `color`).
pub(crate) fn diff_verdict_lines(outcome: &Outcome, color: bool, width: usize) -> String {
    if outcome.verdict == Verdict::NotApplicable {
        return format!(
            "{}: the change adds or moves no file upload/download or Persistent Chat server.\n{}\n",
            super::paint::verdict(Verdict::NotApplicable, color),
            outcome.gate_line()
        );
    }
    super::check_human::verdict_lines(outcome, color, width)
}

/// `text` (its control characters shown visibly) wrapped to `width` (continuation lines
/// indented), then `  (at)` on its last line
/// when it fits there, else on a line of its own: a locator such as `NEW line 89` is never
/// split.
fn put_located(out: &mut String, width: usize, text: &str, at: &str) {
    let mut wrapped = crate::term::wrap_indented(&esc(text), width, "", "    ");
    if !at.is_empty() {
        let locator = format!("({at})");
        let last = wrapped.rsplit('\n').next().unwrap_or("");
        if crate::term::display_width(last) + 2 + crate::term::display_width(&locator) <= width {
            wrapped.push_str("  ");
        } else {
            wrapped.push_str("\n    ");
        }
        wrapped.push_str(&locator);
    }
    out.push_str(&wrapped);
    out.push('\n');
}

/// `diff --format human`: the change and, with certificates, the restricted check; every line
/// wrapped to the width. With `--quiet`: the readiness changes, the servers that are not ready
/// and the verdict.
pub fn render(v: &View<'_>, w: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let d = v.diff()?;
    let diff = d.diff;
    let width = v.style.width;
    let put = |out: &mut String, text: &str, at: &str| put_located(out, width, text, at);
    // Written in pieces of about CHUNK bytes as the lines are made.
    const CHUNK: usize = 1 << 16;
    let mut flush = |out: &mut String, at_least: usize| -> std::io::Result<()> {
        if out.len() >= at_least {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        Ok(())
    };
    let mut out = String::new();
    if !v.style.quiet {
        out.push_str(&format!(
            "--- {}\n+++ {}\n",
            esc(d.old_name),
            esc(d.new_name)
        ));
        if diff.is_empty() {
            out.push_str("\nno changes\n");
        }
        if !diff.changes.is_empty() {
            out.push_str("\nTopology\n");
            for c in &diff.changes {
                let (line, rest) = match &c.change {
                    Change::Added { line } => (format!("NEW line {line}"), String::new()),
                    Change::Removed { line } => (format!("OLD line {line}"), String::new()),
                    Change::Changed { line, fields } => (
                        format!("NEW line {line}"),
                        format!(
                            ": {}",
                            fields.iter().map(field_text).collect::<Vec<_>>().join("; ")
                        ),
                    ),
                };
                let text = format!(
                    "{} {} {}{}",
                    c.change.marker(),
                    c.element.as_str(),
                    c.identity,
                    rest
                );
                put(&mut out, &text, &line);
                flush(&mut out, CHUNK)?;
            }
        }
    }
    let r = &diff.readiness;
    if !(r.role_changes.is_empty() && r.moves.is_empty() && r.serving_changes.is_empty()) {
        if !v.style.quiet {
            out.push_str("\nReadiness\n");
        }
        for c in &r.role_changes {
            let m = if c.new.is_some() { '+' } else { '-' };
            let text = format!("{m} {} {}", c.server, role_change_text(c.old, c.new));
            put(&mut out, &text, &c.line.to_string());
            flush(&mut out, CHUNK)?;
        }
        for m in &r.moves {
            let text = format!(
                "~ {} moves from {} ({}) to {} ({})",
                m.server, m.old_pool, m.old_site, m.new_pool, m.new_site
            );
            put(&mut out, &text, &format!("NEW line {}", m.line));
            flush(&mut out, CHUNK)?;
        }
        for s in &r.serving_changes {
            let v = |x: &Option<Vec<String>>| match x {
                None => "(no such pool)".to_string(),
                Some(v) if v.is_empty() => "(none)".to_string(),
                Some(v) => v.join(", "),
            };
            let text = format!(
                "~ Persistent Chat pool {} file upload/download served by {} → {}",
                s.pool,
                v(&s.old),
                v(&s.new)
            );
            put(&mut out, &text, "");
        }
    } else if v.style.quiet && v.checked.is_none() {
        out.push_str("no readiness change\n");
    }
    if let Some(Checked {
        result, outcome, ..
    }) = v.checked
    {
        let topo = v.topology;
        if v.style.quiet {
            out.push_str(&super::check_human::not_ready_lines(
                topo,
                result,
                outcome,
                v.style.color,
                v.style.width,
            ));
            out.push_str(&diff_verdict_lines(outcome, v.style.color, v.style.width));
            flush(&mut out, 0)?;
            return Ok(());
        }
        out.push_str("\nCertificates of the servers this change adds or moves\n");
        put(&mut out, &verdict_sentence(result, outcome), "");
        let column = ["ready", "not ready", "unknown"]
            .map(str::len)
            .into_iter()
            .max()
            .unwrap_or(0);
        let detail = " ".repeat(column + 5);
        for (s, so) in result.servers.iter().zip(&outcome.servers) {
            flush(&mut out, CHUNK)?;
            let pad = " ".repeat(column - so.status.label().len());
            out.push_str(&format!(
                "  {}{pad} {}\n",
                super::paint::status_text(outcome, so, v.style.color),
                esc(topo.machines[s.machine.0].fqdn.as_str())
            ));
            for f in result.findings_for(s.machine) {
                let text = format!("{} {}: {}", f.severity.as_str(), f.rule, esc(&f.message));
                push_wrapped(&mut out, width, &detail, &format!("{detail}  "), &text);
            }
            if so.status == Status::Unknown {
                for u in crate::outcome::describe_undecided(result, so) {
                    push_wrapped(&mut out, width, &detail, &format!("{detail}  "), &esc(&u));
                }
            }
        }
        out.push('\n');
        out.push_str(&diff_verdict_lines(outcome, v.style.color, v.style.width));
    }
    flush(&mut out, 0)?;
    Ok(())
}
