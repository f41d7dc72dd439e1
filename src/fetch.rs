//! Live certificates (`topocert_fetch::fetch`), and [`to_dir`]: `topocert fetch`, which tells
//! on the command's warning stream and returns the exit code.

pub use topocert_fetch::fetch::*;

/// [`topocert_fetch::fetch::fetch`] with a progress bar on standard error when it is a
/// terminal and `options.progress` (not `--quiet`).
pub fn fetch(
    topo: &crate::model::Topology,
    graph: &crate::graph::ServerGraph,
    options: &FetchOptions,
) -> Vec<EndpointResult> {
    let mut bar = Bar(None, options.progress);
    topocert_fetch::fetch::fetch(topo, graph, options, &mut bar)
}

/// The indicatif bar of a fetch; nothing when standard error is not a terminal or when quiet.
struct Bar(Option<indicatif::ProgressBar>, bool);

impl Progress for Bar {
    fn start(&mut self, total: usize) {
        use std::io::IsTerminal;
        if !self.1 || total == 0 || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("fetching {bar:30} {pos}/{len} endpoints {msg}")
        {
            bar.set_style(style);
        }
        self.0 = Some(bar);
    }
    fn finished(&mut self, r: &EndpointResult) {
        if let Some(b) = &self.0 {
            b.set_message(crate::report::escape::terminal(&r.endpoint.server));
            b.inc(1);
        }
    }
    fn end(&mut self) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
        }
    }
}

/// `topocert fetch`: checks that `out` can take the result, fetches, writes the folder and
/// `manifest.csv`, and tells on `warn` which endpoints failed and what was written (names and
/// paths through [`crate::report::escape::terminal`]). Exit code 0 when every endpoint
/// presented a certificate and proved it holds its key, 1 when one did not.
pub fn to_dir(
    loaded: &crate::app::Loaded,
    options: &FetchOptions,
    out: &std::path::Path,
    warn: crate::app::Warn<'_>,
) -> Result<u8, crate::app::AppError> {
    layout::prepare_dir(out)?;
    let results = fetch(&loaded.topology, &loaded.graph, options);
    let written = layout::write_dir(&results, out)?;
    let terminal = crate::report::escape::terminal;
    for r in results.iter().map(EndpointResult::record) {
        if let Err(f) = &r.result {
            let presented = f
                .presented
                .as_ref()
                .map(|t| format!(" (thumbprint {t}; not used)"))
                .unwrap_or_default();
            warn(miette::miette!(
                severity = miette::Severity::Warning,
                "{}: {}: {}{presented}",
                terminal(&r.describe_endpoint()),
                f.cause.id(),
                f.cause.describe()
            ));
        }
    }
    let sum = Summary::of(&results);
    let count = crate::report::count;
    eprintln!(
        "topocert: {} of {} of {} presented a certificate ({} none); wrote {} and {} to {}",
        sum.captured,
        count(sum.endpoints, "endpoint"),
        count(sum.servers, "server"),
        count(sum.unreached_servers, "server"),
        count(written, "file"),
        manifest::FILE_NAME,
        terminal(&out.display().to_string())
    );
    Ok(if sum.captured == sum.endpoints {
        crate::outcome::EXIT_OK
    } else {
        crate::outcome::EXIT_FINDINGS
    })
}
