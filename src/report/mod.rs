//! Renderers. Each output format is its own module and only formats data computed elsewhere.

pub mod check_human;
pub mod check_json;
pub mod diff_human;
pub mod dot;
pub mod graph_json;
pub mod mermaid;
pub mod servers_table;
pub mod table;
