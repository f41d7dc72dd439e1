//! `topocert check --format human`: miette diagnostics grouped by server, each pointing at the
//! server's element in the topology, then a summary table and a verdict.

use super::escape::terminal as esc;
use super::{count, paint, RenderError, View};
use crate::check::ca::CaResolution;
use crate::check::CheckResult;
use crate::finding::{Finding, Severity};
use crate::model::Topology;
use crate::outcome::{Outcome, Verdict};
use crate::source::Src;
use crate::term::push_wrapped;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::fmt;

/// A finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    code: &'static str,
    severity: Severity,
    help: String,
    src: Option<Src>,
    label: Option<LabeledSpan>,
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for FindingDiagnostic {}
impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// Renders one finding; the fix of a rule is given with its first finding only (the same
/// advice for several servers is said once).
fn render_finding(
    topo: &Topology,
    f: &Finding,
    handler: &GraphicalReportHandler,
    width: usize,
    advised: &mut std::collections::HashSet<crate::finding::RuleId>,
    out: &mut String,
) {
    let rule = crate::rules::get(f.rule);
    let label_text = match f.machine() {
        Some(m) => format!("{} is declared here", esc(topo.machines[m.0].fqdn.as_str())),
        None => "declared here".to_string(),
    };
    let d = FindingDiagnostic {
        message: esc(&f.message),
        code: f.rule.as_str(),
        severity: f.severity,
        help: match rule {
            Some(r) if advised.insert(f.rule) => r.fix().to_string(),
            Some(_) => format!("the same fix as for the first {} above", f.rule),
            None => String::new(),
        },
        src: f.span.map(|_| topo.source.named_source()),
        label: f
            .span
            .map(|s| LabeledSpan::new_with_span(Some(label_text), s)),
    };
    let mut s = String::new();
    if handler
        .render_report(&mut s, &crate::snippet::Clipped::new(&d, width))
        .is_ok()
    {
        out.push_str(&s);
        out.push('\n');
    }
}

/// The reference CA lines of the header, wrapped to `width`.
fn reference_ca_lines(topo: &Topology, res: &CaResolution, width: usize, out: &mut String) {
    match res {
        CaResolution::Known(cas) => {
            for c in cas {
                let line = format!("Reference CA: {} — {}", esc(&c.subject), esc(&c.how));
                push_wrapped(out, width, "", "  ", &line);
            }
        }
        CaResolution::Ambiguous { tied } => {
            out.push_str("Reference CA: cannot decide, no issuer issued more than half of the internal servers' certificates (give --ca FILE):\n");
            for c in tied {
                let servers = c.server_names(topo);
                let line = format!("{}: {}", esc(&c.describe()), esc(&servers.join(", ")));
                push_wrapped(out, width, "  - ", "    ", &line);
            }
        }
        CaResolution::Unknown => out.push_str(
            "Reference CA: unknown (no --ca and no certificate of an internal server found)\n",
        ),
    }
}

/// The closing lines every check-like human output ends with: the verdict (in colour when
/// `color`) with its counts and why the run passes or fails.
pub(crate) fn verdict_lines(outcome: &Outcome, color: bool, width: usize) -> String {
    let c = &outcome.counts;
    let mut out = match outcome.verdict {
        Verdict::NotApplicable => format!(
            "{}: nothing to check: this topology has no Persistent Chat pool.\n",
            paint::verdict(Verdict::NotApplicable, color)
        ),
        v => format!(
            "{}: {}; {}, {}, {}.\n",
            paint::verdict(v, color),
            esc(&outcome.summary()),
            count(c.errors, "error"),
            count(c.warnings, "warning"),
            count(c.infos, "note"),
        ),
    };
    if outcome.verdict == Verdict::Unknown {
        out.push_str(
            "Cannot decide every server: see \"cannot decide\" above for what to provide.\n",
        );
    }
    push_wrapped(&mut out, width, "", "", &esc(&outcome.gate_line()));
    out
}

