//! The certificate loader (PEM, DER, PKCS#7, BER) on any bytes, under a name of each kind of
//! extension.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    for name in ["fuzz.cer", "fuzz.p7b", "fuzz"] {
        let _ = topocert::certs::load_bytes(Path::new(name), data);
    }
});
