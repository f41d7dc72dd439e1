//! The progress bar of a fetch: on a terminal only (standard error), never with `--quiet`.

use super::outcome::EndpointResult;
use std::io::IsTerminal;

/// A progress bar over `total` endpoints, or nothing when `quiet` or standard error is not a
/// terminal.
pub fn bar(total: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || total == 0 || !std::io::stderr().is_terminal() {
        return None;
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
    Some(bar)
}

/// The callback for [`super::runner::run`] that advances `bar` (if any) by one endpoint.
pub fn tick(bar: Option<&indicatif::ProgressBar>) -> impl FnMut(&EndpointResult) + '_ {
    move |r| {
        if let Some(b) = bar {
            b.set_message(crate::escape::terminal(&r.endpoint.server));
            b.inc(1);
        }
    }
}
