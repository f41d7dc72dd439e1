//! Writes a test PKI for the sample topologies.
//!
//! ```text
//! cargo run --example gen-sample-certs -- OUT_DIR [SCENARIO|all]
//! sample-topologies/make-weak-certs.sh OUT_DIR      # RSA-1024, SHA-1 and .pfx fixtures
//! ```
//!
//! Output: `OUT_DIR/<scenario>/certs/` (server certificate files), `OUT_DIR/<scenario>/ca/`
//! (the trusted CA certificates, PEM) and `OUT_DIR/<scenario>/keys/` (the CA private keys,
//! PKCS#8 PEM, for the script), made with the shared test PKI (`topocert_x509::test_pki`).
//! Names, extensions and validity dates are fixed; keys are random (rcgen with ring cannot
//! generate RSA keys, so every key here is ECDSA P-256 and every signature sha256ECDSA; the RSA
//! and SHA-1 cases come from the openssl script). Every leaf has what Lync requires of a server
//! certificate: a CRL distribution point, digitalSignature + keyEncipherment, Server
//! Authentication, and the names the topology requires where the sample means "ready" (see
//! `topocert plan TOPOLOGY`).
//!
//! Edit [`SPECS`] to change what each scenario contains.

use rcgen::ExtendedKeyUsagePurpose;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use topocert_x509::test_pki::{pem_block, ymd, CaSpec, Leaf, TestCa};

/// Which CA signs a certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ca {
    /// "CN=Fabrikam Issuing CA, O=Fabrikam": the trusted one.
    Fabrikam,
    /// "CN=Contoso Public CA, O=Contoso": a CA the servers do not trust.
    Contoso,
    /// A CA with exactly Fabrikam Issuing CA's DN but another key (bundled in the file).
    Impostor,
    /// three-tier-pki: "CN=Fabrikam Issuing CA 1" under the policy CA under the root.
    Tier1,
    /// three-tier-pki: "CN=Fabrikam Issuing CA 2", a second issuing CA under the same policy CA.
    Tier2,
    /// three-tier-pki: "CN=Fabrikam Issuing CA 3", under the policy CA; its certificate is
    /// shipped nowhere (the missing intermediate).
    Tier3,
}

/// Fixed validity windows.
#[derive(Clone, Copy)]
enum Valid {
    /// 2026-01-01 .. 2028-01-01.
    Good,
    /// 2024-01-01 .. 2025-06-01.
    Expired,
    /// 2027-06-01 .. 2029-06-01.
    NotYet,
    /// 2025-12-15 .. 2026-12-15 (within 30 days of 2026-12-01).
    ExpiringSoon,
}

/// Extended key usage.
#[derive(Clone, Copy)]
enum Usage {
    /// Server + client authentication (what Lync's certificate wizard requests).
    Server,
    /// Client authentication only.
    ClientOnly,
}

/// How the file is written.
#[derive(Clone, Copy)]
enum Form {
    /// PEM: the leaf only.
    Pem,
    /// PEM: the leaf followed by its issuing CA.
    PemChain,
    /// PEM: the policy CA, the leaf and its issuing CA (any order must do).
    PemFullChainMixed,
    /// DER: the leaf only.
    Der,
    /// PKCS#7 (.p7b, DER): leaf + issuing CA.
    P7b,
    /// DER cut in half (a truncated copy).
    TruncatedDer,
}

/// One certificate file of a scenario.
struct Spec {
    scenario: &'static str,
    /// Path under `certs/`.
    file: &'static str,
    cn: &'static str,
    sans: &'static [&'static str],
    ca: Ca,
    valid: Valid,
    usage: Usage,
    form: Form,
}

const fn spec(
    scenario: &'static str,
    file: &'static str,
    cn: &'static str,
    sans: &'static [&'static str],
) -> Spec {
    Spec {
        scenario,
        file,
        cn,
        sans,
        ca: Ca::Fabrikam,
        valid: Valid::Good,
        usage: Usage::Server,
        form: Form::PemChain,
    }
}

const SE: &str = "standard-edition";
const EM: &str = "enterprise-multisite";
const LAB: &str = "rules-lab";
const TIER: &str = "three-tier-pki";

