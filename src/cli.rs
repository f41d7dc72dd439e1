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
    /// Explain a rule: what it checks, why it matters for Persistent Chat, how to fix it.
    Explain(ExplainArgs),
    /// The certificate each file upload/download server and Persistent Chat server needs:
    /// subject, DNS names (and which topology element requires each), key, EKU and issuing CA;
    /// with --certs or --inventory, whether the certificate found is ready.
    Plan(PlanArgs),
    /// Compare two topologies (published XML or .tbxml): what a change adds, removes, changes
    /// and moves, which servers become file upload/download or Persistent Chat servers, and
    /// with --certs the certificate verdicts of exactly those servers.
    Diff(DiffArgs),
    /// Write a self-contained HTML readiness report: summary, a table per site, the topology
    /// graph, and every finding with its explanation and fix.
    Report(ReportArgs),
    /// Read the certificates the checked servers present over TLS (SIP, internal and external
    /// web services) and write them as a folder that --certs reads, with manifest.csv. Only
    /// a TLS handshake is sent; nothing fetched is trusted (docs/fetch.md).
    Fetch(FetchArgs),
}

/// Where the certificates come from and how to judge them: shared by `check`, `report`,
/// `diff` and `plan`.
#[derive(Debug, clap::Args)]
pub struct CertificateArgs {
    /// Folder of certificates (.cer/.crt/.pem/.der, .p7b/.p7c), searched recursively. A file
    /// named after a server (fe01.fabrikam.com.cer, or a folder fe01.fabrikam.com/) is that
    /// server's; any other certificate goes to the servers its names cover. With both --certs
    /// and --inventory, a file that fits a server is preferred over an inventory row of the
    /// same validity.
    #[arg(long, value_name = "DIR")]
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
    /// Judge validity at this time instead of now (RFC 3339, e.g. 2026-12-01T00:00:00Z): the
    /// planned installation date.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Warn about certificates that end within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub expiry_warn_days: u32,
    /// Read the certificates the checked servers present over TLS, as `topocert fetch` does,
    /// instead of (or as well as) --certs and --inventory.
    #[arg(long)]
    pub fetch: bool,
    /// How to fetch (with --fetch).
    #[command(flatten)]
    pub fetching: FetchOptionArgs,
}

/// What makes the exit code 1, and the baseline of known findings: shared by `check` and
/// `diff`.
#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// What makes the exit code 1: a new error finding, a new error or warning, or nothing.
    #[arg(long, value_enum, default_value_t = crate::gate::FailOn::Error)]
    pub fail_on: crate::gate::FailOn,
    /// Baseline file (written by --write-baseline): its findings are reported as known and do
    /// not fail the run; new findings do.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    /// Write every finding of this run to FILE as a baseline (docs/ci.md#baseline).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<std::path::PathBuf>,
}

/// Arguments of `topocert report`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).multiple(true).args(["certs", "inventory", "fetch"])))]
pub struct ReportArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Certificates, CA and time (--now is also the time shown in the report).
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// What makes the exit code 1.
    #[arg(long, value_enum, default_value_t = crate::gate::FailOn::Error)]
    pub fail_on: crate::gate::FailOn,
    /// The HTML file to write (`-` writes standard output).
    #[arg(long, value_name = "FILE")]
    pub out: String,
}

/// Arguments of `topocert diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The topology before the change (published XML or .tbxml).
    pub old: String,
    /// The topology after the change (published XML or .tbxml).
    pub new: String,
    /// With certificates, the servers the change adds or moves are checked (as `check` does).
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// Output format (sarif and junit need --certs or --inventory).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit code policy and baseline, applied to the findings of the added or moved servers.
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// +/-/~ lines for a terminal.
    Human,
    /// JSON, schema_version 1 (docs/diff.md).
    Json,
    /// A pull-request comment.
    Markdown,
    /// SARIF 2.1.0 of the added or moved servers' findings (needs certificates).
    Sarif,
    /// JUnit XML, one test case per added or moved server (needs certificates).
    Junit,
}

