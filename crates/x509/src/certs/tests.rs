//! Tests for certificate parsing, loading and indexing. Fixtures are made with rcgen at test
//! time; the RSA and SHA-1 ones are committed DER files under `tests/fixtures/certs/`.

use super::read::load_file;
use super::*;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::fs;
use std::path::{Path, PathBuf};

const RSA1024: &[u8] = include_bytes!("../../../../tests/fixtures/certs/rsa1024.der");
const SHA1_SIGNED: &[u8] = include_bytes!("../../../../tests/fixtures/certs/sha1-signed.der");
const FIXTURE_CA: &[u8] =
    include_bytes!("../../../../tests/fixtures/certs/fabrikam-issuing-ca.der");
const PFX: &[u8] = include_bytes!("../../../../tests/fixtures/certs/sample.pfx");

struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    der: Vec<u8>,
    pem: String,
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    d.push(DnType::OrganizationName, "Fabrikam");
    d.push(DnType::CommonName, cn);
    d
}

fn make_ca(cn: &str) -> TestCa {
    let key = KeyPair::generate().expect("keygen");
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = p.self_signed(&key).expect("self-signed");
    TestCa {
        der: cert.der().to_vec(),
        pem: cert.pem(),
        issuer: Issuer::new(p, key),
    }
}

/// Returns (DER, PEM) of a server certificate for `sans` signed by `ca`.
fn make_leaf(ca: &TestCa, cn: &str, sans: &[&str]) -> (Vec<u8>, String) {
    let key = KeyPair::generate().expect("keygen");
    let mut p = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("params");
    p.distinguished_name = dn(cn);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    let cert = p.signed_by(&key, &ca.issuer).expect("sign");
    (cert.der().to_vec(), cert.pem())
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(&p, data).expect("write");
    p
}

#[test]
fn pem_with_several_certificates() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (_, pem) = make_leaf(&ca, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let dir = tempfile::tempdir().expect("tempdir");
    // CA first: the leaf is still found.
    let p = write(
        dir.path(),
        "fe01.fabrikam.com.cer",
        format!("{}{pem}", ca.pem).as_bytes(),
    );
    let certs = load_file(&p).expect("load");
    assert_eq!(certs.len(), 2);
    let store = load_dir(dir.path()).expect("dir");
    assert_eq!(store.files.len(), 1);
    assert_eq!(
        store.files[0].leaf.common_name.as_deref(),
        Some("fe01.fabrikam.com")
    );
    assert_eq!(store.files[0].chain.len(), 1);
    assert!(store.files[0].chain[0].is_ca);
    assert!(store.files[0]
        .leaf
        .x509()
        .expect("from a file")
        .verify_signed_by(&store.files[0].chain[0]));
}

#[test]
fn der_certificate_fields() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(
        &ca,
        "fe01.fabrikam.com",
        &["fe01.fabrikam.com", "pool01.fabrikam.com"],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "fe01.crt", &der);
    let certs = load_file(&p).expect("load");
    assert_eq!(certs.len(), 1);
    let c = &certs[0];
    assert_eq!(&*c.der, &der[..]);
    assert_eq!(&*c.subject, "CN=fe01.fabrikam.com, O=Fabrikam");
    assert_eq!(&*c.issuer, "CN=Fabrikam Issuing CA, O=Fabrikam");
    assert_eq!(
        &*c.dns_names,
        vec!["fe01.fabrikam.com", "pool01.fabrikam.com"]
    );
    assert_eq!(c.version, 3);
    assert!(!c.is_ca);
    assert_eq!(c.sha1_thumbprint.to_string().len(), 40);
    assert!(c
        .sha1_thumbprint
        .to_string()
        .chars()
        .all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase()));
    assert!(!c.serial.is_empty() && !c.serial.contains(':'));
    assert_eq!(
        c.eku,
        Some(Eku {
            server_auth: true,
            any: false
        })
    );
    assert_eq!(
        c.key,
        PublicKey::Ec {
            bits: 256,
            curve: "P-256".into()
        }
    );
    assert_eq!(c.signature, SignatureAlgorithm::Sha256Ecdsa);
    assert_eq!(c.signature.name(), "sha256ECDSA");
    assert!(c.not_before < c.not_after);
    assert!(c.covers_name("POOL01.fabrikam.com"));
    assert!(!c.covers_name("fe02.fabrikam.com"));
}

