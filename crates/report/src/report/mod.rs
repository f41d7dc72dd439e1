//! Renderers. Each output format is its own module with one function, and one line in
//! [`FORMATS`], the registry every command shares: a `RenderFn` writes its output to a
//! writer as it makes it (JSON, SARIF, JUnit and the human outputs), or a format returns its
//! text whole (`text` in the registry: the small ones). A renderer only formats: verdicts,
//! statuses, counts and the exit code come from the [`crate::outcome::Outcome`] in the view.

pub mod check_human;
pub mod check_json;
pub mod check_markdown;
pub mod diff_human;
pub mod diff_json;
pub mod diff_markdown;
pub mod dot;
pub use topocert_base::escape;
pub mod github;
pub mod graph_json;
pub mod html;
pub mod junit;
pub mod mermaid;
pub mod paint;
pub mod plan_formats;
pub mod sarif;
pub mod servers_json;
pub mod servers_table;
pub mod svg;
pub mod table;

use crate::checked::Checked;
use crate::diff::TopologyDiff;
use crate::graph::ServerGraph;
use crate::model::{PoolIdx, Topology};
use crate::plan::Plan;
use std::collections::BTreeSet;
use std::io::Write;

/// The command a format renders the output of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandOutput {
    /// `topocert servers`.
    Servers,
    /// `topocert graph`.
    Graph,
    /// `topocert check`.
    Check,
    /// `topocert plan`.
    Plan,
    /// `topocert diff`.
    Diff,
    /// `topocert report`.
    Report,
}

/// How text output is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
    /// Wrap width in columns.
    pub width: usize,
    /// Human formats: only the verdict and the servers that are not ready (`--quiet`).
    pub quiet: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 100,
            quiet: false,
        }
    }
}

/// What `diff` adds to a view.
#[derive(Debug, Clone, Copy)]
pub struct DiffView<'a> {
    /// The change.
    pub diff: &'a TopologyDiff,
    /// OLD as given.
    pub old_name: &'a str,
    /// NEW as given.
    pub new_name: &'a str,
}

/// Everything a renderer may format. For `diff`, `topology` and `graph` are NEW's.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The topology.
    pub topology: &'a Topology,
    /// The topology as named on the command line.
    pub topology_name: &'a str,
    /// Its graph.
    pub graph: &'a ServerGraph,
    /// The check and its outcome, when certificates were given.
    pub checked: Option<&'a Checked>,
    /// The certificate plan (`plan`).
    pub plan: Option<&'a Plan>,
    /// The change (`diff`).
    pub diff: Option<DiffView<'a>>,
    /// The pools to draw (`graph --focus`); all when `None`.
    pub focus: Option<&'a BTreeSet<PoolIdx>>,
    /// `servers --wide`: every column.
    pub wide: bool,
    /// Layout of text output.
    pub style: Style,
}

impl<'a> View<'a> {
    /// A view of a topology alone.
    pub fn new(topology: &'a Topology, topology_name: &'a str, graph: &'a ServerGraph) -> Self {
        View {
            topology,
            topology_name,
            graph,
            checked: None,
            plan: None,
            diff: None,
            focus: None,
            wide: false,
            style: Style::default(),
        }
    }
    /// The check, or the error a format that needs certificates gives without them.
    pub fn checked(&self) -> Result<&'a Checked, RenderError> {
        self.checked.ok_or(RenderError::NeedsCertificates)
    }
    /// The plan, or an error when the command made none.
    pub fn plan(&self) -> Result<&'a Plan, RenderError> {
        self.plan.ok_or(RenderError::Missing("plan"))
    }
    /// The change, or an error when the command compared nothing.
    pub fn diff(&self) -> Result<DiffView<'a>, RenderError> {
        self.diff.ok_or(RenderError::Missing("diff"))
    }
}