/// Arguments of `topocert plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Write one certreq INF and one OpenSSL request config per server, and plan.csv, here.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
    /// Existing certificates to compare with the plan (ready / reissue / request); they also
    /// name the issuing CA when --ca is not given.
    #[command(flatten)]
    pub certificates: CertificateArgs,
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Readable text.
    Human,
    /// JSON (docs/plan.md).
    Json,
    /// One row per server, for a CA team.
    Csv,
    /// Markdown tables.
    Markdown,
}

/// Arguments of `topocert explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Rule id, e.g. foreign-ca.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule with its severity and summary.
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

/// Arguments of `topocert check`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).multiple(true).args(["certs", "inventory", "fetch"])))]
pub struct CheckArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Certificates (at least one of --certs and --inventory), CA and time.
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit code policy and baseline.
    #[command(flatten)]
    pub gate: GateArgs,
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
    /// Markdown for a pull-request comment, with a Mermaid diagram.
    Markdown,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// JUnit XML: one test case per checked server.
    Junit,
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
        Command::Explain(a) => explain(&a, &mut stdout),
        Command::Plan(a) => plan(&a, &mut stdout),
        Command::Diff(a) => diff(&a, &mut stdout),
        Command::Report(a) => report(&a, &mut stdout),
        Command::Fetch(a) => fetch(&a),
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

/// Reads the `--ca` files, printing a diagnostic for the first unreadable one (`None`: exit 2).
fn load_given_cas(paths: &[std::path::PathBuf]) -> Option<Vec<crate::check::ca::GivenCa>> {
    let mut given = Vec::new();
    for path in paths {
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
    Some(given)
}

/// What a check needs besides the topology: the given CAs and, when --certs or --inventory was
/// given, the certificates and the options.
struct CheckInputs {
    given: Vec<crate::check::ca::GivenCa>,
    certificates: Option<(crate::certs::CertStore, crate::check::CheckOptions)>,
}

/// Loads `--ca`, `--certs` and `--inventory`, and fetches with `--fetch` from the checked
/// servers of `topo`; `None` after printing a diagnostic (exit 2).
fn check_inputs(c: &CertificateArgs, topo: &Topology, graph: &ServerGraph) -> Option<CheckInputs> {
    let given = load_given_cas(&c.ca)?;
    let loaded = match crate::check::load_certificates(c.certs.as_deref(), c.inventory.as_deref()) {
        None => None,
        Some(Err(e)) => {
            eprint_diagnostic(e);
            return None;
        }
        Some(Ok(loaded)) => Some(loaded),
    };
    if !c.fetch && (!c.fetching.resolve.is_empty() || !c.fetching.port.is_empty()) {
        eprintln!("topocert: --resolve and --port are options of --fetch");
        return None;
    }
    let loaded = match c.fetch {
        true => {
            let results = crate::fetch::fetch(topo, graph, &c.fetching.options(), c.fetching.quiet);
            Some(crate::fetch::add_fetched(loaded, &results))
        }
        false => loaded,
    };
    let certificates = match loaded {
        None => None,
        Some(loaded) => {
            if loaded.other_uses > 0 {
                eprintln!(
                        "topocert: {} inventory row(s) of other uses (WebServicesExternal, OAuthTokenIssuer...) not checked",
                        loaded.other_uses
                    );
            }
            let options = crate::check::CheckOptions {
                sources: loaded.sources,
                now: c.now.unwrap_or_else(crate::time::now),
                expiry_warn_days: c.expiry_warn_days,
            };
            Some((loaded.store, options))
        }
    };
    Some(CheckInputs {
        given,
        certificates,
    })
}

/// A topology checked against its certificates (`check`, `report`).
struct Checked {
    topo: Topology,
    graph: ServerGraph,
    store: crate::certs::CertStore,
    result: crate::check::CheckResult,
    /// The time validity was judged at.
    now: i64,
}

/// Loads the topology and the certificates and runs the check; `None` after printing a
/// diagnostic (exit 2). Callers require --certs or --inventory (a clap group).
fn run_check(topology: &str, c: &CertificateArgs) -> Option<Checked> {
    let (topo, graph) = load_or_report(topology)?;
    let CheckInputs {
        given,
        certificates: Some((store, options)),
    } = check_inputs(c, &topo, &graph)?
    else {
        return None;
    };
    let result = crate::check::run(&topo, &graph, &store, &given, &options);
    Some(Checked {
        topo,
        graph,
        store,
        result,
        now: options.now,
    })
}

/// Applies `--fail-on`, `--baseline` and `--write-baseline` to a result; `None` after printing
/// a diagnostic (exit 2).
fn evaluate_gate(
    g: &GateArgs,
    topo: &Topology,
    store: &crate::certs::CertStore,
    result: &crate::check::CheckResult,
) -> Option<crate::gate::Gate> {
    let baseline = match g.baseline.as_deref().map(crate::gate::Baseline::load) {
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            eprint_diagnostic(e);
            return None;
        }
        None => None,
    };
    if let Some(path) = &g.write_baseline {
        let b = crate::gate::Baseline::from_result(topo, store, result);
        if let Err(e) = std::fs::write(path, b.to_json()) {
            eprintln!("topocert: cannot write baseline {}: {e}", path.display());
            return None;
        }
    }
    Some(crate::gate::Gate::evaluate(
        topo,
        store,
        result,
        g.fail_on,
        baseline.as_ref(),
    ))
}