/// `check --format human`: the whole report.
pub fn render(v: &View<'_>, w: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let checked = v.checked()?;
    let (topo, store, result, outcome) = (
        v.topology,
        &checked.store,
        &checked.result,
        &checked.outcome,
    );
    let theme = if v.style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let (color, width) = (v.style.color, v.style.width);
    if v.style.quiet {
        w.write_all(quiet(topo, result, outcome, color, width).as_bytes())?;
        return Ok(());
    }
    let handler = crate::term::diagnostic_handler(theme, width);
    let mut advised = std::collections::HashSet::new();
    let mut out = String::new();
    let title = format!(
        "topocert check: {} ({})",
        esc(&topo.source.name),
        topo.format.as_str()
    );
    push_wrapped(&mut out, width, "", "  ", &title);
    reference_ca_lines(topo, &result.reference_ca, width, &mut out);
    if let Some(note) = &checked.settings_note {
        let line = format!("Settings: {}", esc(note));
        push_wrapped(&mut out, width, "", "  ", &line);
    }
    out.push('\n');
    // Written server by server.
    for (s, so) in result.servers.iter().zip(&outcome.servers) {
        w.write_all(out.as_bytes())?;
        out.clear();
        let m = &topo.machines[s.machine.0];
        let pool = &topo.pools[m.pool.0];
        push_wrapped(
            &mut out,
            width,
            "",
            "  ",
            &format!(
                "● {} ({}, pool {}{}): {}",
                esc(m.fqdn.as_str()),
                s.kind.label(),
                esc(pool.fqdn.as_str()),
                topo.pool_site(m.pool)
                    .map(|x| format!(", site {}", esc(&x.display_name())))
                    .unwrap_or_default(),
                paint::status_text(outcome, so, color)
            ),
        );
        if s.certificates.is_empty() {
            out.push_str("  certificate: none\n");
        }
        for a in &s.certificates {
            let f = &store.files[a.file];
            let label = if s.certificates.len() > 1 {
                format!("{} certificate", crate::usage::describe(&a.usages))
            } else {
                "certificate".to_string()
            };
            push_wrapped(
                &mut out,
                width,
                "  ",
                "    ",
                &format!(
                    "{label}: {} ({}); issued by {}; valid {} to {}",
                    esc(&f.label()),
                    a.explain(),
                    esc(&f.leaf.issuer),
                    crate::time::format_date(f.leaf.not_before),
                    crate::time::format_date(f.leaf.not_after)
                ),
            );
            if let Some(row) = f.leaf.inventory() {
                push_wrapped(&mut out, width, "  ", "    ", &format!(
                    "inventory row: PSComputerName {}; Use {}; its CA is identified by issuer name only",
                    esc(row.computer.as_deref().unwrap_or("-")),
                    if row.uses.is_empty() {
                        "-".to_string()
                    } else {
                        esc(&row.uses.join(", "))
                    }
                ));
            }
        }
        for line in crate::outcome::describe_undecided(result, so) {
            push_wrapped(&mut out, width, "  ", "    ", &esc(&line));
        }
        out.push('\n');
        for f in result.findings_for(s.machine) {
            render_finding(topo, f, &handler, width, &mut advised, &mut out);
        }
    }
    let others: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.machine().is_none())
        .collect();
    if !others.is_empty() {
        out.push_str("● Topology and certificate folder\n\n");
        for f in others {
            render_finding(topo, f, &handler, width, &mut advised, &mut out);
        }
    }
    if !result.servers.is_empty() {
        let rows: Vec<Vec<String>> = result
            .servers
            .iter()
            .zip(&outcome.servers)
            .map(|(s, so)| {
                let m = &topo.machines[s.machine.0];
                let mut rules: Vec<String> = result
                    .rules_for(s.machine)
                    .into_iter()
                    .map(|r| r.as_str().to_string())
                    .collect();
                rules.extend(so.waived.iter().map(|w| esc(w)));
                vec![
                    esc(m.fqdn.as_str()),
                    s.kind.short_label().to_string(),
                    s.assignment()
                        .map_or("-".to_string(), |a| esc(&store.files[a.file].short_label())),
                    paint::status(so.status, color),
                    if rules.is_empty() {
                        "-".into()
                    } else {
                        rules.join(", ")
                    },
                ]
            })
            .collect();
        out.push_str("Summary\n\n");
        w.write_all(out.as_bytes())?;
        out.clear();
        // At a narrow width the certificate column goes first (each server's certificates
        // are listed above), then the findings wrap.
        super::table::write_within(
            &["SERVER", "KIND", "CERTIFICATE", "STATUS", "FINDINGS"],
            &rows,
            width,
            &[2],
            w,
        )?;
        out.push('\n');
    }
    if outcome.has_baseline {
        out.push_str(&baseline_note(topo, result, outcome));
    }
    out.push_str(&verdict_lines(outcome, color, width));
    w.write_all(out.as_bytes())?;
    Ok(())
}

/// `--quiet`: one line per server that is not ready (or unknown), then the verdict.
fn quiet(
    topo: &Topology,
    result: &CheckResult,
    outcome: &Outcome,
    color: bool,
    width: usize,
) -> String {
    let mut out = not_ready_lines(topo, result, outcome, color, width);
    out.push_str(&verdict_lines(outcome, color, width));
    out
}

/// One line per server that is not ready (or unknown), or ready only because a deciding
/// finding was set aside by `--ignore` or `topocert.toml`: `fqdn: status (rules)`, and under an
/// unknown server what would decide it; what every `--quiet` output lists before its verdict.
pub(crate) fn not_ready_lines(
    topo: &Topology,
    result: &CheckResult,
    outcome: &Outcome,
    color: bool,
    width: usize,
) -> String {
    let mut out = String::new();
    for (s, so) in result.servers.iter().zip(&outcome.servers) {
        if so.status == crate::outcome::Status::Ready && so.waived.is_empty() {
            continue;
        }
        let rules: Vec<&str> = result
            .rules_for(s.machine)
            .into_iter()
            .map(|r| r.as_str())
            .collect();
        out.push_str(&format!(
            "{}: {}{}\n",
            esc(topo.machines[s.machine.0].fqdn.as_str()),
            paint::status_text(outcome, so, color),
            if rules.is_empty() {
                String::new()
            } else {
                format!(" ({})", rules.join(", "))
            }
        ));
        for line in crate::outcome::describe_undecided(result, so) {
            push_wrapped(&mut out, width, "  ", "    ", &esc(&line));
        }
    }
    out
}

/// When a baseline was given: how many findings it has, and which are new.
fn baseline_note(topo: &Topology, result: &CheckResult, outcome: &Outcome) -> String {
    let mut out = format!(
        "Baseline: {} of {} in the baseline.\n",
        outcome.counts.baselined,
        count(result.findings.len(), "finding"),
    );
    for (i, f) in result.findings.iter().enumerate() {
        if !outcome.is_baselined(i) && f.severity > Severity::Info {
            let about = f
                .machine()
                .map(|m| format!("{}: ", esc(topo.machines[m.0].fqdn.as_str())))
                .unwrap_or_default();
            out.push_str(&format!("  new: {} {about}{}\n", f.rule, esc(&f.message)));
        }
    }
    out.push('\n');
    out
}