#[test]
fn pkcs7_bundles_der_and_pem() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "lab08.fabrikam.com", &["lab08.fabrikam.com"]);
    let bundle = pkcs7::build_bundle(&[&der, &ca.der]).expect("bundle");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = write(dir.path(), "a.p7b", &bundle);
    let p = write(
        dir.path(),
        "b.p7c",
        crate::test_pki::pem_block("PKCS7", &bundle).as_bytes(),
    );
    for path in [d, p] {
        let certs = load_file(&path).expect("load p7b");
        assert_eq!(certs.len(), 2, "{}", path.display());
        assert_eq!(certs.iter().filter(|c| c.is_ca).count(), 1);
    }
    let store = load_dir(dir.path()).expect("dir");
    assert_eq!(store.files.len(), 2);
    assert!(store.unreadable.is_empty());
}

#[test]
fn pfx_is_refused_by_extension_and_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["server.pfx", "server.bin"] {
        let p = write(dir.path(), name, PFX);
        let e = load_file(&p).expect_err("pfx must fail");
        assert!(
            matches!(e, CertLoadError::PrivateKeyContainer { .. }),
            "{name}: {e}"
        );
        assert!(e.to_string().contains("export the certificate as .cer"));
    }
    let p = write(
        dir.path(),
        "key.pem",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    assert!(matches!(
        load_file(&p),
        Err(CertLoadError::PrivateKeyContainer { .. })
    ));
}

#[test]
fn bad_inputs_get_distinct_errors() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, pem) = make_leaf(&ca, "x.fabrikam.com", &["x.fabrikam.com"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = write(dir.path(), "notes-garbage.cer", b"ask the PKI team\n");
    assert!(matches!(
        load_file(&garbage),
        Err(CertLoadError::NotACertificate { .. })
    ));
    let empty = write(dir.path(), "empty.cer", b"");
    assert!(matches!(
        load_file(&empty),
        Err(CertLoadError::Empty { .. })
    ));
    let truncated = write(dir.path(), "cut.cer", &der[..der.len() / 2]);
    assert!(matches!(
        load_file(&truncated),
        Err(CertLoadError::Truncated { .. })
    ));
    let bad_b64 = pem.replacen("MII", "M!I", 1);
    let bad = write(dir.path(), "bad.pem", bad_b64.as_bytes());
    assert!(matches!(
        load_file(&bad),
        Err(CertLoadError::BadPemBase64 { .. })
    ));
    let no_end = write(
        dir.path(),
        "noend.pem",
        pem.lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    assert!(matches!(
        load_file(&no_end),
        Err(CertLoadError::BadPem { .. })
    ));
    let other = write(
        dir.path(),
        "csr.pem",
        crate::test_pki::pem_block("CERTIFICATE REQUEST", b"\x30\x00").as_bytes(),
    );
    assert!(matches!(
        load_file(&other),
        Err(CertLoadError::NoCertificate { .. })
    ));
    let mut trailing = der.clone();
    trailing.extend_from_slice(b"junk");
    let t = write(dir.path(), "trailing.der", &trailing);
    assert!(matches!(
        load_file(&t),
        Err(CertLoadError::TrailingData { .. })
    ));
    let bad_der = write(dir.path(), "bad.der", &[0x30, 0x03, 0x02, 0x01, 0x00]);
    assert!(matches!(
        load_file(&bad_der),
        Err(CertLoadError::InvalidCertificate { .. })
    ));
    assert!(matches!(
        load_file(&dir.path().join("missing.cer")),
        Err(CertLoadError::Io { .. })
    ));
    assert!(matches!(
        load_file(dir.path()),
        Err(CertLoadError::NotAFile { .. }) | Err(CertLoadError::Io { .. })
    ));
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("huge.cer");
    let f = fs::File::create(&p).expect("create");
    f.set_len(MAX_FILE_SIZE + 1).expect("sparse");
    assert!(matches!(load_file(&p), Err(CertLoadError::TooLarge { .. })));
}

#[test]
fn wildcard_covers_one_label_only() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "*.fabrikam.com", &["*.fabrikam.com"]);
    let c = Certificate::from_der(&der).expect("parse");
    assert!(c.covers_name("lab07.fabrikam.com"));
    assert!(!c.covers_name("a.lab07.fabrikam.com"));
    assert!(!c.covers_name("fabrikam.com"));
    assert!(!c.covers_name_exactly("lab07.fabrikam.com"));
    assert_eq!(
        c.name_match("lab07.fabrikam.com"),
        NameMatch::Wildcard("*.fabrikam.com")
    );
    let (der, _) = make_leaf(
        &ca,
        "lab07.fabrikam.com",
        &["*.fabrikam.com", "lab07.fabrikam.com"],
    );
    let both = Certificate::from_der(&der).expect("parse");
    assert_eq!(
        both.name_match("LAB07.fabrikam.com"),
        NameMatch::Exact("lab07.fabrikam.com")
    );
    assert_eq!(both.name_match("other.example.com"), NameMatch::None);
}

