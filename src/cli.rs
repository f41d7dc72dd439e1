//! Command-line interface: argument types (clap) and dispatch. `main.rs` only parses.

use crate::error::LoadError;
use crate::graph::ServerGraph;
use crate::model::Topology;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

/// Checks that the servers running the Lync Server 2013 / Skype for Business Persistent Chat
/// file upload/download web service have certificates from the same CA as the internal servers,
/// before Persistent Chat is installed.
#[derive(Debug, Parser)]
#[command(name = "topocert", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every server of the topology: pool, site, roles, kind, and whether it runs the
    /// Persistent Chat file upload/download web service or Persistent Chat itself.
    Servers(ServersArgs),
    /// Draw the topology: sites, pools, servers and the dependencies between pools.
    Graph(GraphArgs),
    /// Check the certificates of the Persistent Chat file upload/download servers and the
    /// Persistent Chat servers: present, from the internal servers' CA, right names, valid,
    /// Server Authentication, strong key and signature.
    Check(CheckArgs),
    /// Compare two topologies (OLD and NEW): sites, pools, servers and services added, removed
    /// or moved, which servers become or stop being file upload/download or Persistent Chat
    /// servers, and (with --certs or --inventory) the certificate verdicts of the servers the
    /// change adds or moves.
    Diff(DiffArgs),
}

/// Arguments of `topocert diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The topology before the change (published XML or .tbxml).
    pub old: String,
    /// The topology after the change (published XML or .tbxml).
    pub new: String,
    /// Folder of certificates, as in `check`: checks the servers the change adds or moves.
    #[arg(long, value_name = "DIR")]
    pub certs: Option<std::path::PathBuf>,
    /// Certificate inventory, as in `check` (docs/inventory.md).
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<std::path::PathBuf>,
    /// The internal servers' CA certificate, as in `check`; repeat for several.
    #[arg(long, value_name = "FILE")]
    pub ca: Vec<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Check validity at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Warn about certificates that end within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub expiry_warn_days: u32,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Compact lines with +/-/~ markers.
    Human,
    /// JSON, schema_version 1 (docs/diff.md).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Arguments of `topocert check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Folder of certificates (.cer/.crt/.pem/.der, .p7b/.p7c), searched recursively. A file
    /// named after a server (fe01.fabrikam.com.cer, or a folder fe01.fabrikam.com/) is that
    /// server's; any other certificate goes to the servers its names cover.
    /// At least one of --certs and --inventory is required; with both, a file that fits a
    /// server is preferred over an inventory row of the same validity.
    #[arg(long, value_name = "DIR", required_unless_present = "inventory")]
    pub certs: Option<std::path::PathBuf>,
    /// Certificate inventory instead of (or as well as) certificate files: the CSV or JSON that
    /// `Get-CsCertificate | Export-Csv` or `| ConvertTo-Json` writes (docs/inventory.md). Rows map
    /// to servers by PSComputerName, else by the names they cover. Rules that need the
    /// certificate itself (key, signature, EKU) are reported as not checked.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<std::path::PathBuf>,
    /// The internal servers' CA certificate (root or issuing CA); repeat for several. Without
    /// it, the CA that issued most internal servers' certificates is used.
    #[arg(long, value_name = "FILE")]
    pub ca: Vec<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Check validity at this time instead of now (RFC 3339, e.g. 2026-12-01T00:00:00Z): the
    /// planned installation date.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Warn about certificates that end within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub expiry_warn_days: u32,
}

fn parse_now(s: &str) -> Result<i64, String> {
    crate::time::parse_rfc3339(s)
        .map_err(|e| format!("not an RFC 3339 time ({e}); example: 2026-12-01T00:00:00Z"))
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics per server and a summary table.
    Human,
    /// JSON, schema_version 1 (docs/json-output.md).
    Json,
}

/// Arguments of `topocert servers`.
#[derive(Debug, clap::Args)]
pub struct ServersArgs {
    /// Topology file: `Get-CsTopology -AsXml` output or a Topology Builder .tbxml (`-` reads
    /// standard input). The format is detected from the content.
    pub topology: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ServersFormat::Table)]
    pub format: ServersFormat,
}

