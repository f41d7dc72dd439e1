//! The application layer: what each command does, free of the command line. It loads the
//! inputs (topology, `--ca`, `--certs`, `--inventory`, baseline), runs the check, and decides
//! the [`Outcome`] once; `cli.rs` maps arguments onto it and hands the result to a renderer.

use crate::certs::CertStore;
use crate::check::ca::GivenCa;
use crate::check::{CheckOptions, CheckResult};
use crate::diff::TopologyDiff;
use crate::gate::{Baseline, FailOn};
use crate::graph::ServerGraph;
use crate::model::Topology;
use crate::outcome::Outcome;
use crate::plan::Plan;
use std::path::PathBuf;

pub mod sources;

pub use topocert_check::checked::{run_check, Checked};

/// A fatal error of a command (exit code 2), with its diagnostic.
#[derive(Debug)]
pub struct AppError(pub miette::Report);

impl<D: miette::Diagnostic + Send + Sync + 'static> From<D> for AppError {
    fn from(d: D) -> Self {
        AppError(miette::Report::new(d))
    }
}

/// Where a warning that does not stop the command goes (the CLI prints it on standard error).
pub type Warn<'a> = &'a mut dyn FnMut(miette::Report);

/// Where the certificates come from and how to judge them (`check`, `report`, `plan`, `diff`).
#[derive(Debug, Clone, Default)]
pub struct CertificateInputs {
    /// `--certs DIR`.
    pub certs: Option<PathBuf>,
    /// `--inventory FILE`.
    pub inventory: Option<PathBuf>,
    /// `--ca FILE`, repeatable.
    pub ca: Vec<PathBuf>,
    /// `--now` (unix seconds); the clock when absent.
    pub now: Option<i64>,
    /// `--expiry-warn-days`.
    pub expiry_warn_days: u32,
    /// `--fetch` and its options: read the certificates the servers present over TLS.
    pub fetch: Option<crate::fetch::FetchOptions>,
    /// The settings of the config file merged with the flags: severity overrides and ignored
    /// rules, applied to the findings before the outcome is decided.
    pub settings: crate::config::Settings,
}

impl CertificateInputs {
    /// Whether any certificate source is given (then the command checks).
    pub fn has_certificates(&self) -> bool {
        self.certs.is_some() || self.inventory.is_some() || self.fetch.is_some()
    }
}

/// What fails the run, and the baseline (`--fail-on`, `--baseline`, `--write-baseline`).
#[derive(Debug, Clone, Default)]
pub struct GateInputs {
    /// `--fail-on`.
    pub fail_on: FailOn,
    /// `--baseline FILE`.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`.
    pub write_baseline: Option<PathBuf>,
}

/// A topology and its graph.
#[derive(Debug)]
pub struct Loaded {
    /// The topology.
    pub topology: Topology,
    /// Its server graph.
    pub graph: ServerGraph,
}

/// Reads a topology (`-` is standard input); its non-fatal problems go to `warn`.
pub fn load_topology(path: &str, warn: Warn<'_>) -> Result<Loaded, AppError> {
    let topology = crate::topology::load_path(path)?;
    for p in &topology.problems {
        warn(miette::Report::new(p.clone()));
    }
    let graph = ServerGraph::build(&topology);
    Ok(Loaded { topology, graph })
}

/// Applies the config's severity overrides and ignored rules to the findings, and notes every
/// deciding finding about a server they set aside.
fn apply_settings(result: &mut CheckResult, settings: &crate::config::Settings) {
    use crate::finding::{default_effect, Effect};
    let mut waived = Vec::new();
    result.findings.retain_mut(|f| {
        let deciding = f.effect != Effect::Advises;
        let note = |f: &crate::finding::Finding| {
            f.machine()
                .zip(settings.waiver(f.rule, f.severity))
                .map(|(machine, how)| crate::check::Waived {
                    machine,
                    what: format!("{} {how}", f.rule),
                })
        };
        match settings.severity_of(f.rule, f.severity) {
            None => {
                if deciding {
                    waived.extend(note(f));
                }
                false
            }
            Some(sev) => {
                if sev != f.severity {
                    if f.effect == Effect::Blocks && default_effect(sev) != Effect::Blocks {
                        waived.extend(note(f));
                    }
                    f.severity = sev;
                    if f.effect != Effect::Undecided {
                        f.effect = default_effect(sev);
                    }
                }
                true
            }
        }
    });
    waived.dedup();
    result.waived.extend(waived);
    debug_assert!(result.findings_in_order());
}

/// Reads the `--ca` files.
pub fn load_given_cas(paths: &[PathBuf]) -> Result<Vec<GivenCa>, AppError> {
    paths
        .iter()
        .map(|path| match crate::certs::load_ca_file(path) {
            Ok(certs) => Ok(GivenCa {
                path: path.clone(),
                certs,
            }),
            Err(e) => Err(AppError::from(crate::error::CannotRun::CaFile {
                path: path.display().to_string(),
                cause: e,
            })),
        })
        .collect()
}

