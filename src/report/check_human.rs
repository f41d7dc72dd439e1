//! `topocert check --format human`: miette diagnostics grouped by server, each pointing at the
//! server's element in the topology, then a summary table and a verdict.

use crate::certs::CertStore;
use crate::check::ca::CaResolution;
use crate::check::CheckResult;
use crate::error::Src;
use crate::model::Topology;
use crate::rules::{Finding, Severity};
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

/// Rendering options.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// Use colour (only on a terminal, and never with `NO_COLOR`).
    pub color: bool,
    /// Wrap width.
    pub width: usize,
}

fn render_finding(
    topo: &Topology,
    f: &Finding,
    handler: &GraphicalReportHandler,
    out: &mut String,
) {
    let rule = crate::rules::by_id(f.rule);
    let label_text = match f.machine {
        Some(m) => format!("{} is declared here", topo.machines[m.0].fqdn),
        None => "declared here".to_string(),
    };
    let d = FindingDiagnostic {
        message: f.message.clone(),
        code: f.rule,
        severity: f.severity,
        help: rule.map_or(String::new(), |r| r.fix().to_string()),
        src: f.span.map(|_| topo.source.named_source()),
        label: f
            .span
            .map(|s| LabeledSpan::new_with_span(Some(label_text), s)),
    };
    let mut s = String::new();
    if handler.render_report(&mut s, &d).is_ok() {
        out.push_str(&s);
        out.push('\n');
    }
}

/// Renders the whole report.
pub fn render(
    topo: &Topology,
    store: &CertStore,
    result: &CheckResult,
    opts: HumanOptions,
) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(opts.width);
    let mut out = String::new();
    out.push_str(&format!(
        "topocert check: {} ({})\n",
        topo.source.name,
        topo.format.as_str()
    ));
    match &result.reference_ca {
        CaResolution::Known(cas) => {
            for c in cas {
                out.push_str(&format!("Reference CA: {} — {}\n", c.subject, c.how));
            }
        }
        CaResolution::Ambiguous { .. } => {
            out.push_str("Reference CA: ambiguous (see ambiguous-internal-ca below)\n")
        }
        CaResolution::Unknown => out.push_str(
            "Reference CA: unknown (no --ca and no certificate of an internal server found)\n",
        ),
    }
    out.push('\n');
    for s in &result.servers {
        let m = &topo.machines[s.machine.0];
        let pool = &topo.pools[m.pool.0];
        let status = result.server_status(s.machine);
        let verdict = match status {
            Some(Severity::Error) => "NOT READY",
            Some(Severity::Warning) => "ready, with warnings",
            _ => "ready",
        };
        out.push_str(&format!(
            "● {} ({} server, pool {}{}): {}\n",
            m.fqdn,
            s.kind.as_str(),
            pool.fqdn,
            topo.pool_site(m.pool)
                .map(|x| format!(", site {}", x.display_name()))
                .unwrap_or_default(),
            verdict
        ));
        match &s.assignment {
            Some(a) => {
                let f = &store.files[a.file];
                out.push_str(&format!(
                    "  certificate: {} ({}); issued by {}; valid {} to {}\n",
                    f.path.display(),
                    a.explain(),
                    f.leaf.issuer,
                    crate::time::format_date(f.leaf.not_before),
                    crate::time::format_date(f.leaf.not_after)
                ));
            }
            None => out.push_str("  certificate: none\n"),
        }
        if let Some(row) = s
            .assignment
            .as_ref()
            .and_then(|a| store.files[a.file].leaf.inventory())
        {
            out.push_str(&format!(
                "  inventory row: PSComputerName {}; Use {}; its CA is identified by issuer name only\n",
                row.computer.as_deref().unwrap_or("-"),
                if row.uses.is_empty() {
                    "-".to_string()
                } else {
                    row.uses.join(", ")
                }
            ));
        }
        out.push('\n');
        for f in result.findings_for(s.machine) {
            render_finding(topo, f, &handler, &mut out);
        }
    }
    let others: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.machine.is_none())
        .collect();
    if !others.is_empty() {
        out.push_str("● Topology and certificate folder\n\n");
        for f in others {
            render_finding(topo, f, &handler, &mut out);
        }
    }
    // Summary table.
    let rows: Vec<Vec<String>> = result
        .servers
        .iter()
        .map(|s| {
            let m = &topo.machines[s.machine.0];
            let rules = result.rules_for(s.machine);
            vec![
                m.fqdn.to_string(),
                s.kind.as_str().to_string(),
                s.assignment.as_ref().map_or("-".to_string(), |a| {
                    crate::certs::load::short_name(&store.files[a.file].path)
                }),
                super::check_json::status_str(result.server_status(s.machine)).to_string(),
                if rules.is_empty() {
                    "-".into()
                } else {
                    rules.join(", ")
                },
            ]
        })
        .collect();
    out.push_str("Summary\n\n");
    out.push_str(&super::table::render(
        &["SERVER", "KIND", "CERTIFICATE", "STATUS", "FINDINGS"],
        &rows,
    ));
    let errors = result.count(Severity::Error);
    let warnings = result.count(Severity::Warning);
    let infos = result.count(Severity::Info);
    let not_ready = result
        .servers
        .iter()
        .filter(|s| result.server_status(s.machine) == Some(Severity::Error))
        .count();
    out.push('\n');
    out.push_str(&format!(
        "{}: {} of {} servers not ready; {} errors, {} warnings, {} notes.\n",
        if errors > 0 { "NOT READY" } else { "READY" },
        not_ready,
        result.servers.len(),
        errors,
        warnings,
        infos
    ));
    out
}

/// A closing note when a baseline was given: how many findings it has, and which fail.
pub fn gate_note(topo: &Topology, result: &CheckResult, gate: &crate::gate::Gate) -> String {
    if !gate.has_baseline {
        return String::new();
    }
    let mut out = format!(
        "\nBaseline: {} of {} finding(s) are in the baseline and do not fail the run.\n",
        gate.baselined_count(),
        result.findings.len()
    );
    for (i, f) in result.findings.iter().enumerate() {
        if !gate.is_baselined(i) && f.severity > Severity::Info {
            let about = f
                .machine
                .map(|m| format!("{}: ", topo.machines[m.0].fqdn))
                .unwrap_or_default();
            out.push_str(&format!("  new: {} {about}{}\n", f.rule, f.message));
        }
    }
    out
}
