//! What the `check` and `scale` benches share: the topology shape whose certificate folders
//! both reuse, the single-threaded floor of any certificate checker, and failing bench setup.

use std::path::Path;
use topocert_testkit::synth::SynthOptions;

/// Fifty machines per pool: each site then has 100 certificate machines (one Front End pool
/// serving file upload/download and one Persistent Chat pool).
pub fn shape(sites: usize) -> SynthOptions {
    SynthOptions {
        sites,
        pools_per_site: 2,
        machines_per_pool: 50,
        pchat: true,
        seed: 2013,
        ..SynthOptions::default()
    }
}

/// Ends a bench whose setup failed.
pub fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("bench setup failed: {e}");
    std::process::exit(1)
}

/// The floor: read every file, parse it as DER X.509 and verify its signature with the CA's
/// key, on one thread: nothing topocert-specific. Returns how many verified.
pub fn floor(dir: &Path, ca_der: &[u8]) -> usize {
    let Ok((_, ca)) = x509_parser::parse_x509_certificate(ca_der) else {
        fail("CA does not parse")
    };
    let mut verified = 0;
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| fail(e)).flatten() {
        if let Ok(bytes) = std::fs::read(e.path()) {
            if let Ok((_, cert)) = x509_parser::parse_x509_certificate(&bytes) {
                if cert.verify_signature(Some(ca.public_key())).is_ok() {
                    verified += 1;
                }
            }
        }
    }
    verified
}