/// A format that cannot render this view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum RenderError {
    /// The format reports check findings, and no certificates were given.
    #[error(
        "this format reports the certificate check: give --certs DIR, --inventory FILE or --fetch"
    )]
    #[diagnostic(code(topocert::format_needs_certificates))]
    NeedsCertificates,
    /// The command did not produce what the format renders (a registry mistake).
    #[error("this format needs a {0}, which this command does not make")]
    #[diagnostic(code(topocert::format_missing_input))]
    Missing(&'static str),
    /// Writing the output failed.
    #[error("cannot write output: {message}")]
    #[diagnostic(code(topocert::cannot_write_output))]
    Write {
        /// What failed (a closed pipe is not an error for the CLI).
        kind: std::io::ErrorKind,
        /// The cause.
        message: String,
    },
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Write {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

/// A renderer: writes the view's output to `out` as it makes it. A [`RenderError`] other than
/// [`RenderError::Write`] comes before anything is written.
pub(crate) type RenderFn = fn(&View<'_>, &mut dyn Write) -> Result<(), RenderError>;

/// What a renderer writes, as text (tests, benches, and formats embedded in others).
pub fn render_to_string(render: RenderFn, view: &View<'_>) -> Result<String, RenderError> {
    let mut out = Vec::new();
    render(view, &mut out)?;
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Writes a format's whole text (the formats registered as `text`).
fn write_text(text: Result<String, RenderError>, out: &mut dyn Write) -> Result<(), RenderError> {
    out.write_all(text?.as_bytes())?;
    Ok(())
}

/// One output format of one command.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// The command.
    pub command: CommandOutput,
    /// `--format` value.
    pub name: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// The renderer.
    pub render: RenderFn,
}

/// `writes f`: `f` is a [`RenderFn`]; `text f`: `f(&View) -> Result<String, RenderError>`
/// returns the whole text, written at once.
macro_rules! formats {
    ($($command:ident $name:literal $about:literal => $kind:ident $render:path),* $(,)?) => {
        /// Every output format of every command; the first of a command is its default.
        pub static FORMATS: &[Format] = &[
            $(Format {
                command: CommandOutput::$command,
                name: $name,
                about: $about,
                render: formats!(@$kind $render),
            }),*
        ];
    };
    (@writes $render:path) => { $render };
    (@text $render:path) => { |v, out| write_text($render(v), out) };
}

formats! {
    Servers "table" "aligned columns for a terminal" => writes servers_table::render,
    Servers "json" "a JSON document, one object per server" => writes servers_json::render,
    Graph "dot" "Graphviz DOT (render with `dot -Tpng`)" => text dot::render,
    Graph "mermaid" "a Mermaid flowchart (renders on GitHub)" => text mermaid::render,
    Graph "json" "nodes and edges as JSON" => text graph_json::render,
    Check "human" "diagnostics per server, a summary table and the verdict" => writes check_human::render,
    Check "json" "JSON (docs/json-output.md)" => writes check_json::render,
    Check "markdown" "a pull-request comment with a Mermaid diagram" => text check_markdown::render,
    Check "sarif" "SARIF 2.1.0 for GitHub code scanning" => writes sarif::render,
    Check "junit" "JUnit XML, one test case per checked server" => writes junit::render,
    Check "github" "GitHub Actions annotations (::error file=...,line=...::)" => text github::render,
    Plan "human" "readable text" => writes plan_formats::human,
    Plan "json" "JSON (docs/plan.md)" => writes plan_formats::json,
    Plan "csv" "one row per server, for a CA team" => text plan_formats::csv,
    Plan "markdown" "Markdown tables" => text plan_formats::markdown,
    Diff "human" "+/-/~ lines for a terminal" => writes diff_human::render,
    Diff "json" "JSON (docs/diff.md)" => writes diff_json::render,
    Diff "markdown" "a pull-request comment" => text diff_markdown::render,
    Diff "sarif" "SARIF 2.1.0 of the added or moved servers' findings (needs certificates)" => writes sarif::render,
    Diff "junit" "JUnit XML of the added or moved servers (needs certificates)" => writes junit::render,
    Diff "github" "GitHub Actions annotations of the added or moved servers (needs certificates)" => text github::render,
    Report "html" "a self-contained HTML readiness report" => writes html::render,
}

/// The formats of a command, default first.
pub fn formats_of(command: CommandOutput) -> impl Iterator<Item = &'static Format> {
    FORMATS.iter().filter(move |f| f.command == command)
}

/// The format of a command with this name.
pub fn find(command: CommandOutput, name: &str) -> Option<&'static Format> {
    formats_of(command).find(|f| f.name == name)
}

/// The file or certificate a finding names, as outputs show it: the certificate's origin
/// ([`crate::certs::Origin::name`]: a path, "inventory.csv line 3", or a fetched file's place),
/// else the finding's file.
pub(crate) fn finding_file(
    store: &crate::certs::CertStore,
    f: &crate::finding::Finding,
) -> Option<String> {
    match f.certificate.and_then(|i| store.files.get(i)) {
        Some(c) => Some(c.origin.name()),
        None => f.file.as_ref().map(|p| p.display().to_string()),
    }
}

/// "1 server", "2 servers": a count with its noun, plural when it is not one.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A list serialized from the items `.0` makes when it is written.
pub(crate) struct Each<F>(pub(crate) F);

impl<F, I> serde::Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Writes JSON with a final newline (what every JSON renderer writes) as it serializes:
/// pretty-printed, with C1, DEL and bidi controls escaped too ([`escape::JsonFormatter`]).
pub(crate) fn write_json<T: serde::Serialize>(
    v: &T,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut ser =
        serde_json::Serializer::with_formatter(&mut *out, escape::JsonFormatter::default());
    v.serialize(&mut ser).map_err(|e| match e.io_error_kind() {
        Some(kind) => RenderError::Write {
            kind,
            message: e.to_string(),
        },
        None => RenderError::Write {
            kind: std::io::ErrorKind::InvalidData,
            message: e.to_string(),
        },
    })?;
    out.write_all(b"\n")?;
    Ok(())
}

/// JSON with a final newline, as `write_json` writes it, as text.
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut bytes = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut bytes, escape::JsonFormatter::default());
    let mut s = match v.serialize(&mut ser) {
        Ok(()) => String::from_utf8(bytes).unwrap_or_default(),
        Err(e) => format!("{{\"error\":{}}}", serde_json::Value::String(e.to_string())),
    };
    s.push('\n');
    s
}

#[cfg(test)]
mod json_escape_tests {
    use super::escape::is_unsafe;

    const CONTROLS: &str = "\u{1b}]8;;http://x\u{1b}\\L\u{7}\u{9b}2J\u{202e}R\u{7f}\u{2066}";

    #[test]
    fn json_escapes_c1_del_and_bidi_and_reads_back_the_same() {
        let json = super::to_json(&serde_json::json!({ "dn": CONTROLS }));
        assert!(!json.chars().any(|c| is_unsafe(c) && c != '\n'), "{json}");
        assert!(json.contains("\\u009b2J\\u202eR\\u007f\\u2066"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(back["dn"], CONTROLS);
        assert_eq!(
            super::to_json(&serde_json::json!({"a": [1, "é"]})),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, "é"]})).expect("json") + "\n"
        );
    }
}
