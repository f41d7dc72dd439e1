//! The topology reader on any bytes (any encoding, XML or .tbxml): an error or a topology,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = topocert::topology::load_bytes("fuzz.xml", data);
});
