//! Property tests (proptest, stable Rust, run by `cargo test`): the topology reader, the
//! certificate loader and the inventory reader return a value or an error for any input — they
//! never panic — and a topology they accept always builds a graph and can be checked. The inputs
//! are arbitrary bytes and mutations of the shipped samples (truncation, byte flips, inserted
//! markup), which reach much deeper into the readers than random bytes do.
//!
//! Case counts are modest so CI on two cores stays quick; raise them locally with
//! `PROPTEST_CASES=5000 cargo test --test it properties`.

use crate::support;

use crate::every_format;

use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use support::sample;

fn samples() -> &'static Vec<Vec<u8>> {
    static S: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    S.get_or_init(|| {
        [
            "standard-edition/topology.xml",
            "standard-edition/topology-utf16be.xml",
            "enterprise-multisite/topology.xml",
            "enterprise-multisite/topology.tbxml",
            "enterprise-multisite/topology-utf16le.xml",
            "rules-lab/topology.xml",
            "nested/config-export.xml",
        ]
        .iter()
        .map(|p| std::fs::read(sample(p)).expect("sample"))
        .collect()
    })
}

fn certificates() -> &'static Vec<Vec<u8>> {
    static C: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    C.get_or_init(|| {
        [
            "enterprise-multisite/certs/fe01.fabrikam.com.cer",
            "rules-lab/certs/lab05.fabrikam.com.cer",
            "rules-lab/certs/lab08.fabrikam.com.p7b",
            "rules-lab/certs/lab11.fabrikam.com/cert.der",
            "enterprise-multisite/ca/fabrikam-issuing-ca.cer",
        ]
        .iter()
        .map(|p| std::fs::read(sample(p)).expect("sample certificate"))
        .collect()
    })
}

fn inventories() -> &'static Vec<Vec<u8>> {
    static I: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    I.get_or_init(|| {
        [
            "enterprise-multisite/inventory.csv",
            "enterprise-multisite/inventory.json",
        ]
        .iter()
        .map(|p| std::fs::read(sample(p)).expect("sample inventory"))
        .collect()
    })
}

/// One way to damage a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep only the first `n` permille of the bytes.
    Truncate(u16),
    /// XOR the byte at `at` permille with `mask`.
    Flip(u16, u8),
    /// Insert a snippet at `at` permille.
    Insert(u16, &'static str),
    /// Remove `len` bytes at `at` permille.
    Cut(u16, u16),
}

const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "</Cluster>",
    "<Machine Fqdn=\"x\">",
    "<!DOCTYPE t [<!ENTITY e \"x\">]>",
    "&e;",
    "&#0;",
    "<![CDATA[",
    "\"",
    "\u{0}",
    "<Service RoleName=\"PersistentChatService\" UniqueId=\"u\" InstalledOn=\"nowhere\">",
    "<InstalledOn><ClusterId SiteId=\"9\" Number=\"9\"/></InstalledOn>",
    "-----BEGIN CERTIFICATE-----",
    "-----END CERTIFICATE-----\n",
    "\r\n,\"",
    "\\/Date(-99999999999999999)\\/",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0u16..1000).prop_map(Mutation::Truncate),
        (0u16..1000, 1u8..=255).prop_map(|(a, m)| Mutation::Flip(a, m)),
        (0u16..1000, proptest::sample::select(SNIPPETS)).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (0u16..1000, 1u16..64).prop_map(|(a, l)| Mutation::Cut(a, l)),
    ]
}

fn apply(base: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut b = base.to_vec();
    let at = |b: &Vec<u8>, p: u16| b.len() * usize::from(p) / 1000;
    for m in muts {
        match *m {
            Mutation::Truncate(p) => {
                let n = at(&b, p);
                b.truncate(n)
            }
            Mutation::Flip(p, mask) => {
                let i = at(&b, p);
                if let Some(x) = b.get_mut(i) {
                    *x ^= mask;
                }
            }
            Mutation::Insert(p, s) => {
                let i = at(&b, p);
                b.splice(i..i, s.bytes());
            }
            Mutation::Cut(p, len) => {
                let i = at(&b, p);
                let j = (i + usize::from(len)).min(b.len());
                b.drain(i..j);
            }
        }
    }
    b
}

/// 128 cases per property, or `PROPTEST_CASES` when set.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(128);
    ProptestConfig::with_cases(cases)
}

