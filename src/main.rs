//! The `topocert` binary: installs the diagnostic printer, parses the command line and hands it
//! to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    topocert::term::install_diagnostic_hook();
    topocert::cli::run(topocert::cli::Cli::parse())
}
