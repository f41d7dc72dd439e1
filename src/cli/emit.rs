//! Writing a command's output: rendered in its format as it is made, through the terminal
//! pass, to standard output or atomically to a file.

use super::{eprint_report, shown};
use crate::app::AppError;
use crate::outcome::{EXIT_CANNOT_RUN, EXIT_OK};
use crate::report::{self, CommandOutput, View};
use std::io::Write;

/// [`emit`] to standard output, or to `file` (`-` too is standard output) and then the
/// verdict on standard error.
pub(super) fn emit_to(
    command: CommandOutput,
    format: &str,
    view: &View<'_>,
    out: &mut dyn Write,
    file: Option<&std::path::Path>,
) -> Result<u8, AppError> {
    let Some(path) = file.filter(|p| p.as_os_str() != "-") else {
        return Ok(emit(command, format, view, out));
    };
    // Written whole (streamed into a temporary file renamed into place), never onto an input
    // of the run, and not at all when the output fails.
    let refused = |e: crate::output::WriteError| {
        AppError(miette::miette!(
            "{}",
            report::escape::terminal(&e.to_string())
        ))
    };
    let Some(f) = find(command, format) else {
        return Ok(EXIT_CANNOT_RUN);
    };
    crate::output::check_target(path).map_err(refused)?;
    let mut not_rendered = None;
    let written = crate::output::write_atomic(path, |out| match render(f, view, out) {
        Ok(()) => Ok(()),
        Err(report::RenderError::Write { kind, message }) => {
            Err(std::io::Error::new(kind, message))
        }
        Err(e) => {
            not_rendered = Some(e);
            Err(std::io::Error::other("not rendered"))
        }
    });
    if let Some(e) = not_rendered {
        eprint_report(&miette::Report::new(e));
        return Ok(EXIT_CANNOT_RUN);
    }
    written.map_err(refused)?;
    match view.checked {
        Some(c) => eprintln!(
            "topocert: wrote {}: {} ({})",
            shown(path),
            c.outcome.verdict.headline(),
            c.outcome.gate_sentence()
        ),
        None => eprintln!("topocert: wrote {}", shown(path)),
    }
    Ok(view.checked.map_or(EXIT_OK, |c| c.outcome.exit_code))
}

/// The format of a command with this name; says so when there is none.
fn find(command: CommandOutput, format: &str) -> Option<&'static report::Format> {
    let found = report::find(command, format);
    if found.is_none() {
        eprintln!(
            "topocert: unknown format {}",
            report::escape::terminal(format)
        );
    }
    found
}

/// Renders `view` in format `f` onto `out` as it is made, every byte through
/// [`report::escape::output`] ([`report::escape::InertWriter`]).
fn render(
    f: &report::Format,
    view: &View<'_>,
    out: &mut dyn Write,
) -> Result<(), report::RenderError> {
    let mut inert = report::escape::InertWriter::new(out, view.style.color);
    (f.render)(view, &mut inert)?;
    inert.finish()?;
    Ok(())
}

/// Renders `view` in the command's format and writes it; the exit code is the outcome's, or
/// 0 without one, or 2 when it cannot be rendered or written.
pub(super) fn emit(
    command: CommandOutput,
    format: &str,
    view: &View<'_>,
    out: &mut dyn Write,
) -> u8 {
    let Some(f) = find(command, format) else {
        return EXIT_CANNOT_RUN;
    };
    match render(f, view, out) {
        Ok(()) => view.checked.map_or(EXIT_OK, |c| c.outcome.exit_code),
        Err(report::RenderError::Write {
            kind: std::io::ErrorKind::BrokenPipe,
            ..
        }) => view.checked.map_or(EXIT_OK, |c| c.outcome.exit_code),
        Err(report::RenderError::Write { message, .. }) => {
            eprintln!("topocert: cannot write output: {message}");
            EXIT_CANNOT_RUN
        }
        Err(e) => {
            eprint_report(&miette::Report::new(e));
            EXIT_CANNOT_RUN
        }
    }
}