/// Reads a topology and, when it is accepted, builds the graph and lists the checked servers.
fn read_topology(bytes: &[u8]) {
    if let Ok(topo) = topocert::topology::load_bytes("fuzz.xml", bytes) {
        let graph = topocert::graph::ServerGraph::build(&topo);
        let _ = topocert::check::checked_servers(&topo, &graph);
        let _ = topocert::servers::server_rows(&topo, &graph);
        let _ = topocert::report::dot::render_pools(&topo, &graph, None);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn topology_reader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_topology(&bytes);
    }

    #[test]
    fn topology_reader_never_panics_on_damaged_samples(
        which in 0usize..7,
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        let bytes = apply(&samples()[which], &muts);
        read_topology(&bytes);
    }

    #[test]
    fn certificate_loader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = topocert::certs::load_bytes(Path::new("fuzz.cer"), &bytes);
        let _ = topocert::certs::load_bytes(Path::new("fuzz.p7b"), &bytes);
    }

    #[test]
    fn certificate_loader_never_panics_on_damaged_certificates(
        which in 0usize..5,
        muts in proptest::collection::vec(mutation(), 1..4),
    ) {
        let bytes = apply(&certificates()[which], &muts);
        for name in ["fuzz.cer", "fuzz.p7b", "fuzz.pem"] {
            if let Ok(certs) = topocert::certs::load_bytes(Path::new(name), &bytes) {
                for c in &certs {
                    // Exercise what the rules read, including time comparisons at the extremes.
                    let _ = c.names();
                    let _ = c.is_valid_at(i64::MIN);
                    let _ = c.is_valid_at(i64::MAX);
                    let _ = c.signature_check(c);
                }
            }
        }
    }

    #[test]
    fn ber_reader_never_panics_and_reads_back_what_it_writes(
        which in 0usize..5,
        muts in proptest::collection::vec(mutation(), 0..4),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        use topocert::certs::ber;
        let _ = ber::to_der(&bytes);
        let _ = ber::to_indefinite(&bytes);
        // Bundles and certificates in BER (indefinite lengths), damaged or not.
        if let Ok(der) = topocert::certs::load_bytes(Path::new("c.p7b"), &certificates()[which])
            .map(|certs| certs.iter().map(|c| c.der.clone()).collect::<Vec<_>>())
        {
            let refs: Vec<&[u8]> = der.iter().map(|d| &d[..]).collect();
            let bundle = topocert::certs::pkcs7::build_bundle(&refs).expect("bundle");
            let indefinite = ber::to_indefinite(&bundle).expect("re-encodes");
            prop_assert_eq!(ber::to_der(&indefinite).expect("converts"), bundle);
            let damaged = apply(&indefinite, &muts);
            let _ = ber::to_der(&damaged);
            let _ = topocert::certs::load_bytes(Path::new("fuzz.p7b"), &damaged);
        }
    }

    #[test]
    fn inventory_reader_never_panics(
        which in 0usize..2,
        muts in proptest::collection::vec(mutation(), 1..5),
    ) {
        let bytes = apply(&inventories()[which], &muts);
        for name in ["fuzz.csv", "fuzz.json"] {
            let _ = topocert::certs::inventory::parse(Path::new(name), &bytes);
        }
    }
}

/// The unmutated samples are accepted: the damaged-sample properties start from valid input.
#[test]
fn samples_are_valid_starting_points() {
    for s in samples() {
        assert!(topocert::topology::load_bytes("s.xml", s).is_ok());
    }
    for c in certificates() {
        assert!(topocert::certs::load_bytes(Path::new("c.cer"), c).is_ok());
    }
    for (i, inv) in inventories().iter().enumerate() {
        let name = if i == 0 { "i.csv" } else { "i.json" };
        assert!(topocert::certs::inventory::parse(Path::new(name), inv).is_ok());
    }
}

/// Names of any length never panic a renderer: formatting widths and padding derived from a
/// name's length are clamped (a `format!` width above 65,535 panics).
mod sizes {
    use super::{every_format, support};
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    /// The standard-edition sample with its Front End machine (the file upload/download
    /// server, whose FQDN is a required name of the plan) renamed to `name`, written under
    /// `dir`.
    fn with_machine_named(dir: &Path, name: &str) -> PathBuf {
        let xml = std::fs::read_to_string(support::sample("standard-edition/topology.xml"))
            .expect("sample");
        let machine = "Fqdn=\"lyncse01.fabrikam.com\" FaultDomain";
        assert!(xml.contains(machine));
        let xml = xml.replacen(machine, &format!("Fqdn=\"{name}\" FaultDomain"), 1);
        let path = dir.join("topology.xml");
        std::fs::write(&path, xml).expect("write");
        path
    }

    /// A name of `len` characters `c`, in labels of 63 when `dotted`, under fabrikam.com.
    fn long_name(len: usize, c: char, dotted: bool) -> String {
        let mut name = String::with_capacity(len * c.len_utf8() + len / 63 + 16);
        for i in 0..len {
            if dotted && i > 0 && i % 63 == 0 {
                name.push('.');
            }
            name.push(c);
        }
        name.push_str(".fabrikam.com");
        name
    }

    fn certs() -> PathBuf {
        PathBuf::from(support::sample("standard-edition/certs"))
    }

    /// Regression: `plan --format human` panicked (exit 101) on a required name longer than
    /// 65,535 characters.
    #[test]
    fn plan_human_takes_a_70000_character_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let name = long_name(70_000, 'a', false);
        let topo = with_machine_named(dir.path(), &name);
        let out = support::topocert()
            .arg("plan")
            .arg(&topo)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&name), "the name is shown whole");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]
        /// Every format of every command renders a topology whose machine FQDN is up to 1 MB
        /// long, without a panic.
        #[test]
        fn every_renderer_takes_names_up_to_1_mb(
            len in 1usize..1_000_000,
            c in prop::sample::select(vec!['a', 'é', '漢', '-']),
            dotted in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().expect("tmp");
            let name = long_name(len, c, dotted);
            let topo = with_machine_named(dir.path(), &name);
            for (format, text) in every_format::render_every_format(&topo, Some(&certs())) {
                prop_assert!(!text.is_empty(), "{} rendered nothing", format);
            }
        }
    }
}
