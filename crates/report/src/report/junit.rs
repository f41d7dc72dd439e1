//! `topocert check --format junit`: JUnit XML for CI test reports (Azure DevOps
//! PublishTestResults, GitLab, Jenkins). One test case per checked server, named by its FQDN,
//! with class name `site/pool`; findings that fail the run (see `crate::gate`) are one
//! `<failure>`, the others go to `<system-out>`. Findings about no server form one more case.

use super::escape::xml as esc;
use super::{RenderError, View};
use crate::finding::Finding;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

struct Case {
    name: String,
    classname: String,
    status: Option<&'static str>,
    status_note: String,
    failures: Vec<String>,
    other: Vec<String>,
}

impl Case {
    /// Adds finding `i` (`f`) to the failures or the rest.
    fn add(&mut self, f: &Finding, i: usize, outcome: &crate::outcome::Outcome) {
        let text = line(f, outcome.is_baselined(i));
        if outcome.finding_fails(i) {
            self.failures.push(text);
        } else {
            self.other.push(text);
        }
    }
}

fn line(f: &Finding, known: bool) -> String {
    format!(
        "{} {}{}: {}",
        f.severity.as_str(),
        f.rule,
        if known { " (in the baseline)" } else { "" },
        esc(&f.message)
    )
}

/// `check --format junit` (and `diff`): the XML document. A server's test case fails when a
/// finding about it fails the run; its status is a test case property.
pub fn render(v: &View<'_>, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let checked = v.checked()?;
    let (topo, result, outcome) = (v.topology, &checked.result, &checked.outcome);
    // One case per server, made as it is written; the findings about a server are together
    // (`CheckResult::findings_range`).
    let case_of = |s: &crate::check::CheckedServer, so: &crate::outcome::ServerOutcome| {
        let m = &topo.machines[s.machine.0];
        let site = topo
            .pool_site(m.pool)
            .map(|x| x.display_name())
            .unwrap_or_default();
        let mut case = Case {
            name: esc(m.fqdn.as_str()),
            classname: esc(&format!("{site}/{}", topo.pools[m.pool.0].fqdn)),
            status: Some(so.status.as_str()),
            status_note: outcome.status_note(so),
            failures: Vec::new(),
            other: Vec::new(),
        };
        for i in result.findings_range(s.machine) {
            case.add(&result.findings[i], i, outcome);
        }
        case
    };
    let mut general = Case {
        name: "topology and certificates".into(),
        classname: "topocert".into(),
        status: None,
        status_note: String::new(),
        failures: Vec::new(),
        other: Vec::new(),
    };
    for (i, f) in result.findings.iter().enumerate() {
        if f.machine().and_then(|m| result.server_index(m)).is_none() {
            general.add(f, i, outcome);
        }
    }
    let failures = result
        .servers
        .iter()
        .filter(|s| {
            result
                .findings_range(s.machine)
                .any(|i| outcome.finding_fails(i))
        })
        .count()
        + usize::from(!general.failures.is_empty());
    let tests = (result.servers.len() + 1).to_string();
    let failures = failures.to_string();
    let suite_name = esc(&format!("topocert check {}", topo.source.name));
    let verdict = outcome.verdict.as_str();
    let gate = outcome.gate_sentence();

    let mut w = Writer::new_with_indent(out, b' ', 2);
    let write = |w: &mut Writer<&mut dyn std::io::Write>| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut suites = BytesStart::new("testsuites");
        suites.push_attribute(("name", "topocert"));
        suites.push_attribute(("tests", tests.as_str()));
        suites.push_attribute(("failures", failures.as_str()));
        suites.push_attribute(("errors", "0"));
        w.write_event(Event::Start(suites))?;
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", suite_name.as_str()));
        suite.push_attribute(("tests", tests.as_str()));
        suite.push_attribute(("failures", failures.as_str()));
        suite.push_attribute(("errors", "0"));
        suite.push_attribute(("skipped", "0"));
        w.write_event(Event::Start(suite))?;
        w.write_event(Event::Start(BytesStart::new("properties")))?;
        let settings = checked.settings_note.as_deref().map(esc);
        let mut props = vec![("verdict", verdict), ("gate", gate.as_str())];
        if let Some(s) = &settings {
            props.push(("settings", s.as_str()));
        }
        for (name, value) in props {
            let mut p = BytesStart::new("property");
            p.push_attribute(("name", name));
            p.push_attribute(("value", value));
            w.write_event(Event::Empty(p))?;
        }
        w.write_event(Event::End(BytesEnd::new("properties")))?;
        for (s, so) in result.servers.iter().zip(&outcome.servers) {
            write_case(w, &case_of(s, so))?;
        }
        write_case(w, &general)?;
        w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
        Ok(())
    };
    write(&mut w)?;
    w.into_inner().write_all(b"\n")?;
    Ok(())
}

/// One `<testcase>`.
fn write_case(w: &mut Writer<&mut dyn std::io::Write>, c: &Case) -> std::io::Result<()> {
    let mut tc = BytesStart::new("testcase");
    tc.push_attribute(("name", c.name.as_str()));
    tc.push_attribute(("classname", c.classname.as_str()));
    w.write_event(Event::Start(tc))?;
    if let Some(status) = c.status {
        w.write_event(Event::Start(BytesStart::new("properties")))?;
        let mut p = BytesStart::new("property");
        p.push_attribute(("name", "status"));
        p.push_attribute(("value", status));
        w.write_event(Event::Empty(p))?;
        if !c.status_note.is_empty() {
            let mut n = BytesStart::new("property");
            n.push_attribute(("name", "status-note"));
            n.push_attribute(("value", c.status_note.as_str()));
            w.write_event(Event::Empty(n))?;
        }
        w.write_event(Event::End(BytesEnd::new("properties")))?;
    }
    if let Some(first) = c.failures.first() {
        let mut fl = BytesStart::new("failure");
        fl.push_attribute(("message", first.as_str()));
        fl.push_attribute(("type", "topocert"));
        w.write_event(Event::Start(fl))?;
        w.write_event(Event::Text(BytesText::new(&c.failures.join("\n"))))?;
        w.write_event(Event::End(BytesEnd::new("failure")))?;
    }
    if !c.other.is_empty() {
        w.write_event(Event::Start(BytesStart::new("system-out")))?;
        w.write_event(Event::Text(BytesText::new(&c.other.join("\n"))))?;
        w.write_event(Event::End(BytesEnd::new("system-out")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testcase")))?;
    Ok(())
}
