//! Command-line interface: the argument types (`args`) mapped onto the application layer
//! ([`crate::app`]) and the output-format registry ([`crate::report::FORMATS`]). Nothing is
//! decided here: verdicts and exit codes come from the outcome.

mod args;
mod emit;

pub use args::*;

use crate::app::{self, AppError, Loaded};
use crate::outcome::{EXIT_CANNOT_RUN, EXIT_OK};
use crate::report::{self, CommandOutput, Style, View};
use emit::{emit, emit_to};
use std::io::Write;
use std::process::ExitCode;

/// Prints a diagnostic to standard error with the installed miette handler; control
/// characters in it are shown visibly ([`report::escape::output`]), colour kept.
pub fn eprint_report(r: &miette::Report) {
    eprintln!("{}", report::escape::output(&format!("{r:?}"), true));
}

/// A path as messages on standard error show it (control characters visible).
fn shown(path: &std::path::Path) -> String {
    report::escape::terminal(&path.display().to_string())
}

/// The layout of text output: colour only on a terminal without `NO_COLOR`; width from
/// `COLUMNS`, else the terminal's, else 100 ([`crate::term::width`]).
fn style() -> Style {
    styled("auto", false)
}

/// The layout for `--color WHEN` and `--quiet`.
fn styled(color: &str, quiet: bool) -> Style {
    use std::io::IsTerminal;
    Style {
        color: match color {
            "always" => true,
            "never" => false,
            _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
        width: crate::term::width(crate::term::Stream::Stdout),
        quiet,
    }
}

/// A view of a loaded topology, laid out for this terminal.
fn view<'a>(l: &'a Loaded, name: &'a str) -> View<'a> {
    View {
        style: style(),
        ..View::new(&l.topology, name, &l.graph)
    }
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

/// Runs a parsed command line and returns the process exit code; the process is to exit
/// right after (what the command loaded is not freed, see `leave`).
pub fn run(cli: Cli) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut warn = |r: miette::Report| eprint_report(&r);
    use_jobs(&cli.command);
    let code = match dispatch(cli.command, &mut stdout, &mut warn) {
        Ok(code) => code,
        Err(AppError(report)) => {
            eprint_report(&report);
            EXIT_CANNOT_RUN
        }
    };
    let _ = stdout.flush();
    ExitCode::from(code)
}

/// Sizes the thread pool the libraries' parallel loops run on (`--jobs N`; without it, rayon's
/// default: one thread per available core). The pool is set once per process: a later call
/// keeps the first size.
fn use_jobs(command: &Command) {
    let certificates = match command {
        Command::Check(a) => &a.certificates,
        Command::Report(a) => &a.certificates,
        Command::Plan(a) => &a.certificates,
        Command::Diff(a) => &a.certificates,
        _ => return,
    };
    if let Some(n) = certificates.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global();
    }
}

/// What a command loaded (topology, certificate store, check), once its output is written and
/// flushed: left to the operating system, which takes it back at once when the process exits
/// right after, rather than freed piece by piece. [`run`] is the whole of a process.
fn leave<T>(loaded: T) {
    std::mem::forget(loaded);
}

