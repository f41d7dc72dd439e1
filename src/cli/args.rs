//! The clap argument types of every command: what the command line accepts, and how each
//! maps onto the plain inputs of the application layer ([`crate::app`]).

use crate::app::{CertificateInputs, GateInputs};
use crate::report::{self, CommandOutput};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    /// Check the certificates of the file upload/download servers and the Persistent Chat
    /// servers: present, from the internal servers' CA, right names, valid, Server
    /// Authentication, strong key and signature.
    Check(CheckArgs),
    /// Explain a rule: what it checks, why it matters for Persistent Chat, how to fix it.
    Explain(ExplainArgs),
    /// The certificate each file upload/download server and Persistent Chat server needs:
    /// subject, DNS names (and which topology element requires each), key, EKU and issuing CA;
    /// with --certs, --inventory or --fetch, each server's status and what to do.
    Plan(PlanArgs),
    /// Compare two topologies (published XML or .tbxml): what a change adds, removes, changes
    /// and moves, and with --certs the status of exactly the servers it adds or moves.
    Diff(DiffArgs),
    /// Write a self-contained HTML readiness report: summary, a table per site, the topology
    /// graph, and every finding with its explanation and fix.
    Report(ReportArgs),
    /// Read the certificates the checked servers present over TLS (SIP, internal and external
    /// web services) and write them as a folder that --certs reads, with manifest.csv. Only
    /// a TLS handshake is sent; nothing fetched is trusted (docs/fetch.md).
    Fetch(FetchArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: `topocert man | man -l -`.
    Man(ManArgs),
}

/// Arguments of `topocert completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. bash: `topocert completions bash > /etc/bash_completion.d/topocert`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `topocert man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The page of one command (e.g. check) instead of topocert's.
    pub command: Option<String>,
}

/// `--format` values of a command, from the registry (its first format is the default).
fn format_arg(command: CommandOutput) -> impl TypedValueParser<Value = String> {
    PossibleValuesParser::new(
        report::formats_of(command).map(|f| PossibleValue::new(f.name).help(f.about)),
    )
}

/// Where the certificates come from and how to judge them (check, report, plan, diff).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("fetch_tuning").multiple(true).args(["resolve", "port"]).requires("fetch")))]
pub struct CertificateArgs {
    /// Folder of certificates (.cer/.crt/.pem/.der, .p7b/.p7c), searched recursively. A file
    /// named after a server (fe01.fabrikam.com.cer, or a folder fe01.fabrikam.com/) is that
    /// server's; any other certificate goes to the servers its names cover.
    #[arg(long, value_name = "DIR")]
    pub certs: Option<PathBuf>,
    /// Certificate inventory: the CSV or JSON `Get-CsCertificate | Export-Csv` or
    /// `| ConvertTo-Json` writes (docs/inventory.md). Rules that need the certificate itself
    /// (key, signature, EKU) cannot run: such servers are `unknown`, not `ready`.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// The internal servers' CA certificate (root or issuing CA); repeat for several. Without
    /// it, the CA that issued most internal servers' certificates is used.
    #[arg(long, value_name = "FILE")]
    pub ca: Vec<PathBuf>,
    /// Judge validity at this time instead of now: the planned installation date, as a date
    /// (2026-12-01, midnight UTC) or an RFC 3339 time (2026-12-01T08:00:00+01:00).
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Warn about certificates that end within this many days (default 30, or the config
    /// file's `expiry-warn-days`).
    #[arg(long, value_name = "N")]
    pub expiry_warn_days: Option<u32>,
    /// Read settings from FILE instead of ./topocert.toml (docs/config.md); flags win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Drop the findings of RULE (repeatable), as well as those the config file ignores; every
    /// output names the rules ignored.
    #[arg(long, value_name = "RULE", value_parser = RuleIdParser)]
    pub ignore: Vec<crate::finding::RuleId>,
    /// Read the certificates the checked servers present over TLS, as `topocert fetch` does,
    /// instead of (or as well as) --certs and --inventory.
    #[arg(long)]
    pub fetch: bool,
    /// How to fetch (with --fetch).
    #[command(flatten)]
    pub fetching: FetchOptionArgs,
    /// Read certificate files and verify chains on N threads (default: one per available
    /// core); the output is the same for every N, and --jobs 1 runs on one thread.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

impl CertificateArgs {
    /// The inputs of the application layer: these flags merged with `topocert.toml` (or
    /// `--config FILE`), flags winning (`config::merge`).
    pub(crate) fn inputs(&self) -> Result<CertificateInputs, crate::app::AppError> {
        let config =
            crate::config::Config::discover(self.config.as_deref(), std::path::Path::new("."))?;
        let settings = crate::config::merge(
            config.as_ref(),
            &crate::config::CliValues {
                ca: self.ca.clone(),
                certs: self.certs.clone(),
                inventory: self.inventory.clone(),
                expiry_warn_days: self.expiry_warn_days,
                ignore: self.ignore.clone(),
            },
        );
        Ok(CertificateInputs {
            certs: settings.certs.clone(),
            inventory: settings.inventory.clone(),
            ca: settings.ca.clone(),
            now: self.now,
            expiry_warn_days: settings.expiry_warn_days,
            fetch: self.fetch.then(|| self.fetching.options()),
            settings,
        })
    }
}

/// What makes the exit code 1, and the baseline of known findings (check, report, plan, diff).
#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// What makes the exit code 1: a new error finding (or an undecided server), also a new
    /// warning, or nothing.
    #[arg(long, default_value = "error", value_parser = PossibleValuesParser::new(["error", "warning", "never"]))]
    pub fail_on: String,
    /// Baseline file (written by --write-baseline): its findings are reported as known and do
    /// not fail the run; new findings do.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every finding of this run to FILE as a baseline (docs/ci.md#baseline).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

impl GateArgs {
    pub(crate) fn inputs(&self) -> GateInputs {
        GateInputs {
            fail_on: crate::gate::FailOn::parse(&self.fail_on).unwrap_or_default(),
            baseline: self.baseline.clone(),
            write_baseline: self.write_baseline.clone(),
        }
    }
}

/// Where and how output is written (check, diff).
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Write the output to FILE instead of standard output; the verdict is still said on
    /// standard error.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in the human output: auto (on a terminal, unless NO_COLOR is set), always or
    /// never.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = PossibleValuesParser::new(["auto", "always", "never"]))]
    pub color: String,
}

/// Arguments of `topocert check`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").multiple(true).args(["certs", "inventory", "fetch"])))]
pub struct CheckArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Certificates (at least one of --certs, --inventory and --fetch), CA and time.
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = format_arg(CommandOutput::Check))]
    pub format: String,
    /// Exit code policy and baseline.
    #[command(flatten)]
    pub gate: GateArgs,
    /// Output file and colour.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `topocert report`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").multiple(true).args(["certs", "inventory", "fetch"])))]