/// Output formats of `servers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServersFormat {
    /// Aligned columns for a terminal.
    Table,
    /// A JSON array, one object per server.
    Json,
}

/// Arguments of `topocert graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Output format: Graphviz DOT, a Mermaid flowchart, or the graph as JSON.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Keep only part of the graph.
    #[arg(long, value_enum)]
    pub focus: Option<Focus>,
}

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tpng`).
    Dot,
    /// Mermaid flowchart (renders on GitHub).
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
}

/// Parts of the graph `--focus` can keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Focus {
    /// The Persistent Chat pools, the pools they depend on, and their servers.
    PersistentChat,
}

/// Exit code: the command ran and found no error.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and found an error finding.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the command could not run (bad arguments, unreadable topology).
pub const EXIT_CANNOT_RUN: u8 = 2;

/// Prints a diagnostic to standard error with the installed miette handler.
pub fn eprint_diagnostic<D: miette::Diagnostic + Send + Sync + 'static>(d: D) {
    eprintln!("{:?}", miette::Report::new(d));
}

/// Loads a topology, printing its non-fatal problems as warnings on standard error.
pub fn load_topology(path: &str) -> Result<(Topology, ServerGraph), LoadError> {
    let topo = crate::topology::load_path(path)?;
    for p in &topo.problems {
        eprint_diagnostic(p.clone());
    }
    let graph = ServerGraph::build(&topo);
    Ok((topo, graph))
}

/// [`load_topology`], printing a fatal error as a diagnostic; `None` means exit code 2.
fn load_or_report(path: &str) -> Option<(Topology, ServerGraph)> {
    load_topology(path).map_err(eprint_diagnostic).ok()
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let code = match cli.command {
        Command::Servers(a) => servers(&a, &mut stdout),
        Command::Graph(a) => graph(&a, &mut stdout),
        Command::Check(a) => check(&a, &mut stdout),
        Command::Diff(a) => diff(&a, &mut stdout),
    };
    let _ = stdout.flush();
    ExitCode::from(code)
}

fn write_out(out: &mut dyn Write, text: &str) -> u8 {
    match out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("topocert: cannot write output: {e}");
            EXIT_CANNOT_RUN
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// `topocert servers`.
pub fn servers(a: &ServersArgs, out: &mut dyn Write) -> u8 {
    let Some((topo, graph)) = load_or_report(&a.topology) else {
        return EXIT_CANNOT_RUN;
    };
    let rows = crate::servers::server_rows(&topo, &graph);
    let text = match a.format {
        ServersFormat::Table => crate::report::servers_table::render(&rows),
        ServersFormat::Json => to_json(&rows),
    };
    write_out(out, &text)
}

/// `topocert graph`.
pub fn graph(a: &GraphArgs, out: &mut dyn Write) -> u8 {
    let Some((topo, graph)) = load_or_report(&a.topology) else {
        return EXIT_CANNOT_RUN;
    };
    let keep = a
        .focus
        .map(|Focus::PersistentChat| graph.persistent_chat_focus(&topo));
    let text = match a.format {
        GraphFormat::Dot => crate::report::dot::render(&topo, &graph, keep.as_ref()),
        GraphFormat::Mermaid => crate::report::mermaid::render(&topo, &graph, keep.as_ref()),
        GraphFormat::Json => to_json(&crate::report::graph_json::build(
            &topo,
            &graph,
            keep.as_ref(),
        )),
    };
    write_out(out, &text)
}

/// `topocert check`.
pub fn check(a: &CheckArgs, out: &mut dyn Write) -> u8 {
    use std::io::IsTerminal;
    let Some((topo, graph)) = load_or_report(&a.topology) else {
        return EXIT_CANNOT_RUN;
    };
    let Some((store, options, given)) = load_check_inputs(
        a.certs.as_deref(),
        a.inventory.as_deref(),
        &a.ca,
        a.now,
        a.expiry_warn_days,
    ) else {
        return EXIT_CANNOT_RUN;
    };
    let result = crate::check::run(&topo, &graph, &store, &given, &options);
    let text = match a.format {
        CheckFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            crate::report::check_human::render(
                &topo,
                &store,
                &result,
                crate::report::check_human::HumanOptions { color, width: 100 },
            )
        }
        CheckFormat::Json => to_json(&crate::report::check_json::build(&topo, &store, &result)),
    };
    let code = write_out(out, &text);
    if code != EXIT_OK {
        return code;
    }
    if result.count(crate::rules::Severity::Error) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

type CheckInputs = (
    crate::certs::CertStore,
    crate::check::CheckOptions,
    Vec<crate::check::ca::GivenCa>,
);

/// Loads `--certs`/`--inventory` and `--ca`, printing a fatal error; `None` means exit code 2.
fn load_check_inputs(
    certs: Option<&std::path::Path>,
    inventory: Option<&std::path::Path>,
    ca: &[std::path::PathBuf],
    now: Option<i64>,
    expiry_warn_days: u32,
) -> Option<CheckInputs> {
    let loaded = match crate::check::load_certificates(certs, inventory) {
        Some(Ok(l)) => l,
        Some(Err(e)) => {
            eprint_diagnostic(e);
            return None;
        }
        // clap requires --certs unless --inventory is given.
        None => return None,
    };
    if loaded.other_uses > 0 {
        eprintln!(
            "topocert: {} inventory row(s) of other uses (WebServicesExternal, OAuthTokenIssuer...) not checked",
            loaded.other_uses
        );
    }
    let store = loaded.store;
    let mut given = Vec::new();
    for path in ca {
        match crate::certs::load_ca_file(path) {
            Ok(certs) => given.push(crate::check::ca::GivenCa {
                path: path.clone(),
                certs,
            }),
            Err(e) => {
                eprint_diagnostic(crate::error::CannotRun::CaFile {
                    path: path.display().to_string(),
                    source: e,
                });
                return None;
            }
        }
    }
    let options = crate::check::CheckOptions {
        sources: loaded.sources,
        now: now.unwrap_or_else(crate::time::now),
        expiry_warn_days,
    };
    Some((store, options, given))
}

/// `topocert diff`.
pub fn diff(a: &DiffArgs, out: &mut dyn Write) -> u8 {
    let Some((old, old_graph)) = load_or_report(&a.old) else {
        eprintln!("topocert: cannot read OLD topology {}", a.old);
        return EXIT_CANNOT_RUN;
    };
    let Some((new, new_graph)) = load_or_report(&a.new) else {
        eprintln!("topocert: cannot read NEW topology {}", a.new);
        return EXIT_CANNOT_RUN;
    };
    let d = crate::diff::diff(
        crate::diff::Side {
            topology: &old,
            graph: &old_graph,
        },
        crate::diff::Side {
            topology: &new,
            graph: &new_graph,
        },
    );
    let mut check = None;
    if a.certs.is_some() || a.inventory.is_some() {
        let Some((store, options, given)) = load_check_inputs(
            a.certs.as_deref(),
            a.inventory.as_deref(),
            &a.ca,
            a.now,
            a.expiry_warn_days,
        ) else {
            return EXIT_CANNOT_RUN;
        };
        let full = crate::check::run(&new, &new_graph, &store, &given, &options);
        check = Some(full.restricted_to(&new, &d.servers_to_verify()));
    }
    let text = match a.format {
        DiffFormat::Human => crate::report::diff_human::render(&d, &new, check.as_ref()),
        DiffFormat::Markdown => {
            crate::report::diff_human::render_markdown(&d, &new, check.as_ref())
        }
        DiffFormat::Json => to_json(&crate::diff::json::build(&d, &new, check.as_ref())),
    };
    let code = write_out(out, &text);
    if code != EXIT_OK {
        return code;
    }
    match &check {
        Some(r) if r.count(crate::rules::Severity::Error) > 0 => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
