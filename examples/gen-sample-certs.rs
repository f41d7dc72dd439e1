//! Writes a test PKI for the sample topologies.
//!
//! ```text
//! cargo run --example gen-sample-certs -- OUT_DIR [SCENARIO|all]
//! sample-topologies/make-weak-certs.sh OUT_DIR      # RSA-1024, SHA-1 and .pfx fixtures
//! ```
//!
//! Output: `OUT_DIR/<scenario>/certs/` (server certificate files), `OUT_DIR/<scenario>/ca/`
//! (the trusted CA certificates, PEM) and `OUT_DIR/<scenario>/keys/` (the CA private keys,
//! PKCS#8 PEM, for the script). Names and validity dates are fixed; keys are random (rcgen with
//! ring cannot generate RSA keys, so every key here is ECDSA P-256 and every signature
//! sha256ECDSA; the RSA and SHA-1 cases come from the openssl script).
//!
//! Edit [`SPECS`] to change what each scenario contains.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Which CA signs a certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ca {
    /// "CN=Fabrikam Issuing CA, O=Fabrikam": the trusted one.
    Fabrikam,
    /// "CN=Contoso Public CA, O=Contoso": a CA the servers do not trust.
    Contoso,
    /// A CA with exactly Fabrikam Issuing CA's DN but another key (bundled in the file).
    Impostor,
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

/// The scenario table. rules-lab's lab05 (RSA-1024), lab06 (SHA-1) and lab09 (.pfx) are made by
/// `sample-topologies/make-weak-certs.sh`.
const SPECS: &[Spec] = &[
    // standard-edition: one Standard Edition server with a good certificate.
    spec(
        SE,
        "lyncse01.fabrikam.com.cer",
        "lyncse01.fabrikam.com",
        &["lyncse01.fabrikam.com", "sip.fabrikam.com"],
    ),
    // enterprise-multisite: pool01 = fe01..fe03, Persistent Chat pc01/pc02.
    spec(
        EM,
        "fe01.fabrikam.com.cer",
        "pool01.fabrikam.com",
        &[
            "fe01.fabrikam.com",
            "pool01.fabrikam.com",
            "webint01.fabrikam.com",
            "webext01.fabrikam.com",
        ],
    ),
    Spec {
        ca: Ca::Contoso,
        ..spec(
            EM,
            "fe02.fabrikam.com.cer",
            "fe02.fabrikam.com",
            &["fe02.fabrikam.com", "pool01.fabrikam.com"],
        )
    },
    Spec {
        ca: Ca::Impostor,
        ..spec(
            EM,
            "fe03.fabrikam.com.cer",
            "fe03.fabrikam.com",
            &["fe03.fabrikam.com", "pool01.fabrikam.com"],
        )
    },
    spec(
        EM,
        "pc01.fabrikam.com.cer",
        "pc-old.fabrikam.com",
        &["pc-old.fabrikam.com"],
    ),
    // pc02.fabrikam.com: deliberately no certificate.
    // rules-lab: one rule per machine.
    Spec {
        valid: Valid::Expired,
        ..spec(
            LAB,
            "lab01.fabrikam.com.cer",
            "lab01.fabrikam.com",
            &["lab01.fabrikam.com"],
        )
    },
    Spec {
        valid: Valid::NotYet,
        ..spec(
            LAB,
            "lab02.fabrikam.com.cer",
            "lab02.fabrikam.com",
            &["lab02.fabrikam.com"],
        )
    },
    Spec {
        valid: Valid::ExpiringSoon,
        ..spec(
            LAB,
            "lab03.fabrikam.com.cer",
            "lab03.fabrikam.com",
            &["lab03.fabrikam.com"],
        )
    },
    Spec {
        usage: Usage::ClientOnly,
        ..spec(
            LAB,
            "lab04.fabrikam.com.cer",
            "lab04.fabrikam.com",
            &["lab04.fabrikam.com"],
        )
    },
    // lab07 has no file of its own: the wildcard covers it (and every other *.fabrikam.com).
    spec(
        LAB,
        "wildcard-fabrikam.cer",
        "*.fabrikam.com",
        &["*.fabrikam.com"],
    ),
    Spec {
        form: Form::P7b,
        ..spec(
            LAB,
            "lab08.fabrikam.com.p7b",
            "lab08.fabrikam.com",
            &["lab08.fabrikam.com"],
        )
    },
    Spec {
        form: Form::TruncatedDer,
        ..spec(
            LAB,
            "lab10.fabrikam.com.cer",
            "lab10.fabrikam.com",
            &["lab10.fabrikam.com"],
        )
    },
    Spec {
        form: Form::Der,
        ..spec(
            LAB,
            "lab11.fabrikam.com/cert.der",
            "lab11.fabrikam.com",
            &["lab11.fabrikam.com"],
        )
    },
    Spec {
        form: Form::Pem,
        ..spec(
            LAB,
            "lab12.fabrikam.com.cer",
            "lab12.fabrikam.com",
            &["lab12.fabrikam.com"],
        )
    },
];

