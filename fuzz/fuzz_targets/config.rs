//! The `topocert.toml` reader on any UTF-8 text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = topocert::config::Config::parse(Path::new("fuzz/topocert.toml"), text.to_string());
    }
});
