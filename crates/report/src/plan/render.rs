//! Renderers of a [`Plan`]: human text, JSON, CSV (one row per server) and Markdown.

use super::{Plan, ServerPlan, MIN_RSA_BITS, SERVER_AUTH_OID};
use serde::Serialize;

/// What every planned certificate needs besides its names.
#[derive(Debug, Clone, Serialize)]
pub struct Requirements {
    /// Key algorithm.
    pub key_algorithm: &'static str,
    /// Smallest key size in bits.
    pub min_key_bits: u32,
    /// Extended key usage OID.
    pub eku: &'static str,
    /// Its name.
    pub eku_name: &'static str,
}

/// The requirements of every planned certificate.
pub(crate) const REQUIREMENTS: Requirements = Requirements {
    key_algorithm: "RSA",
    min_key_bits: MIN_RSA_BITS,
    eku: SERVER_AUTH_OID,
    eku_name: "Server Authentication",
};

/// The layout version of `plan --format json` (2: `servers[].status` and `action`).
pub const SCHEMA_VERSION: u32 = 2;

/// The JSON document of `plan --format json` (docs/plan.md).
#[derive(Debug, Serialize)]
pub struct JsonPlan<'a> {
    /// Layout version.
    pub schema_version: u32,
    /// The topology as given.
    pub topology: &'a str,
    /// With certificates: the check's verdict (`ready`, `not-ready`, `unknown`, `not-applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::outcome::Verdict>,
    /// With certificates: the exit code the outcome gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// Key and EKU of every certificate.
    pub requirements: Requirements,
    /// The plan.
    #[serde(flatten)]
    pub plan: &'a Plan,
}

/// The JSON view of a plan, with the check's outcome when there was one.
pub fn json<'a>(
    topology: &'a str,
    plan: &'a Plan,
    outcome: Option<&crate::outcome::Outcome>,
) -> JsonPlan<'a> {
    JsonPlan {
        schema_version: SCHEMA_VERSION,
        topology,
        verdict: outcome.map(|o| o.verdict),
        exit_code: outcome.map(|o| o.exit_code),
        requirements: REQUIREMENTS,
        plan,
    }
}

fn role(s: &ServerPlan) -> String {
    let what = s.kind.label();
    let site = s
        .site
        .as_deref()
        .map(|x| format!(", site {x}"))
        .unwrap_or_default();
    format!("{what}, {} pool {}{site}", s.pool_kind.label(), s.pool)
}

fn requirements_line() -> String {
    format!(
        "RSA {MIN_RSA_BITS} bits or more, Server Authentication EKU ({SERVER_AUTH_OID}), subject CN = the server FQDN"
    )
}

/// Widest name column of `plan --format human`: a longer name pushes its reason to the right
/// instead of widening every row (and a formatting width never exceeds what `format!` takes).
pub(crate) const NAME_COLUMN_MAX: usize = 64;

/// Text for a terminal, each line wrapped to `width` (breaking only at spaces, continuation
/// lines indented under their text); every value shown through
/// [`crate::report::escape::terminal`]. Written to `out` server by server.
pub(crate) fn write_human(
    topology: &str,
    plan: &Plan,
    width: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::report::escape::terminal as esc;
    let line = |o: &mut String, first: &str, rest: &str, text: &str| {
        crate::term::push_wrapped(o, width, first, rest, &esc(text))
    };
    let mut o = String::new();
    let title = format!(
        "Certificate plan for {topology}: {}",
        crate::report::count(plan.servers.len(), "server")
    );
    line(&mut o, "", "  ", &title);
    line(
        &mut o,
        "",
        "  ",
        &format!("Every certificate: {}", requirements_line()),
    );
    line(
        &mut o,
        "",
        "  ",
        &format!("Issued by: {}", plan.issuing_ca.describe()),
    );
    if plan.servers.is_empty() {
        o.push_str(
            "\nNo file upload/download server and no Persistent Chat server: nothing to request.\n",
        );
        return out.write_all(o.as_bytes());
    }
    for s in &plan.servers {
        out.write_all(o.as_bytes())?;
        o.clear();
        o.push('\n');
        line(&mut o, "", "  ", &format!("{} ({})", s.fqdn, role(s)));
        line(&mut o, "  ", "    ", &format!("subject: {}", s.subject()));
        o.push_str("  DNS names (required unless marked recommended):\n");
        let shown: Vec<String> = s.names.iter().map(|n| esc(n.name.as_str())).collect();
        let names = shown
            .iter()
            .map(|n| crate::term::display_width(n))
            .max()
            .unwrap_or(0)
            .min(NAME_COLUMN_MAX);
        // Reasons wrap under their column.
        let under = " ".repeat(4 + names + 2);
        for (n, name) in s.names.iter().zip(&shown) {
            let pad = names.saturating_sub(crate::term::display_width(name));
            let first = format!("    {name}{}  ", " ".repeat(pad));
            line(&mut o, &first, &under, &reason_text(n));
            for a in &n.also_required_by {
                let text = format!("also required by {}", a.describe());
                line(
                    &mut o,
                    &format!("{under}  "),
                    &format!("{under}    "),
                    &text,
                );
            }
        }
        if let Some(r) = &s.readiness {
            line(&mut o, "  ", "    ", &format!("status: {}", r.describe()));
            if let Some(c) = &r.certificate {
                line(&mut o, "  ", "    ", &format!("found: {c}"));
            }
            for u in &r.undecided {
                line(&mut o, "  ", "    ", u);
            }
        }
    }
    if plan.servers.iter().any(|s| s.readiness.is_some()) {
        o.push('\n');
        let closing = format!(
            "{} of {} need a certificate requested, reissued or verified.",
            plan.needing_action(),
            crate::report::count(plan.servers.len(), "server")
        );
        line(&mut o, "", "  ", &closing);
    }
    out.write_all(o.as_bytes())
}