/// Scenarios that also get `notes-garbage.cer`.
const GARBAGE_IN: &[&str] = &[LAB];

const SCENARIOS: &[&str] = &[SE, EM, LAB];

type Res<T> = Result<T, Box<dyn Error>>;

fn dn(cn: &str, org: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, cn);
    d.push(DnType::OrganizationName, org);
    d
}

fn ca_params(cn: &str, org: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn, org);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2040, 1, 1);
    p
}

struct CaKit {
    pem: String,
    der: Vec<u8>,
    key_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn make_ca(cn: &str, org: &str) -> Res<CaKit> {
    let key = KeyPair::generate()?;
    let params = ca_params(cn, org);
    let cert = params.self_signed(&key)?;
    let key_pem = key.serialize_pem();
    Ok(CaKit {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key_pem,
        issuer: Issuer::new(params, key),
    })
}

fn leaf(spec: &Spec, ca: &CaKit) -> Res<(Vec<u8>, String)> {
    let mut p =
        CertificateParams::new(spec.sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())?;
    p.distinguished_name = dn(spec.cn, "Fabrikam");
    let (nb, na) = match spec.valid {
        Valid::Good => ((2026, 1, 1), (2028, 1, 1)),
        Valid::Expired => ((2024, 1, 1), (2025, 6, 1)),
        Valid::NotYet => ((2027, 6, 1), (2029, 6, 1)),
        Valid::ExpiringSoon => ((2025, 12, 15), (2026, 12, 15)),
    };
    p.not_before = rcgen::date_time_ymd(nb.0, nb.1, nb.2);
    p.not_after = rcgen::date_time_ymd(na.0, na.1, na.2);
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.extended_key_usages = match spec.usage {
        Usage::Server => vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ],
        Usage::ClientOnly => vec![ExtendedKeyUsagePurpose::ClientAuth],
    };
    p.use_authority_key_identifier_extension = true;
    let key = KeyPair::generate()?;
    let cert = p.signed_by(&key, &ca.issuer)?;
    Ok((cert.der().to_vec(), cert.pem()))
}

fn write(path: &Path, data: &[u8]) -> Res<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, data)?;
    Ok(())
}

fn generate(out: &Path, scenario: &str) -> Res<()> {
    let root = out.join(scenario);
    let certs = root.join("certs");
    if certs.exists() {
        fs::remove_dir_all(&certs)?;
    }
    fs::create_dir_all(&certs)?;
    let fabrikam = make_ca("Fabrikam Issuing CA", "Fabrikam")?;
    let contoso = make_ca("Contoso Public CA", "Contoso")?;
    let impostor = make_ca("Fabrikam Issuing CA", "Fabrikam")?;
    write(
        &root.join("ca/fabrikam-issuing-ca.cer"),
        fabrikam.pem.as_bytes(),
    )?;
    write(
        &root.join("ca/contoso-public-ca.cer"),
        contoso.pem.as_bytes(),
    )?;
    write(
        &root.join("keys/fabrikam-issuing-ca.key"),
        fabrikam.key_pem.as_bytes(),
    )?;
    write(
        &root.join("keys/impostor-fabrikam-issuing-ca.cer"),
        impostor.pem.as_bytes(),
    )?;
    let mut n = 0;
    for spec in SPECS.iter().filter(|s| s.scenario == scenario) {
        let ca = match spec.ca {
            Ca::Fabrikam => &fabrikam,
            Ca::Contoso => &contoso,
            Ca::Impostor => &impostor,
        };
        let (der, pem) = leaf(spec, ca)?;
        let bytes = match spec.form {
            Form::Pem => pem.into_bytes(),
            Form::PemChain => format!("{pem}{}", ca.pem).into_bytes(),
            Form::Der => der,
            Form::TruncatedDer => der.get(..der.len() / 2).unwrap_or_default().to_vec(),
            Form::P7b => topocert::certs::pkcs7::build_bundle(&[&der, &ca.der])?,
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
