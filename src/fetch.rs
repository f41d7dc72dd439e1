//! Live certificates (`topocert_fetch::fetch`), and [`to_dir`]: `topocert fetch`, which tells
//! on the command's warning stream and returns the exit code.

pub use topocert_fetch::fetch::*;

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