#[test]
fn cn_is_used_only_without_dns_sans() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "old.fabrikam.com", &["new.fabrikam.com"]);
    let c = Certificate::from_der(&der).expect("parse");
    assert!(!c.covers_name("old.fabrikam.com"));
    assert!(c.covers_name("new.fabrikam.com"));
    let (der, _) = make_leaf(&ca, "old.fabrikam.com", &[]);
    let c = Certificate::from_der(&der).expect("parse");
    assert!(c.dns_names.is_empty());
    assert!(c.covers_name("old.fabrikam.com"));
}

#[test]
fn impostor_ca_with_same_dn_fails_verification() {
    let real = make_ca("Fabrikam Issuing CA");
    let impostor = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&real, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let leaf = Certificate::from_der(&der).expect("leaf");
    let real = Certificate::from_der(&real.der).expect("real");
    let impostor = Certificate::from_der(&impostor.der).expect("impostor");
    assert_eq!(real.subject_name, impostor.subject_name);
    assert_eq!(leaf.issuer_name, impostor.subject_name);
    assert!(leaf.verify_signed_by(&real));
    assert!(!leaf.verify_signed_by(&impostor));
    assert_eq!(leaf.signature_check(&impostor), SignatureCheck::Invalid);
    assert!(real.verify_signed_by(&real));
    assert!(real.is_self_issued());
}

#[test]
fn key_identifiers_link_leaf_to_ca() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let leaf = Certificate::from_der(&der).expect("leaf");
    let ca = Certificate::from_der(&ca.der).expect("ca");
    let ski = ca.subject_key_id.clone().expect("CA has an SKI");
    assert_eq!(leaf.authority_key_id.as_ref(), Some(&ski));
    let hex = key_id_hex(&ski);
    assert_eq!(hex.len(), ski.len() * 2);
    assert_eq!(key_id_hex(&[0x0a, 0xff]), "0AFF");
}

#[test]
fn weak_signature_and_rsa_key_sizes_from_fixtures() {
    let sha1 = Certificate::from_der(SHA1_SIGNED).expect("sha1 fixture");
    assert_eq!(sha1.signature, SignatureAlgorithm::Sha1Ecdsa);
    assert_eq!(sha1.signature.name(), "sha1ECDSA");
    assert_eq!(sha1.key, PublicKey::Rsa { bits: 2048 });
    let ca = Certificate::from_der(FIXTURE_CA).expect("ca fixture");
    // ring cannot verify ecdsa-with-SHA1: reported as unsupported, not as a bad signature.
    assert_eq!(sha1.signature_check(&ca), SignatureCheck::Unsupported);
    assert!(!sha1.verify_signed_by(&ca));
    let weak = Certificate::from_der(RSA1024).expect("rsa1024 fixture");
    assert_eq!(weak.key, PublicKey::Rsa { bits: 1024 });
    assert_eq!(weak.signature, SignatureAlgorithm::Sha256Ecdsa);
    assert!(weak.verify_signed_by(&ca));
    assert_eq!(weak.authority_key_id, ca.subject_key_id);
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "sub/fe01.fabrikam.com.cer", &der);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink(
        dir.path().join("sub/fe01.fabrikam.com.cer"),
        dir.path().join("link.cer"),
    )
    .expect("symlink");
    let store = load_dir(dir.path()).expect("dir");
    // The file itself and the symlink to it; the folder link is not followed.
    assert_eq!(store.files.len(), 2);
    assert!(store.unreadable.is_empty(), "{:?}", store.unreadable);
}