/// The scenario table. rules-lab's lab05 (RSA-1024), lab06 (SHA-1) and lab09 (.pfx) are made by
/// `sample-topologies/make-weak-certs.sh`.
const SPECS: &[Spec] = &[
    // standard-edition: one Standard Edition server with a good certificate (pool FQDN = server
    // FQDN; external web services FQDN and simple URLs as the topology declares).
    spec(
        SE,
        "lyncse01.fabrikam.com.cer",
        "lyncse01.fabrikam.com",
        &[
            "lyncse01.fabrikam.com",
            "sip.fabrikam.com",
            "webext.fabrikam.com",
            "meet.fabrikam.com",
            "dialin.fabrikam.com",
            "admin.fabrikam.com",
        ],
    ),
    // enterprise-multisite: pool01 = fe01..fe03, Persistent Chat pc01/pc02. Subject CN = the
    // pool FQDN (Microsoft's Default certificate), every name the topology requires.
    spec(EM, "fe01.fabrikam.com.cer", "pool01.fabrikam.com", &FE01),
    Spec {
        ca: Ca::Contoso,
        ..spec(EM, "fe02.fabrikam.com.cer", "pool01.fabrikam.com", &FE02)
    },
    Spec {
        ca: Ca::Impostor,
        ..spec(EM, "fe03.fabrikam.com.cer", "pool01.fabrikam.com", &FE03)
    },
    spec(
        EM,
        "pc01.fabrikam.com.cer",
        "pc-old.fabrikam.com",
        &["pc-old.fabrikam.com"],
    ),
    // pc02.fabrikam.com: deliberately no certificate.
    // rules-lab: one rule per machine; every leaf names its server, labpool and labweb.
    Spec {
        valid: Valid::Expired,
        ..spec(LAB, "lab01.fabrikam.com.cer", "lab01.fabrikam.com", &lab(1))
    },
    Spec {
        valid: Valid::NotYet,
        ..spec(LAB, "lab02.fabrikam.com.cer", "lab02.fabrikam.com", &lab(2))
    },
    Spec {
        valid: Valid::ExpiringSoon,
        ..spec(LAB, "lab03.fabrikam.com.cer", "lab03.fabrikam.com", &lab(3))
    },
    Spec {
        usage: Usage::ClientOnly,
        ..spec(LAB, "lab04.fabrikam.com.cer", "lab04.fabrikam.com", &lab(4))
    },
    // lab07 has no file of its own: only the wildcard covers it (and every other
    // *.fabrikam.com), which Lync does not support for a server FQDN.
    spec(
        LAB,
        "wildcard-fabrikam.cer",
        "*.fabrikam.com",
        &["*.fabrikam.com"],
    ),
    Spec {
        form: Form::P7b,
        ..spec(LAB, "lab08.fabrikam.com.p7b", "lab08.fabrikam.com", &lab(8))
    },
    Spec {
        form: Form::TruncatedDer,
        ..spec(
            LAB,
            "lab10.fabrikam.com.cer",
            "lab10.fabrikam.com",
            &lab(10),
        )
    },
    Spec {
        form: Form::Der,
        ..spec(
            LAB,
            "lab11.fabrikam.com/cert.der",
            "lab11.fabrikam.com",
            &lab(11),
        )
    },
    Spec {
        form: Form::Pem,
        ..spec(
            LAB,
            "lab12.fabrikam.com.cer",
            "lab12.fabrikam.com",
            &lab(12),
        )
    },
    // three-tier-pki (the enterprise-multisite topology): root -> policy CA -> issuing CAs.
    // fe01: separate Default and WebServicesInternal certificates in a folder named after it,
    // leaves only (the chain is in fabrikam-chain.p7b).
    Spec {
        ca: Ca::Tier1,
        form: Form::Pem,
        ..spec(
            TIER,
            "fe01.fabrikam.com/default.cer",
            "pool01.fabrikam.com",
            &["pool01.fabrikam.com", "fe01.fabrikam.com"],
        )
    },
    Spec {
        ca: Ca::Tier1,
        form: Form::Pem,
        ..spec(
            TIER,
            "fe01.fabrikam.com/webservicesinternal.cer",
            "pool01.fabrikam.com",
            &FE01,
        )
    },
    // fe02: from Issuing CA 2, its file carries the policy CA, the leaf and Issuing CA 2.
    Spec {
        ca: Ca::Tier2,
        form: Form::PemFullChainMixed,
        ..spec(TIER, "fe02.fabrikam.com.cer", "pool01.fabrikam.com", &FE02)
    },
    // fe03: from Issuing CA 3, whose certificate is nowhere: a missing intermediate.
    Spec {
        ca: Ca::Tier3,
        form: Form::Pem,
        ..spec(TIER, "fe03.fabrikam.com.cer", "pool01.fabrikam.com", &FE03)
    },
    Spec {
        ca: Ca::Tier1,
        form: Form::Der,
        ..spec(
            TIER,
            "pc01.fabrikam.com.cer",
            "pc01.fabrikam.com",
            &["pc01.fabrikam.com", "pchat01.fabrikam.com"],
        )
    },
    Spec {
        ca: Ca::Tier1,
        form: Form::Pem,
        ..spec(
            TIER,
            "pc02.fabrikam.com.cer",
            "pc02.fabrikam.com",
            &["pc02.fabrikam.com", "pchat01.fabrikam.com"],
        )
    },
];

