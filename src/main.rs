//! The `topocert` binary: parses the command line and hands it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    topocert::cli::run(topocert::cli::Cli::parse())
}