/// Exit code after writing a gated result.
fn gate_code(written: u8, gate: &crate::gate::Gate, result: &crate::check::CheckResult) -> u8 {
    if written != EXIT_OK {
        written
    } else if gate.fails(result) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `topocert check`.
pub fn check(a: &CheckArgs, out: &mut dyn Write) -> u8 {
    use std::io::IsTerminal;
    let Some(Checked {
        topo,
        graph,
        store,
        result,
        ..
    }) = run_check(&a.topology, &a.certificates)
    else {
        return EXIT_CANNOT_RUN;
    };
    let Some(gate) = evaluate_gate(&a.gate, &topo, &store, &result) else {
        return EXIT_CANNOT_RUN;
    };
    let text = match a.format {
        CheckFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut text = crate::report::check_human::render(
                &topo,
                &store,
                &result,
                crate::report::check_human::HumanOptions { color, width: 100 },
            );
            text.push_str(&crate::report::check_human::gate_note(
                &topo, &result, &gate,
            ));
            text
        }
        CheckFormat::Json => {
            let mut doc = crate::report::check_json::build(&topo, &store, &result);
            crate::report::check_json::mark_baseline(&mut doc, &gate);
            to_json(&doc)
        }
        CheckFormat::Markdown => {
            crate::report::check_markdown::render(&topo, &graph, &store, &result, &gate)
        }
        CheckFormat::Sarif => to_json(&crate::report::sarif::build(&topo, &store, &result, &gate)),
        CheckFormat::Junit => crate::report::junit::render(&topo, &store, &result, &gate),
    };
    gate_code(write_out(out, &text), &gate, &result)
}

/// `topocert explain`.
pub fn explain(a: &ExplainArgs, out: &mut dyn Write) -> u8 {
    if a.list {
        return write_out(out, &crate::explain::list());
    }
    match crate::explain::explain(a.rule.as_deref().unwrap_or_default()) {
        Ok(text) => write_out(out, &text),
        Err(e) => {
            eprint_diagnostic(e);
            EXIT_CANNOT_RUN
        }
    }
}

/// `topocert report`.
pub fn report(a: &ReportArgs, out: &mut dyn Write) -> u8 {
    let Some(Checked {
        topo,
        graph,
        store,
        result,
        now,
    }) = run_check(&a.topology, &a.certificates)
    else {
        return EXIT_CANNOT_RUN;
    };
    let html = crate::report::html::render(
        &topo,
        &graph,
        &store,
        &result,
        crate::report::html::ReportInfo { checked_at: now },
    );
    let written = if a.out == "-" {
        write_out(out, &html)
    } else {
        match std::fs::write(&a.out, html) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("topocert: cannot write {}: {e}", a.out);
                EXIT_CANNOT_RUN
            }
        }
    };
    let gate = crate::gate::Gate::evaluate(&topo, &store, &result, a.fail_on, None);
    gate_code(written, &gate, &result)
}

