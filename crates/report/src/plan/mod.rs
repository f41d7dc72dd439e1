//! `topocert plan`: the plan data of `topocert_check::plan`, rendered ([`render`]) and written
//! as request files ([`files`]).

pub use topocert_check::plan::*;

pub mod files;
pub mod render;

#[cfg(test)]
mod tests;