#[test]
fn deep_folders_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = dir.path().to_path_buf();
    for _ in 0..(MAX_DEPTH + 2) {
        p.push("d");
    }
    fs::create_dir_all(&p).expect("mkdir");
    let store = load_dir(dir.path()).expect("dir");
    assert_eq!(store.unreadable.len(), 1);
    assert!(matches!(
        store.unreadable[0].error,
        CertLoadError::TooDeep { .. }
    ));
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_loads() {
    use std::os::unix::ffi::OsStrExt;
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, _) = make_leaf(&ca, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.cer");
    fs::write(dir.path().join(name), &der).expect("write");
    let store = load_dir(dir.path()).expect("dir");
    assert_eq!(store.files.len(), 1);
    assert!(store.files[0].label().contains("caf"));
}

#[test]
fn one_bad_file_does_not_hide_others() {
    let ca = make_ca("Fabrikam Issuing CA");
    let (der, pem) = make_leaf(&ca, "fe01.fabrikam.com", &["fe01.fabrikam.com"]);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a-garbage.cer", b"\x00\x01garbage");
    write(dir.path(), "b.cer", &der);
    write(dir.path(), "c/fe02.fabrikam.com.pem", pem.as_bytes());
    write(dir.path(), "ca/fabrikam.cer", ca.pem.as_bytes());
    write(dir.path(), "README", b"not a cert");
    write(dir.path(), "notes.txt", b"not a cert");
    write(dir.path(), "docs.MD", b"not a cert");
    write(dir.path(), "server.pfx", PFX);
    let store = load_dir(dir.path()).expect("dir");
    let files: Vec<_> = store
        .files
        .iter()
        .filter_map(|f| f.origin.path().map(Path::to_path_buf))
        .collect();
    assert_eq!(
        files,
        vec![
            dir.path().join("b.cer"),
            dir.path().join("c/fe02.fabrikam.com.pem")
        ]
    );
    assert_eq!(store.ca_files.len(), 1);
    assert_eq!(store.all_ca_certs().count(), 1);
    let bad: Vec<_> = store.unreadable.iter().map(|u| u.path.clone()).collect();
    assert_eq!(
        bad,
        vec![
            dir.path().join("a-garbage.cer"),
            dir.path().join("server.pfx")
        ]
    );
}

#[test]
fn missing_or_file_dir_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(matches!(
        load_dir(&dir.path().join("nope")),
        Err(CertDirError::Io { .. })
    ));
    let f = write(dir.path(), "f.cer", b"x");
    assert!(matches!(
        load_dir(&f),
        Err(CertDirError::NotADirectory { .. })
    ));
}

#[test]
fn file_stem_and_parent_folder_naming() {
    assert!(file_stem_matches(
        Path::new("certs/fe01.fabrikam.com.cer"),
        "FE01.fabrikam.com"
    ));
    assert!(file_stem_matches(
        Path::new("certs/fe01.fabrikam.com/cert.pem"),
        "fe01.fabrikam.com"
    ));
    assert!(file_stem_matches(
        Path::new("certs/fe01.fabrikam.com.P7B"),
        "fe01.fabrikam.com"
    ));
    // Unknown extension: only the last label of the FQDN would be stripped, so no match.
    assert!(!file_stem_matches(
        Path::new("certs/fe01.fabrikam.com"),
        "fe01.fabrikam"
    ));
    assert!(file_stem_matches(
        Path::new("certs/fe01.fabrikam.com"),
        "fe01.fabrikam.com"
    ));
    assert!(!file_stem_matches(
        Path::new("certs/fe01.fabrikam.com.bak"),
        "fe01.fabrikam.com"
    ));
    assert!(!file_stem_matches(
        Path::new("certs/fe01.cer"),
        "fe01.fabrikam.com"
    ));
}