/// `topocert plan`: exit 0 when the plan is written; with `--certs`/`--inventory`, 1 when a
/// server needs a certificate requested or reissued; 2 when it cannot run.
pub fn plan(a: &PlanArgs, out: &mut dyn Write) -> u8 {
    let Some((topo, graph)) = load_or_report(&a.topology) else {
        return EXIT_CANNOT_RUN;
    };
    let Some(CheckInputs {
        given,
        certificates,
    }) = check_inputs(&a.certificates, &topo, &graph)
    else {
        return EXIT_CANNOT_RUN;
    };
    let plan = match certificates {
        Some((store, options)) => {
            let result = crate::check::run(&topo, &graph, &store, &given, &options);
            let ca = crate::plan::IssuingCa::from_resolution(&result.reference_ca);
            let mut plan = crate::plan::build(&topo, &graph, ca);
            crate::plan::add_readiness(&mut plan, &store, &result);
            plan
        }
        None => {
            // No certificates: the CA is known only from --ca.
            let empty = crate::certs::CertStore::default();
            let none = vec![None; topo.machines.len()];
            let res = crate::check::ca::resolve(&topo, &graph, &empty, &none, &given);
            crate::plan::build(&topo, &graph, crate::plan::IssuingCa::from_resolution(&res))
        }
    };
    if let Some(dir) = &a.out_dir {
        match crate::plan::files::write_dir(&plan, dir) {
            Ok(files) => eprintln!(
                "topocert: wrote {} file(s) to {}",
                files.len(),
                dir.display()
            ),
            Err(e) => {
                eprint_diagnostic(e);
                return EXIT_CANNOT_RUN;
            }
        }
    }
    use crate::plan::render;
    let text = match a.format {
        PlanFormat::Human => render::human(&a.topology, &plan),
        PlanFormat::Json => to_json(&render::json(&a.topology, &plan)),
        PlanFormat::Csv => render::csv(&plan),
        PlanFormat::Markdown => render::markdown(&a.topology, &plan),
    };
    let code = write_out(out, &text);
    if code != EXIT_OK {
        return code;
    }
    if plan.not_ready() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `topocert diff`: exit 1 when the change adds an error finding (with certificates), 2 when
/// OLD, NEW or the certificates cannot be read.
pub fn diff(a: &DiffArgs, out: &mut dyn Write) -> u8 {
    let Some((old, old_graph)) = load_or_report(&a.old) else {
        return EXIT_CANNOT_RUN;
    };
    let Some((new, new_graph)) = load_or_report(&a.new) else {
        return EXIT_CANNOT_RUN;
    };
    let side = |topology, graph| crate::diff::Side { topology, graph };
    let d = crate::diff::diff(side(&old, &old_graph), side(&new, &new_graph));
    let Some(inputs) = check_inputs(&a.certificates, &new, &new_graph) else {
        return EXIT_CANNOT_RUN;
    };
    let checked = inputs.certificates.map(|(store, options)| {
        let full = crate::check::run(&new, &new_graph, &store, &inputs.given, &options);
        let restricted = full.restricted_to(&d.servers_to_verify(&new));
        (store, restricted)
    });
    let gate = match &checked {
        Some((store, restricted)) => {
            let Some(gate) = evaluate_gate(&a.gate, &new, store, restricted) else {
                return EXIT_CANNOT_RUN;
            };
            Some(gate)
        }
        None => None,
    };
    let names = crate::report::diff_human::Names {
        old: &a.old,
        new: &a.new,
    };
    let verdicts = checked.as_ref().map(|(_, r)| (&new, r));
    let text = match (a.format, &checked, &gate) {
        (DiffFormat::Human, _, _) => crate::report::diff_human::render(names, &d, verdicts),
        (DiffFormat::Markdown, _, _) => crate::report::diff_markdown::render(names, &d, verdicts),
        (DiffFormat::Json, _, _) => to_json(&crate::report::diff_json::build(
            &a.old,
            &a.new,
            &d,
            checked.as_ref().map(|(s, r)| (&new, s, r)),
        )),
        (DiffFormat::Sarif, Some((store, result)), Some(gate)) => {
            to_json(&crate::report::sarif::build(&new, store, result, gate))
        }
        (DiffFormat::Junit, Some((store, result)), Some(gate)) => {
            crate::report::junit::render(&new, store, result, gate)
        }
        (DiffFormat::Sarif | DiffFormat::Junit, _, _) => {
            eprintln!(
                "topocert: diff --format sarif and junit report the check findings of the servers the change adds or moves: give --certs DIR or --inventory FILE"
            );
            return EXIT_CANNOT_RUN;
        }
    };
    let written = write_out(out, &text);
    match (&checked, &gate) {
        (Some((_, result)), Some(gate)) => gate_code(written, gate, result),
        _ => written,
    }
}

/// How to fetch certificates from the servers: shared by `fetch` and `--fetch`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Fetching from the servers")]
pub struct FetchOptionArgs {
    /// Connect to ADDRESS (IPv4 or IPv6) for the server FQDN instead of asking DNS (split DNS,
    /// tests); repeat for several servers.
    #[arg(long, value_name = "FQDN=ADDRESS")]
    pub resolve: Vec<crate::fetch::ResolveOverride>,
    /// Use PORT for every server's USAGE endpoint (default, webservicesinternal,
    /// webservicesexternal) instead of the port the topology declares (or the Lync default
    /// 5061/5041, 443, 4443); repeatable.
    #[arg(long, value_name = "USAGE=PORT")]
    pub port: Vec<crate::fetch::PortOverride>,
    /// Seconds allowed for the TCP connect, and again for the TLS handshake, of each endpoint.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = crate::fetch::options::parse_timeout)]
    pub timeout: std::time::Duration,
    /// Endpoints fetched at the same time.
    #[arg(long, value_name = "N", default_value_t = crate::fetch::options::DEFAULT_CONCURRENCY, value_parser = crate::fetch::options::parse_concurrency)]
    pub concurrency: usize,
    /// No progress bar (there is none either when standard error is not a terminal).
    #[arg(long)]
    pub quiet: bool,
}

impl FetchOptionArgs {
    /// The library's options.
    pub fn options(&self) -> crate::fetch::FetchOptions {
        crate::fetch::FetchOptions {
            resolve: self.resolve.clone(),
            ports: self.port.clone(),
            timeout: self.timeout,
            concurrency: self.concurrency,
        }
    }
}

/// Arguments of `topocert fetch`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// The folder to write (new or empty): one folder per server, a file per usage, and
    /// manifest.csv; give it to --certs.
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    /// How to fetch.
    #[command(flatten)]
    pub fetching: FetchOptionArgs,
}