/// The certificates and options of a check, from every source given ([`sources::given`]);
/// `None` when no certificate source is given.
fn load_certificates(
    c: &CertificateInputs,
    topology: &Loaded,
    warn: Warn<'_>,
) -> Result<Option<(CertStore, CheckOptions)>, AppError> {
    let Some((store, sources, warnings)) = sources::load(c, topology)? else {
        return Ok(None);
    };
    for w in warnings {
        warn(miette::miette!(severity = miette::Severity::Warning, "{w}"));
    }
    let options = CheckOptions {
        sources,
        now: c.now.unwrap_or_else(crate::time::now),
        expiry_warn_days: c.expiry_warn_days,
    };
    Ok(Some((store, options)))
}

/// Applies the gate to a result: reads the baseline, writes `--write-baseline`, decides.
fn decide(
    topo: &Topology,
    store: &CertStore,
    result: &CheckResult,
    gate: &GateInputs,
) -> Result<Outcome, AppError> {
    let baseline = gate.baseline.as_deref().map(Baseline::load).transpose()?;
    if let Some(path) = &gate.write_baseline {
        let b = Baseline::from_result(topo, store, result);
        // Over the `--baseline` file itself is allowed (updating it); over any other input not.
        crate::output::write_file_replacing(path, gate.baseline.as_deref(), b.to_json().as_bytes())
            .map_err(|e| AppError(miette::miette!("baseline: {e}")))?;
    }
    Ok(crate::outcome::decide(
        topo,
        store,
        result,
        gate.fail_on,
        baseline.as_ref(),
    ))
}

/// `check` and `report`: the check of a topology's servers (certificates are required).
pub fn check(
    loaded: &Loaded,
    certs: &CertificateInputs,
    gate: &GateInputs,
    warn: Warn<'_>,
) -> Result<Checked, AppError> {
    let given = load_given_cas(&certs.ca)?;
    let (store, options) = load_certificates(certs, loaded, warn)?.ok_or_else(|| {
        AppError(miette::miette!(
            "give the certificates to check with {}",
            sources::one_of()
        ))
    })?;
    let mut result = run_check(&loaded.topology, &loaded.graph, &store, &given, &options);
    apply_settings(&mut result, &certs.settings);
    let outcome = decide(&loaded.topology, &store, &result, gate)?;
    Ok(Checked {
        store,
        result,
        outcome,
        now: options.now,
        settings_note: certs.settings.note(),
    })
}

/// `plan`: the certificate plan, and with certificates the check whose outcome fills in every
/// server's status and action.
pub fn plan(
    loaded: &Loaded,
    certs: &CertificateInputs,
    gate: &GateInputs,
    warn: Warn<'_>,
) -> Result<(Plan, Option<Checked>), AppError> {
    let (topo, graph) = (&loaded.topology, &loaded.graph);
    if certs.has_certificates() {
        let checked = check(loaded, certs, gate, warn)?;
        let ca = crate::plan::IssuingCa::from_resolution(&checked.result.reference_ca);
        let mut plan = crate::plan::build(topo, graph, ca);
        crate::plan::add_readiness(&mut plan, &checked.store, &checked.result, &checked.outcome);
        Ok((plan, Some(checked)))
    } else {
        // No certificates: the CA is known only from --ca.
        let given = load_given_cas(&certs.ca)?;
        let empty = CertStore::default();
        let none = vec![None; topo.machines.len()];
        let res = crate::check::ca::resolve(topo, graph, &empty, &none, &given);
        let plan = crate::plan::build(topo, graph, crate::plan::IssuingCa::from_resolution(&res));
        Ok((plan, None))
    }
}

/// `diff`: what changed between two topologies, and with certificates the check of exactly
/// the servers the change adds or moves (its outcome gates the run).
pub fn diff(
    old: &Loaded,
    new: &Loaded,
    certs: &CertificateInputs,
    gate: &GateInputs,
    warn: Warn<'_>,
) -> Result<(TopologyDiff, Option<Checked>), AppError> {
    let d = crate::diff::diff(
        crate::diff::Side {
            topology: &old.topology,
            graph: &old.graph,
        },
        crate::diff::Side {
            topology: &new.topology,
            graph: &new.graph,
        },
    );
    let given = load_given_cas(&certs.ca)?;
    let Some((store, options)) = load_certificates(certs, new, warn)? else {
        return Ok((d, None));
    };
    let mut full = run_check(&new.topology, &new.graph, &store, &given, &options);
    apply_settings(&mut full, &certs.settings);
    let result = full.restricted_to(&d.servers_to_verify(&new.topology));
    let outcome = decide(&new.topology, &store, &result, gate)?;
    Ok((
        d,
        Some(Checked {
            store,
            result,
            outcome,
            now: options.now,
            settings_note: certs.settings.note(),
        }),
    ))
}