/// The CSV columns, one row per server.
pub(crate) const CSV_HEADER: [&str; 13] = [
    "server",
    "kind",
    "pool",
    "site",
    "subject",
    "dns_names",
    "key",
    "eku",
    "issuing_ca",
    "status",
    "action",
    "action_detail",
    "recommended_names",
];

/// CSV for a CA team: one row per server; `dns_names` (every name to request) and
/// `recommended_names` (those of them that do not decide readiness) separated by `;`; control
/// characters in values shown visibly ([`crate::report::escape::terminal`]), as a CSV is read
/// in a terminal too.
pub fn csv(plan: &Plan) -> String {
    use crate::report::escape::terminal as esc;
    let mut w = csv::Writer::from_writer(Vec::new());
    let ca = plan.issuing_ca.describe();
    let key = format!("RSA {MIN_RSA_BITS}+");
    let eku = format!("Server Authentication ({SERVER_AUTH_OID})");
    let _ = w.write_record(CSV_HEADER);
    for s in &plan.servers {
        let (status, action, detail) = match &s.readiness {
            Some(r) => (r.status.as_str(), r.action.as_str(), r.action.describe()),
            None => ("", "", String::new()),
        };
        let _ = w.write_record(
            [
                s.fqdn.as_str(),
                s.kind.as_str(),
                s.pool.as_str(),
                s.site.as_deref().unwrap_or(""),
                &s.subject(),
                &s.dns_names().join(";"),
                &key,
                &eku,
                &ca,
                status,
                action,
                &detail,
                &recommended(s).join(";"),
            ]
            .map(esc),
        );
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The names of a server's plan that are recommended, not required.
fn recommended(s: &super::ServerPlan) -> Vec<&str> {
    s.names
        .iter()
        .filter(|n| n.need == crate::required::Need::Recommended)
        .map(|n| n.name.as_str())
        .collect()
}

/// What a name's reason says in the human and Markdown plans: a recommended name says so and
/// which service uses it.
fn reason_text(n: &crate::required::PlannedName) -> String {
    match n.need {
        crate::required::Need::Required => n.reason.describe(),
        crate::required::Need::Recommended => format!(
            "recommended, not required for Persistent Chat: {}; used by {}",
            n.reason.describe(),
            n.reason.source.affects()
        ),
    }
}

use crate::report::escape::markdown as cell;

/// Markdown: a summary table, then one table of names per server.
pub fn markdown(topology: &str, plan: &Plan) -> String {
    let mut o = format!("# Certificate plan for {}\n\n", cell(topology));
    o.push_str(&format!("- Every certificate: {}\n", requirements_line()));
    o.push_str(&format!(
        "- Issued by: {}\n\n",
        cell(&plan.issuing_ca.describe())
    ));
    if plan.servers.is_empty() {
        o.push_str(
            "No file upload/download server and no Persistent Chat server: nothing to request.\n",
        );
        return o;
    }
    let with_status = plan.servers.iter().any(|s| s.readiness.is_some());
    o.push_str(if with_status {
        "| server | kind | pool | DNS names | status |\n|---|---|---|---|---|\n"
    } else {
        "| server | kind | pool | DNS names |\n|---|---|---|---|\n"
    });
    for s in &plan.servers {
        o.push_str(&format!(
            "| {} | {} | {} | {} |",
            cell(s.fqdn.as_str()),
            s.kind.short_label(),
            cell(s.pool.as_str()),
            cell(&s.dns_names().join(", "))
        ));
        if let Some(r) = &s.readiness {
            o.push_str(&format!(" {} |", cell(&r.describe())));
        }
        o.push('\n');
    }
    for s in &plan.servers {
        o.push_str(&format!(
            "\n## {}\n\n{}; subject {}.\n\n",
            cell(s.fqdn.as_str()),
            cell(&role(s)),
            cell(&s.subject())
        ));
        o.push_str("| DNS name | need | required by | line:column |\n|---|---|---|---|\n");
        for n in &s.names {
            let mut by = format!("{}: {}", n.reason.source.label(), n.reason.element);
            if n.need == crate::required::Need::Recommended {
                by.push_str(&format!("; used by {}", n.reason.source.affects()));
            }
            for a in &n.also_required_by {
                by.push_str(&format!(
                    "; also {}: {} ({}:{})",
                    a.source.label(),
                    a.element,
                    a.line,
                    a.column
                ));
            }
            o.push_str(&format!(
                "| {} | {} | {} | {}:{} |\n",
                cell(n.name.as_str()),
                n.need.as_str(),
                cell(&by),
                n.reason.line,
                n.reason.column
            ));
        }
    }
    o
}
