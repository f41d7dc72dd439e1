//! The baseline reader on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = topocert::gate::Baseline::parse(data);
});
