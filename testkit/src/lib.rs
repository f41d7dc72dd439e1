//! Development-only fixtures for topocert's tests, benchmarks and examples: deterministic
//! synthetic topologies ([`synth`]) and certificate inventories written the way Windows
//! PowerShell 5 writes them ([`inventory_export`]). Not part of the shipped library.

pub mod inventory_export;
pub mod synth;
