//! `check --format github` and `diff --format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…,title=…::message`), one per finding, located at the server's
//! element of the topology, then one line with the verdict and why the run passes or fails.
//! Findings in the baseline are notices; info findings are notices.

use super::{RenderError, View};
use crate::finding::Severity;
use crate::outcome::Verdict;

/// Escapes a workflow command's message (`%`, CR, LF); other control characters are shown
/// visibly ([`super::escape::terminal`]), as the log is also read in a terminal.
fn data(s: &str) -> String {
    super::escape::terminal(
        &s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Escapes a workflow command property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations.
pub fn render(v: &View<'_>) -> Result<String, RenderError> {
    let checked = v.checked()?;
    let (topo, result, outcome) = (v.topology, &checked.result, &checked.outcome);
    let mut out = String::new();
    for (i, f) in result.findings.iter().enumerate() {
        let level = match (f.severity, outcome.is_baselined(i)) {
            (_, true) | (Severity::Info, _) => "notice",
            (Severity::Warning, _) => "warning",
            (Severity::Error, _) => "error",
        };
        let mut props = vec![format!("file={}", property(&topo.source.name))];
        if let Some(span) = f.span {
            let (line, col) = topo.source.line_col(span.start);
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
        }
        let mut title = f.rule.to_string();
        if let Some(m) = f.machine() {
            title = format!("{title} {}", topo.machines[m.0].fqdn);
        }
        if outcome.is_baselined(i) {
            title.push_str(" (in the baseline)");
        }
        props.push(format!("title={}", property(&title)));
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&f.message)
        ));
    }
    if let Some(note) = &checked.settings_note {
        out.push_str(&format!(
            "::notice title=topocert settings::{}\n",
            data(note)
        ));
    }
    // A server whose deciding finding was set aside says so at its element.
    for (s, so) in result.servers.iter().zip(&outcome.servers) {
        if so.waived.is_empty() {
            continue;
        }
        let m = &topo.machines[s.machine.0];
        let (line, col) = topo.source.line_col(m.span.start);
        out.push_str(&format!(
            "::notice file={},line={line},col={col},title={}::{}\n",
            property(&topo.source.name),
            property(&format!("topocert: {} {}", m.fqdn, so.status.as_str())),
            data(&format!(
                "{}: {} ({})",
                m.fqdn,
                so.status.as_str(),
                outcome.status_note(so)
            ))
        ));
    }
    // An error annotation never carries READY as its title: the run fails for another reason.
    let title_word = match (outcome.fails(), outcome.verdict) {
        (true, Verdict::Ready | Verdict::NotApplicable) => "run fails",
        (_, v) => v.headline(),
    };
    let level = match (outcome.fails(), outcome.verdict) {
        (true, _) => "error",
        (false, Verdict::Ready | Verdict::NotApplicable) => "notice",
        (false, _) => "warning",
    };
    out.push_str(&format!(
        "::{level} title={}::{}\n",
        property(&format!("topocert: {}", title_word)),
        data(&format!("{}. {}", outcome.summary(), outcome.gate_line()))
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(property("x:y,z\n"), "x%3Ay%2Cz%0A");
        assert_eq!(data("plain fe01.fabrikam.com"), "plain fe01.fabrikam.com");
    }
}