/// `fe0N.fabrikam.com` and every other name a pool01 Front End needs (`topocert plan`): the
/// pool, the internal and external web services, and the simple URLs meet, dialin and admin.
const fn pool01(server: &'static str) -> [&'static str; 7] {
    [
        server,
        "pool01.fabrikam.com",
        "webint01.fabrikam.com",
        "webext01.fabrikam.com",
        "meet.fabrikam.com",
        "dialin.fabrikam.com",
        "admin.fabrikam.com",
    ]
}
const FE01: [&str; 7] = pool01("fe01.fabrikam.com");
const FE02: [&str; 7] = pool01("fe02.fabrikam.com");
const FE03: [&str; 7] = pool01("fe03.fabrikam.com");

/// `labNN.fabrikam.com` with the pool and external web services FQDNs rules-lab requires.
const fn lab(n: usize) -> [&'static str; 3] {
    const NAMES: [&str; 13] = [
        "",
        "lab01.fabrikam.com",
        "lab02.fabrikam.com",
        "lab03.fabrikam.com",
        "lab04.fabrikam.com",
        "lab05.fabrikam.com",
        "lab06.fabrikam.com",
        "lab07.fabrikam.com",
        "lab08.fabrikam.com",
        "lab09.fabrikam.com",
        "lab10.fabrikam.com",
        "lab11.fabrikam.com",
        "lab12.fabrikam.com",
    ];
    [NAMES[n], "labpool.fabrikam.com", "labweb.fabrikam.com"]
}

/// Scenarios that also get `notes-garbage.cer`.
const GARBAGE_IN: &[&str] = &[LAB];

const SCENARIOS: &[&str] = &[SE, EM, LAB, TIER];

type Res<T> = Result<T, Box<dyn Error>>;

struct CaKit {
    ca: TestCa,
    /// The CRL this CA publishes, for the CDP of the certificates it issues.
    crl: String,
}

impl CaKit {
    fn pem(&self) -> String {
        self.ca.pem()
    }
}

/// The CRL URL of a CA: `http://<host>/crl/<cn in lower case, spaces as dashes>.crl`.
fn crl_url(cn: &str, org: &str) -> String {
    let host = if org == "Contoso" {
        "crl.contoso.com"
    } else {
        "pki.fabrikam.com"
    };
    format!(
        "http://{host}/crl/{}.crl",
        cn.to_ascii_lowercase().replace(' ', "-")
    )
}

/// A CA valid 2020..2040 with digitalSignature, keyCertSign and cRLSign: self-signed, or
/// signed by `parent` (then with an AKI and the parent's CDP).
fn make_ca(cn: &str, org: &str, parent: Option<&CaKit>) -> CaKit {
    let spec = CaSpec::new(cn).org(Some(org)).digital_signature();
    let ca = match parent {
        None => spec.without_aki().self_signed(),
        Some(parent) => spec.crl(&parent.crl).signed_by(&parent.ca),
    };
    CaKit {
        ca,
        crl: crl_url(cn, org),
    }
}

fn leaf(spec: &Spec, ca: &CaKit) -> (Vec<u8>, String) {
    let (nb, na) = match spec.valid {
        Valid::Good => ((2026, 1, 1), (2028, 1, 1)),
        Valid::Expired => ((2024, 1, 1), (2025, 6, 1)),
        Valid::NotYet => ((2027, 6, 1), (2029, 6, 1)),
        Valid::ExpiringSoon => ((2025, 12, 15), (2026, 12, 15)),
    };
    let leaf = Leaf {
        sans: spec.sans.iter().map(|s| s.to_string()).collect(),
        validity: (ymd(nb.0, nb.1, nb.2), ymd(na.0, na.1, na.2)),
        eku: match spec.usage {
            Usage::Server => vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            Usage::ClientOnly => vec![ExtendedKeyUsagePurpose::ClientAuth],
        },
        crl: vec![ca.crl.clone()],
        ..Leaf::good(spec.cn, &[])
    };
    let der = leaf.signed_by(&ca.ca);
    let pem = pem_block("CERTIFICATE", &der);
    (der, pem)
}

fn write(path: &Path, data: &[u8]) -> Res<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, data)?;
    Ok(())
}

/// The CAs of a scenario, and the CA files it ships.
struct Pki {
    fabrikam: CaKit,
    contoso: CaKit,
    impostor: CaKit,
    /// three-tier-pki only: the policy CA and issuing CAs 1 to 3.
    tiers: Option<(CaKit, [CaKit; 3])>,
}

