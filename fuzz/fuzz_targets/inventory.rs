//! The inventory reader (CSV or JSON, UTF-8 or UTF-16) on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = topocert::certs::inventory::parse(Path::new("fuzz.csv"), data);
});
