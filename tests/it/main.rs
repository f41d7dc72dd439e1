//! The integration tests, in one binary: one module per area (the commands end to end, the
//! readers against hostile input, the docs' commands, the crates' floors). One binary links
//! once, so a change to a renderer relinks one test program, not twenty.
//! `cargo test --test it MODULE` runs one area, e.g. `cargo test --test it properties`.

mod support;

#[path = "support/every_format.rs"]
mod every_format;
#[path = "../../benches/support/synth_certs.rs"]
mod synth_certs;
#[path = "support/tls_server.rs"]
mod tls_server;

mod cli_check;
mod cli_diff;
mod cli_errors;
mod cli_formats;
mod cli_inventory;
mod cli_plan;
mod cli_report;
mod cli_shell;
mod cli_topology;
mod consistency;
mod docs_commands;
mod escaping;
mod fetch;
mod generator;
mod hostile;
mod inventory_export;
mod layers;
mod properties;
mod sarif_schema;
mod topology;
mod verdict_story;