fn dispatch(command: Command, out: &mut dyn Write, warn: app::Warn<'_>) -> Result<u8, AppError> {
    let load = |path: &str, warn: app::Warn<'_>| app::load_topology(path, warn);
    match command {
        Command::Completions(a) => Ok(completions(&a, out)),
        Command::Man(a) => Ok(man(&a, out)),
        Command::Servers(a) => {
            let l = load(&a.topology, warn)?;
            let v = View {
                wide: a.wide,
                ..view(&l, &a.topology)
            };
            let code = emit(CommandOutput::Servers, &a.format, &v, out);
            leave(l);
            Ok(code)
        }
        Command::Graph(a) => {
            let l = load(&a.topology, warn)?;
            let keep = a
                .focus
                .as_ref()
                .map(|_| l.graph.persistent_chat_focus(&l.topology));
            let v = View {
                focus: keep.as_ref(),
                ..view(&l, &a.topology)
            };
            let code = emit(CommandOutput::Graph, &a.format, &v, out);
            leave(l);
            Ok(code)
        }
        Command::Check(a) => {
            let l = load(&a.topology, warn)?;
            let c = app::check(&l, &a.certificates.inputs()?, &a.gate.inputs(), warn)?;
            let v = View {
                checked: Some(&c),
                style: styled(&a.output.color, a.certificates.fetching.quiet),
                ..view(&l, &a.topology)
            };
            let code = emit_to(
                CommandOutput::Check,
                &a.format,
                &v,
                out,
                a.output.output.as_deref(),
            );
            leave((l, c));
            code
        }
        Command::Explain(a) => Ok(if a.list {
            write_out(out, &crate::explain::list(style().width))
        } else {
            let text =
                crate::explain::explain(a.rule.as_deref().unwrap_or_default(), style().width)?;
            write_out(out, &report::escape::terminal_lines(&text))
        }),
        Command::Report(a) => {
            let l = load(&a.topology, warn)?;
            let c = app::check(&l, &a.certificates.inputs()?, &a.gate.inputs(), warn)?;
            let keep = (a.graph == args::ReportGraph::PersistentChat)
                .then(|| l.graph.persistent_chat_focus(&l.topology));
            let v = View {
                checked: Some(&c),
                focus: keep.as_ref(),
                ..view(&l, &a.topology)
            };
            let code = emit_to(CommandOutput::Report, "html", &v, out, Some(a.out.as_ref()));
            leave((l, c));
            code
        }
        Command::Plan(a) => {
            let l = load(&a.topology, warn)?;
            let (plan, checked) = app::plan(&l, &a.certificates.inputs()?, &a.gate.inputs(), warn)?;
            if let Some(dir) = &a.out_dir {
                let w = crate::plan::files::write_dir(&plan, dir)?;
                for (server, stem) in &w.renamed {
                    eprintln!(
                        "topocert: {server}: request files named {stem}.inf and {stem}.cnf (not a portable file name)"
                    );
                }
                eprintln!(
                    "topocert: wrote {} to {}",
                    report::count(w.files.len(), "file"),
                    shown(dir)
                );
            }
            let v = View {
                checked: checked.as_ref(),
                plan: Some(&plan),
                ..view(&l, &a.topology)
            };
            let code = emit(CommandOutput::Plan, &a.format, &v, out);
            leave((l, plan, checked));
            Ok(code)
        }
        Command::Diff(a) => {
            if a.old == "-" && a.new == "-" {
                return Err(AppError(miette::miette!(
                    "diff reads OLD and NEW from two sources: standard input (-) can be only one of them"
                )));
            }
            let old = load(&a.old, warn)?;
            let new = load(&a.new, warn)?;
            let (d, checked) = app::diff(
                &old,
                &new,
                &a.certificates.inputs()?,
                &a.gate.inputs(),
                warn,
            )?;
            let v = View {
                checked: checked.as_ref(),
                diff: Some(report::DiffView {
                    diff: &d,
                    old_name: &a.old,
                    new_name: &a.new,
                }),
                style: styled(&a.output.color, a.certificates.fetching.quiet),
                ..view(&new, &a.new)
            };
            let code = emit_to(
                CommandOutput::Diff,
                &a.format,
                &v,
                out,
                a.output.output.as_deref(),
            );
            leave((old, new, d, checked));
            code
        }
        Command::Fetch(a) => {
            let l = load(&a.topology, warn)?;
            Ok(crate::fetch::to_dir(
                &l,
                &a.fetching.options(),
                &a.out,
                warn,
            )?)
        }
    }
}

/// `topocert completions SHELL`: the completion script clap_complete makes from [`Cli`].
pub fn completions(a: &CompletionsArgs, out: &mut dyn Write) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "topocert", &mut script);
    write_out(out, &String::from_utf8_lossy(&script))
}

/// `topocert man [COMMAND]`: the roff manual page clap_mangen makes from [`Cli`].
pub fn man(a: &ManArgs, out: &mut dyn Write) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    let page = match &a.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "topocert: no command `{}`; the commands are: {}",
                    report::escape::terminal(name),
                    names.join(", ")
                );
                return EXIT_CANNOT_RUN;
            }
        },
    };
    let mut roff = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut roff) {
        eprintln!("topocert: cannot render the manual page: {e}");
        return EXIT_CANNOT_RUN;
    }
    write_out(out, &String::from_utf8_lossy(&roff))
}