pub struct ReportArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Certificates, CA and time (--now is also the time shown in the report).
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// Exit code policy and baseline.
    #[command(flatten)]
    pub gate: GateArgs,
    /// The HTML file to write (`-` writes standard output).
    #[arg(long, value_name = "FILE")]
    pub out: String,
    /// The graph's servers: the Persistent Chat pools, the pools they depend on and their
    /// servers (default), or every pool.
    #[arg(long, value_enum, default_value = "persistent-chat")]
    pub graph: ReportGraph,
}

/// What the report's graph draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportGraph {
    /// The Persistent Chat pools, the pools they depend on, and their servers.
    PersistentChat,
    /// Every pool and server.
    All,
}

/// Arguments of `topocert plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = format_arg(CommandOutput::Plan))]
    pub format: String,
    /// Write one certreq INF and one OpenSSL request config per server, and plan.csv, here.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Existing certificates to compare with the plan; they also name the issuing CA when
    /// --ca is not given.
    #[command(flatten)]
    pub certificates: CertificateArgs,
    /// Exit code policy and baseline (with --certs, --inventory or --fetch).
    #[command(flatten)]
    pub gate: GateArgs,
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
    /// Output format (sarif, junit and github need --certs, --inventory or --fetch).
    #[arg(long, default_value = "human", value_parser = format_arg(CommandOutput::Diff))]
    pub format: String,
    /// Exit code policy and baseline, applied to the findings of the added or moved servers.
    #[command(flatten)]
    pub gate: GateArgs,
    /// Output file and colour.
    #[command(flatten)]
    pub output: OutputArgs,
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

/// Arguments of `topocert servers`.
#[derive(Debug, clap::Args)]
pub struct ServersArgs {
    /// Topology file: `Get-CsTopology -AsXml` output or a Topology Builder .tbxml (`-` reads
    /// standard input). The format is detected from the content.
    pub topology: String,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = format_arg(CommandOutput::Servers))]
    pub format: String,
    /// Table: list every role, however wide the table gets (by default only the roles that
    /// fit the terminal width are listed).
    #[arg(long)]
    pub wide: bool,
}

/// Arguments of `topocert graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Topology file (published XML or .tbxml; `-` reads standard input).
    pub topology: String,
    /// Output format.
    #[arg(long, default_value = "dot", value_parser = format_arg(CommandOutput::Graph))]
    pub format: String,
    /// Keep only the Persistent Chat pools, the pools they depend on, and their servers.
    #[arg(long, value_parser = PossibleValuesParser::new(["persistent-chat"]))]
    pub focus: Option<String>,
}

fn parse_now(s: &str) -> Result<i64, String> {
    crate::time::parse_time_or_date(s).map_err(|e| {
        format!("not a date or an RFC 3339 time ({e}); examples: 2026-12-01, 2026-12-01T08:00:00Z")
    })
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
    /// Seconds allowed for the TCP connect, and again for the TLS handshake, of each endpoint
    /// (0.1 to 300, decimals allowed).
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = crate::fetch::options::parse_timeout)]
    pub timeout: std::time::Duration,
    /// Endpoints fetched at the same time.
    #[arg(long, value_name = "N", default_value_t = crate::fetch::options::DEFAULT_CONCURRENCY, value_parser = crate::fetch::options::parse_concurrency)]
    pub concurrency: usize,
    /// Say less: no progress bar (there is none either when standard error is not a
    /// terminal); the human output of check gives only the verdict and one line per server
    /// that is not ready, and that of diff the readiness changes before those.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl FetchOptionArgs {
    pub(crate) fn options(&self) -> crate::fetch::FetchOptions {
        crate::fetch::FetchOptions {
            resolve: self.resolve.clone(),
            ports: self.port.clone(),
            timeout: self.timeout,
            concurrency: self.concurrency,
            progress: !self.quiet,
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
    pub out: PathBuf,
    /// How to fetch.
    #[command(flatten)]
    pub fetching: FetchOptionArgs,
}

/// Parses a rule id as `topocert.toml` does ("did you mean"), and offers every rule id to
/// shell completions.
#[derive(Debug, Clone, Copy)]
pub struct RuleIdParser;

impl clap::builder::TypedValueParser for RuleIdParser {
    type Value = crate::finding::RuleId;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let given = value.to_string_lossy();
        crate::config::parse_rule_id(&given).map_err(|message| {
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{message}\n"))
                .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::rules::RULES.iter().map(|r| {
            clap::builder::PossibleValue::new(r.id().as_str()).help(r.summary())
        })))
    }
}