fn pki(root: &Path, certs: &Path, scenario: &str) -> Res<Pki> {
    let fabrikam = make_ca("Fabrikam Issuing CA", "Fabrikam", None);
    let contoso = make_ca("Contoso Public CA", "Contoso", None);
    let impostor = make_ca("Fabrikam Issuing CA", "Fabrikam", None);
    if scenario == TIER {
        let top = make_ca("Fabrikam Root CA", "Fabrikam", None);
        let policy = make_ca("Fabrikam Policy CA", "Fabrikam", Some(&top));
        let issuing = [
            make_ca("Fabrikam Issuing CA 1", "Fabrikam", Some(&policy)),
            make_ca("Fabrikam Issuing CA 2", "Fabrikam", Some(&policy)),
            make_ca("Fabrikam Issuing CA 3", "Fabrikam", Some(&policy)),
        ];
        write(&root.join("ca/fabrikam-root-ca.cer"), top.pem().as_bytes())?;
        write(
            &root.join("ca/fabrikam-issuing-ca-1.cer"),
            issuing[0].pem().as_bytes(),
        )?;
        // The chain below the root as the folder's CA bundle (Issuing CA 3 is left out), in
        // BER with indefinite lengths as some Windows and Java tools write it.
        let bundle = topocert::certs::pkcs7::build_bundle(&[&policy.ca.der, &issuing[0].ca.der])?;
        write(
            &certs.join("fabrikam-chain.p7b"),
            &topocert::certs::ber::to_indefinite(&bundle)?,
        )?;
        return Ok(Pki {
            fabrikam,
            contoso,
            impostor,
            tiers: Some((policy, issuing)),
        });
    }
    write(
        &root.join("ca/fabrikam-issuing-ca.cer"),
        fabrikam.pem().as_bytes(),
    )?;
    write(
        &root.join("ca/contoso-public-ca.cer"),
        contoso.pem().as_bytes(),
    )?;
    write(
        &root.join("keys/fabrikam-issuing-ca.key"),
        fabrikam.ca.issuer.key().serialize_pem().as_bytes(),
    )?;
    let impostor_at = if scenario == EM { "ca" } else { "keys" };
    write(
        &root.join(format!("{impostor_at}/impostor-fabrikam-issuing-ca.cer")),
        impostor.pem().as_bytes(),
    )?;
    Ok(Pki {
        fabrikam,
        contoso,
        impostor,
        tiers: None,
    })
}

fn generate(out: &Path, scenario: &str) -> Res<()> {
    let root = out.join(scenario);
    let certs = root.join("certs");
    if certs.exists() {
        fs::remove_dir_all(&certs)?;
    }
    fs::create_dir_all(&certs)?;
    let pki = pki(&root, &certs, scenario)?;
    let mut n = usize::from(pki.tiers.is_some());
    for spec in SPECS.iter().filter(|s| s.scenario == scenario) {
        let tier = |i: usize| {
            pki.tiers
                .as_ref()
                .map(|(_, t)| &t[i])
                .ok_or("a three-tier CA outside three-tier-pki")
        };
        let ca = match spec.ca {
            Ca::Fabrikam => &pki.fabrikam,
            Ca::Contoso => &pki.contoso,
            Ca::Impostor => &pki.impostor,
            Ca::Tier1 => tier(0)?,
            Ca::Tier2 => tier(1)?,
            Ca::Tier3 => tier(2)?,
        };
        let (der, pem) = leaf(spec, ca);
        let bytes = match spec.form {
            Form::Pem => pem.into_bytes(),
            Form::PemChain => format!("{pem}{}", ca.pem()).into_bytes(),
            Form::PemFullChainMixed => {
                let policy = pki
                    .tiers
                    .as_ref()
                    .map(|(p, _)| p.pem())
                    .ok_or("a full chain outside three-tier-pki")?;
                format!("{policy}{pem}{}", ca.pem()).into_bytes()
            }
            Form::Der => der,
            Form::TruncatedDer => der.get(..der.len() / 2).unwrap_or_default().to_vec(),
            Form::P7b => topocert::certs::pkcs7::build_bundle(&[&der, &ca.ca.der])?,
        };
        write(&certs.join(spec.file), &bytes)?;
        n += 1;
    }
    if GARBAGE_IN.contains(&scenario) {
        write(
            &certs.join("notes-garbage.cer"),
            b"Certificates for the lab servers: ask the PKI team (ext. 4711).\n",
        )?;
        n += 1;
    }
    println!("{scenario}: {n} files in {}", certs.display());
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        return Err(format!(
            "usage: gen-sample-certs OUT_DIR [SCENARIO|all]; scenarios: {}",
            SCENARIOS.join(", ")
        )
        .into());
    };
    let which = args.get(1).map(String::as_str).unwrap_or("all");
    let chosen: Vec<&str> = if which == "all" {
        SCENARIOS.to_vec()
    } else if SCENARIOS.contains(&which) {
        vec![which]
    } else {
        return Err(format!("unknown scenario {which}; known: {}", SCENARIOS.join(", ")).into());
    };
    let out = PathBuf::from(out);
    for s in chosen {
        generate(&out, s)?;
    }
    Ok(())
}
