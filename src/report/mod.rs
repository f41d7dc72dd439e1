//! Renderers. Each output format is its own module and only formats data computed elsewhere.

pub mod check_human;
pub mod check_json;
pub mod check_markdown;
pub mod diff_human;
pub mod diff_json;
pub mod diff_markdown;
pub mod dot;
pub mod graph_json;
pub mod html;
pub mod junit;
pub mod mermaid;
pub mod sarif;
pub mod servers_table;
pub mod svg;
pub mod table;