#[test]
fn name_index_lookups() {
    let ca = make_ca("Fabrikam Issuing CA");
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = make_leaf(
        &ca,
        "fe01",
        &[
            "fe01.fabrikam.com",
            "pool01.fabrikam.com",
            "POOL01.fabrikam.com",
        ],
    );
    let (b, _) = make_leaf(&ca, "wild", &["*.fabrikam.com"]);
    let (c, _) = make_leaf(&ca, "pc-old.fabrikam.com", &[]);
    write(dir.path(), "1-fe01.fabrikam.com.cer", &a);
    write(dir.path(), "2-wildcard.cer", &b);
    write(dir.path(), "pc01.fabrikam.com/cert.der", &c);
    let store = load_dir(dir.path()).expect("dir");
    let ix = NameIndex::build(&store);
    assert_eq!(ix.covering("pool01.fabrikam.com"), vec![0, 1]);
    assert_eq!(ix.covering("FE01.Fabrikam.com."), vec![0, 1]);
    assert_eq!(ix.covering("lab07.fabrikam.com"), vec![1]);
    assert_eq!(ix.covering("a.lab07.fabrikam.com"), Vec::<usize>::new());
    assert_eq!(ix.covering("fabrikam.com"), Vec::<usize>::new());
    assert_eq!(ix.covering("pc-old.fabrikam.com"), vec![1, 2]);
    assert_eq!(ix.named_after("pc01.fabrikam.com"), vec![2]);
    assert_eq!(ix.named_after("1-fe01.fabrikam.com"), vec![0]);
    assert!(ix.named_after("fe01.fabrikam.com").is_empty());
    // The index agrees with covers_name.
    for name in [
        "pool01.fabrikam.com",
        "x.fabrikam.com",
        "pc-old.fabrikam.com",
        "x.y.fabrikam.com",
    ] {
        let scan: Vec<usize> = (0..store.files.len())
            .filter(|i| store.files[*i].leaf.covers_name(name))
            .collect();
        assert_eq!(ix.covering(name), scan, "{name}");
    }
}

#[test]
fn crl_distribution_points_key_usage_and_signature_hash() {
    let ca = make_ca("Fabrikam Issuing CA");
    let key = KeyPair::generate().expect("keygen");
    let mut p = CertificateParams::new(vec!["fe01.fabrikam.com".to_string()]).expect("params");
    p.distinguished_name = dn("fe01.fabrikam.com");
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
        uris: vec![
            "http://pki.fabrikam.com/crl/issuing.crl".to_string(),
            "ldap:///CN=Fabrikam%20Issuing%20CA,CN=CDP".to_string(),
        ],
    }];
    let with =
        Certificate::from_der(p.signed_by(&key, &ca.issuer).expect("sign").der()).expect("parse");
    assert_eq!(
        with.crl_distribution_points.as_deref(),
        Some(
            &[
                "http://pki.fabrikam.com/crl/issuing.crl".to_string(),
                "ldap:///CN=Fabrikam%20Issuing%20CA,CN=CDP".to_string()
            ][..]
        )
    );
    let ku = with.key_usage.expect("key usage present");
    assert!(ku.digital_signature() && ku.key_encipherment());
    assert_eq!(ku.names(), vec!["digitalSignature", "keyEncipherment"]);
    assert_eq!(with.signature_hash, SignatureHash::Sha2(256));
    assert_eq!(with.signature_hash.name(), "SHA-256");

    let (der, _) = make_leaf(&ca, "fe02.fabrikam.com", &["fe02.fabrikam.com"]);
    let without = Certificate::from_der(&der).expect("parse");
    assert_eq!(without.crl_distribution_points, None);
    assert_eq!(without.key_usage, None);
    let ca_cert = Certificate::from_der(&ca.der).expect("ca");
    let ca_ku = ca_cert.key_usage.expect("CA key usage");
    assert_eq!(ca_ku.names(), vec!["keyCertSign", "cRLSign"]);

    let sha1 = Certificate::from_der(SHA1_SIGNED).expect("sha1 fixture");
    assert_eq!(sha1.signature_hash, SignatureHash::Sha1);
}

#[test]
fn hash_oids_map_to_hashes() {
    assert_eq!(
        SignatureHash::from_hash_oid("2.16.840.1.101.3.4.2.2"),
        SignatureHash::Sha2(384)
    );
    assert_eq!(
        SignatureHash::from_hash_oid("1.3.14.3.2.26"),
        SignatureHash::Sha1
    );
    assert_eq!(SignatureHash::from_hash_oid("1.2.3").name(), "1.2.3");
    assert_eq!(KeyUsage(0).names(), Vec::<&str>::new());
}

#[test]
fn openssl_fixtures_read_most_specific_first() {
    // make-weak-certs.sh encodes O, then CN; Windows (and topocert) show CN first.
    let c = Certificate::from_der(crate::test_pki::fixtures::RSA3072).expect("RSA fixture");
    assert_eq!(&*c.subject, "CN=lyncse01.fabrikam.com, O=Fabrikam");
    assert_eq!(&*c.issuer, "CN=Fabrikam RSA Issuing CA, O=Fabrikam");
    let weak = Certificate::from_der(RSA1024).expect("RSA-1024 fixture");
    assert_eq!(&*weak.issuer, "CN=Fabrikam Issuing CA, O=Fabrikam");
}