/// `topocert fetch`: exit 0 when every endpoint presented a certificate, 1 when one did not
/// (the folder is still written), 2 when it cannot run.
pub fn fetch(a: &FetchArgs) -> u8 {
    let Some((topo, graph)) = load_or_report(&a.topology) else {
        return EXIT_CANNOT_RUN;
    };
    if let Err(e) = crate::fetch::layout::prepare_dir(&a.out) {
        eprint_diagnostic(e);
        return EXIT_CANNOT_RUN;
    }
    let results = crate::fetch::fetch(&topo, &graph, &a.fetching.options(), a.fetching.quiet);
    let written = match crate::fetch::layout::write_dir(&results, &a.out) {
        Ok(n) => n,
        Err(e) => {
            eprint_diagnostic(e);
            return EXIT_CANNOT_RUN;
        }
    };
    let sum = crate::fetch::Summary::of(&results);
    for r in results.iter().map(crate::fetch::EndpointResult::record) {
        if let Err(f) = &r.result {
            eprintln!(
                "topocert: {}: {}: {}",
                r.describe_endpoint(),
                f.cause.id(),
                f.cause.describe()
            );
        }
    }
    eprintln!(
        "topocert: {} of {} endpoint(s) of {} server(s) presented a certificate ({} server(s) none); wrote {} file(s) and manifest.csv to {}",
        sum.captured, sum.endpoints, sum.servers, sum.unreached_servers, written, a.out.display()
    );
    if sum.captured == sum.endpoints {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}
