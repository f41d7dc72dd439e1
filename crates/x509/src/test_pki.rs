//! Test support for rule and chain tests: a small rcgen PKI, certificate folders written to a
//! temporary directory, and a `check` run over a shipped sample topology.

use crate::certs::Certificate;
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::Path;

/// 2026-12-01T00:00:00Z, the `--now` of the samples.
pub const NOW: i64 = 1_796_083_200;

/// A CA of the test PKI.
pub struct TestCa {
    /// Signs certificates.
    pub issuer: Issuer<'static, KeyPair>,
    /// Its certificate, DER.
    pub der: Vec<u8>,
}

impl TestCa {
    /// The parsed certificate.
    pub fn cert(&self) -> Certificate {
        Certificate::from_der(&self.der).expect("test CA parses")
    }
    /// Its certificate, PEM.
    pub fn pem(&self) -> String {
        pem_block("CERTIFICATE", &self.der)
    }
}

fn dn(cn: &str) -> DistinguishedName {
    dn_in(cn, Some("Fabrikam"))
}

/// `CN=cn, O=org` (`CN=cn` without `org`).
fn dn_in(cn: &str, org: Option<&str>) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    if let Some(o) = org {
        d.push(DnType::OrganizationName, o);
    }
    d.push(DnType::CommonName, cn);
    d
}

/// Midnight UTC of `year-month-day`, Unix seconds (for [`Leaf::validity`]).
pub fn ymd(year: i32, month: u8, day: u8) -> i64 {
    let month = time::Month::try_from(month).expect("month");
    time::Date::from_calendar_date(year, month, day)
        .expect("date")
        .midnight()
        .assume_utc()
        .unix_timestamp()
}

fn ca_params(cn: &str, valid: (i32, i32)) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(valid.0, 1, 1);
    p.not_after = rcgen::date_time_ymd(valid.1, 1, 1);
    p.use_authority_key_identifier_extension = true;
    p
}

/// A CA of the test PKI to make: `CN=cn, O=Fabrikam`, valid 2020..2040, keyCertSign and
/// cRLSign, an authority key identifier, an ECDSA P-256 key. Each method changes one thing;
/// [`CaSpec::self_signed`] or [`CaSpec::signed_by`] makes it.
pub struct CaSpec(CertificateParams);

impl CaSpec {
    /// The default CA named `cn`.
    pub fn new(cn: &str) -> Self {
        CaSpec(ca_params(cn, (2020, 2040)))
    }
    /// `O=org` in its name instead of Fabrikam; `None`: a CN-only name.
    pub fn org(mut self, org: Option<&str>) -> Self {
        match org {
            Some(o) => self.0.distinguished_name.push(DnType::OrganizationName, o),
            None => {
                self.0.distinguished_name.remove(DnType::OrganizationName);
            }
        }
        self
    }
    /// Valid from January 1st of `valid.0` to that of `valid.1`.
    pub fn valid(mut self, valid: (i32, i32)) -> Self {
        self.0.not_before = rcgen::date_time_ymd(valid.0, 1, 1);
        self.0.not_after = rcgen::date_time_ymd(valid.1, 1, 1);
        self
    }
    /// digitalSignature in its key usage too (as AD CS issues CA certificates).
    pub fn digital_signature(mut self) -> Self {
        self.0.key_usages.push(KeyUsagePurpose::DigitalSignature);
        self
    }
    /// A CRL distribution point with `uri` (its issuer's CRL).
    pub fn crl(mut self, uri: &str) -> Self {
        self.0.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![uri.to_string()],
        }];
        self
    }
    /// No authority key identifier extension.
    pub fn without_aki(mut self) -> Self {
        self.0.use_authority_key_identifier_extension = false;
        self
    }
    /// Self-signed with a new key (the same name twice: a renewed CA with a new key).
    pub fn self_signed(self) -> TestCa {
        let key = KeyPair::generate().expect("keygen");
        let cert = self.0.self_signed(&key).expect("self-signed");
        TestCa {
            der: cert.der().to_vec(),
            issuer: Issuer::new(self.0, key),
        }
    }
    /// A new key, signed by `parent` (an intermediate CA).
    pub fn signed_by(self, parent: &TestCa) -> TestCa {
        let key = KeyPair::generate().expect("keygen");
        let cert = self.0.signed_by(&key, &parent.issuer).expect("sign");
        TestCa {
            der: cert.der().to_vec(),
            issuer: Issuer::new(self.0, key),
        }
    }
}

/// A self-signed root CA valid 2020..2040.
pub fn root(cn: &str) -> TestCa {
    CaSpec::new(cn).self_signed()
}

/// A self-signed root CA valid from January 1st of `valid.0` to that of `valid.1`.
pub fn root_valid(cn: &str, valid: (i32, i32)) -> TestCa {
    CaSpec::new(cn).valid(valid).self_signed()
}

/// A self-signed CA certificate whose subject and issuer hold `rdns` in this DER order, each an
/// RFC 4514 RDN (`+` joins the attributes of a multi-valued one). rcgen keeps one value per
/// attribute type and no multi-valued RDN, so its certificate's names are rewritten with the
/// x509-cert types and the result signed again with the same key.
pub fn self_signed_with_rdns(rdns: &[&str]) -> Vec<u8> {
    use std::str::FromStr;
    use x509_cert::der::Decode;
    let key = KeyPair::generate().expect("keygen");
    let rcgen_der = ca_params("placeholder", (2020, 2040))
        .self_signed(&key)
        .expect("self-signed")
        .der()
        .to_vec();
    let mut cert = x509_cert::Certificate::from_der(&rcgen_der).expect("rcgen DER");
    let name = x509_cert::name::RdnSequence(
        rdns.iter()
            .map(|r| x509_cert::name::RelativeDistinguishedName::from_str(r).expect("RDN"))
            .collect(),
    );
    cert.tbs_certificate.subject = name.clone();
    cert.tbs_certificate.issuer = name;
    resign(cert, &key)
}

/// A CA certificate for `cn` signed by `parent` (an intermediate), valid 2020..2040.
pub fn intermediate(cn: &str, parent: &TestCa) -> TestCa {
    CaSpec::new(cn).signed_by(parent)
}

/// What a test server certificate looks like; [`Leaf::good`] is one Lync accepts.
pub struct Leaf {
    /// Subject CN.
    pub cn: String,
    /// Subject O (default: Fabrikam; `None`: a CN-only subject).
    pub org: Option<String>,
    /// DNS SANs.
    pub sans: Vec<String>,
    /// Key usage bits; empty = no extension.
    pub key_usages: Vec<KeyUsagePurpose>,
    /// CRL distribution point URIs; empty = no extension.
    pub crl: Vec<String>,
    /// The key algorithm (default: rcgen's, ECDSA P-256).
    pub key_alg: Option<&'static rcgen::SignatureAlgorithm>,
    /// Extra extensions: OID arcs, criticality, DER content.
    pub extra: Vec<(Vec<u64>, bool, Vec<u8>)>,
    /// notBefore and notAfter, Unix seconds (default: 2026-01-01 and 2028-01-01).
    pub validity: (i64, i64),
    /// Extended key usages; empty = no extension (default: Server Authentication).
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    /// Basic constraints (default: none; `IsCa::Ca` makes a CA certificate).
    pub is_ca: IsCa,
    /// An RSA public key with a modulus of exactly this many bits in place of the generated
    /// key (the certificate is signed again; nothing holds its private key): key sizes rcgen
    /// cannot generate.
    pub rsa_bits: Option<usize>,
}

/// 2026-01-01T00:00:00Z and 2028-01-01T00:00:00Z: a [`Leaf`]'s default validity.
pub const LEAF_VALIDITY: (i64, i64) = (1_767_225_600, 1_830_297_600);

impl Leaf {
    /// CN = `fqdn`, SANs = `fqdn` and `more`, digitalSignature + keyEncipherment, a CDP.
    pub fn good(fqdn: &str, more: &[&str]) -> Self {
        let mut sans = vec![fqdn.to_string()];
        sans.extend(more.iter().map(|s| s.to_string()));
        Leaf {
            cn: fqdn.to_string(),
            org: Some("Fabrikam".to_string()),
            sans,
            key_usages: vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ],
            crl: vec!["http://pki.fabrikam.com/crl/test.crl".to_string()],
            key_alg: None,
            extra: Vec::new(),
            validity: LEAF_VALIDITY,
            eku: vec![ExtendedKeyUsagePurpose::ServerAuth],
            is_ca: IsCa::NoCa,
            rsa_bits: None,
        }
    }

    /// A good lyncse01 certificate with every name the standard-edition sample requires.
    pub fn se() -> Self {
        Leaf::good("lyncse01.fabrikam.com", SE_NAMES)
    }

    /// [`Leaf::se`] without one of its [`SE_NAMES`].
    pub fn se_without(name: &str) -> Self {
        let names: Vec<&str> = SE_NAMES.iter().copied().filter(|n| *n != name).collect();
        assert!(
            names.len() < SE_NAMES.len(),
            "{name} is not one of SE_NAMES"
        );
        Leaf::good("lyncse01.fabrikam.com", &names)
    }

    /// A new key of [`Leaf::key_alg`], for [`Leaf::with_key`].
    pub fn new_key(&self) -> KeyPair {
        match self.key_alg {
            Some(alg) => KeyPair::generate_for(alg).expect("keygen"),
            None => KeyPair::generate().expect("keygen"),
        }
    }

    /// Signs it with `ca`, over a new key: DER.
    pub fn signed_by(&self, ca: &TestCa) -> Vec<u8> {
        self.with_key(&self.new_key(), Some(ca))
    }

    /// Self-signed, over a new key: DER.
    pub fn self_signed(&self) -> Vec<u8> {
        self.with_key(&self.new_key(), None)
    }

    /// Its certificate over `key` (one key for many leaves, or a key the caller keeps), signed
    /// by `ca`, or self-signed without one: DER.
    pub fn with_key(&self, key: &KeyPair, ca: Option<&TestCa>) -> Vec<u8> {
        let mut p = CertificateParams::new(self.sans.clone()).expect("params");
        p.distinguished_name = dn_in(&self.cn, self.org.as_deref());
        p.key_usages = self.key_usages.clone();
        p.extended_key_usages = self.eku.clone();
        p.is_ca = self.is_ca;
        p.use_authority_key_identifier_extension = true;
        if !self.crl.is_empty() {
            p.crl_distribution_points = vec![CrlDistributionPoint {
                uris: self.crl.clone(),
            }];
        }
        for (oid, critical, content) in &self.extra {
            let mut e = rcgen::CustomExtension::from_oid_content(oid, content.clone());
            e.set_criticality(*critical);
            p.custom_extensions.push(e);
        }
        let at = |t: i64| time::OffsetDateTime::from_unix_timestamp(t).expect("validity");
        p.not_before = at(self.validity.0);
        p.not_after = at(self.validity.1);
        let (der, signer) = match ca {
            Some(ca) => (p.signed_by(key, &ca.issuer), ca.issuer.key()),
            None => (p.self_signed(key), key),
        };
        let der = der.expect("sign").der().to_vec();
        match self.rsa_bits {
            Some(bits) => with_rsa_key(&der, bits, signer),
            None => der,
        }
    }
}

/// `der` with an RSA public key of `bits` modulus bits (exponent 65537) as its key, signed
/// again with `signer`.
fn with_rsa_key(der: &[u8], bits: usize, signer: &KeyPair) -> Vec<u8> {
    use x509_cert::der::Decode;
    assert!(bits >= 8, "RSA modulus of {bits} bits");
    // Top bit set, odd, every other bit set too.
    let mut modulus = vec![0xff_u8; bits.div_ceil(8)];
    modulus[0] = (0xff_u16 >> ((8 - bits % 8) % 8)) as u8;
    // DER INTEGERs are signed: a leading zero keeps the modulus positive.
    if modulus[0] & 0x80 != 0 {
        modulus.insert(0, 0);
    }
    let rsa_public_key = tlv(0x30, &[tlv(0x02, &modulus), tlv(0x02, &[1, 0, 1])].concat());
    let mut cert = x509_cert::Certificate::from_der(der).expect("rcgen DER");
    cert.tbs_certificate.subject_public_key_info = x509_cert::spki::SubjectPublicKeyInfoOwned {
        algorithm: x509_cert::spki::AlgorithmIdentifierOwned {
            oid: x509_cert::der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1"),
            parameters: Some(x509_cert::der::asn1::Null.into()),
        },
        subject_public_key: x509_cert::der::asn1::BitString::from_bytes(&rsa_public_key)
            .expect("key bit string"),
    };
    resign(cert, signer)
}

/// `der` as an X.509 v1 certificate (no extensions at all; rcgen only writes v3), signed again
/// with `signer`'s key.
pub fn v1(der: &[u8], signer: &TestCa) -> Vec<u8> {
    use x509_cert::der::Decode;
    let mut cert = x509_cert::Certificate::from_der(der).expect("rcgen DER");
    cert.tbs_certificate.version = x509_cert::Version::V1;
    cert.tbs_certificate.extensions = None;
    resign(cert, signer.issuer.key())
}

/// `cert` (edited) signed again with `key`: DER.
fn resign(mut cert: x509_cert::Certificate, key: &KeyPair) -> Vec<u8> {
    use x509_cert::der::Encode;
    let tbs = cert.tbs_certificate.to_der().expect("encode");
    let sig = rcgen::SigningKey::sign(key, &tbs).expect("sign");
    cert.signature =
        x509_cert::der::asn1::BitString::from_bytes(&sig).expect("signature bit string");
    cert.to_der().expect("encode")
}

/// One DER TLV of `tag` around `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The standard-edition sample's names of lyncse01, so its certificate covers what the
/// topology requires.
pub const SE_NAMES: &[&str] = &[
    "webext.fabrikam.com",
    "meet.fabrikam.com",
    "dialin.fabrikam.com",
    "admin.fabrikam.com",
];

/// Concatenated PEM blocks of DER certificates.
pub fn pem(ders: &[&[u8]]) -> Vec<u8> {
    let mut out = String::new();
    for d in ders {
        out.push_str(&pem_block("CERTIFICATE", d));
    }
    out.into_bytes()
}

/// One PEM block (RFC 7468) of `der` under `label`, 64 base64 characters a line.
pub fn pem_block(label: &str, der: &[u8]) -> String {
    let b64 = base64(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(line).expect("ascii"));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A certificate folder in a temporary directory.
pub struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    /// An empty folder.
    // Each call makes a new temporary folder on disk: not a `Default` value.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Folder {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    /// Writes `name` (may contain `/`) with `data`; returns `self` for chaining.
    pub fn file(self, name: &str, data: &[u8]) -> Self {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, data).expect("write");
        self
    }
    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The openssl-made fixtures of `tests/fixtures/certs/` (see its README).
pub mod fixtures {
    /// "CN=Fabrikam RSA Issuing CA": signed the four lyncse01 fixtures below.
    pub const RSA_CA: &[u8] = include_bytes!("../../../tests/fixtures/certs/rsa-ca.der");
    /// lab05, RSA 1024, sha256ECDSA (signed by [`ECDSA_CA`]).
    pub const RSA1024: &[u8] = include_bytes!("../../../tests/fixtures/certs/rsa1024.der");
    /// lyncse01, RSA 3072, sha256RSA, good.
    pub const RSA3072: &[u8] = include_bytes!("../../../tests/fixtures/certs/rsa3072.der");
    /// lyncse01, RSA 4096, sha256RSA, good.
    pub const RSA4096: &[u8] = include_bytes!("../../../tests/fixtures/certs/rsa4096.der");
    /// lyncse01, RSA 2048, RSASSA-PSS with SHA-256.
    pub const PSS: &[u8] = include_bytes!("../../../tests/fixtures/certs/pss-signed.der");
    /// lyncse01, RSA 2048, md5RSA.
    pub const MD5: &[u8] = include_bytes!("../../../tests/fixtures/certs/md5-signed.der");
    /// The ECDSA "CN=Fabrikam Issuing CA" that signed the two below.
    pub const ECDSA_CA: &[u8] =
        include_bytes!("../../../tests/fixtures/certs/fabrikam-issuing-ca.der");
    /// lab06, RSA 2048, ecdsa-with-SHA1.
    pub const SHA1: &[u8] = include_bytes!("../../../tests/fixtures/certs/sha1-signed.der");
    /// lyncse01, a DSA 2048 key, self-signed.
    pub const DSA: &[u8] = include_bytes!("../../../tests/fixtures/certs/dsa-key.der");
}

/// A CA certificate with `cn` and `key_of`'s key, signed by `signer` (cross-certificates and
/// cycles in chain tests).
pub fn cross(cn: &str, key_of: &TestCa, signer: &TestCa) -> Vec<u8> {
    let p = ca_params(cn, (2020, 2040));
    p.signed_by(key_of.issuer.key(), &signer.issuer)
        .expect("sign")
        .der()
        .to_vec()
}

/// A DER certificates-only PKCS#7 bundle.
pub fn p7b(ders: &[&[u8]]) -> Vec<u8> {
    crate::certs::pkcs7::build_bundle(ders).expect("bundle")
}

/// `der` with its subject and/or issuer Name replaced by `rdns` (RFC 4514 RDNs in DER order,
/// e.g. `["DC=com", "DC=fabrikam", "CN=Fabrikam Issuing CA"]`), signed again with `signer`'s
/// key: AD CS-style names, which rcgen cannot write (one value per attribute type).
pub fn renamed(
    der: &[u8],
    subject: Option<&[String]>,
    issuer: Option<&[String]>,
    signer: &TestCa,
) -> Vec<u8> {
    use std::str::FromStr;
    use x509_cert::der::Decode;
    let name = |rdns: &[String]| {
        x509_cert::name::RdnSequence(
            rdns.iter()
                .map(|r| x509_cert::name::RelativeDistinguishedName::from_str(r).expect("RDN"))
                .collect(),
        )
    };
    let mut cert = x509_cert::Certificate::from_der(der).expect("rcgen DER");
    if let Some(s) = subject {
        cert.tbs_certificate.subject = name(s);
    }
    if let Some(i) = issuer {
        cert.tbs_certificate.issuer = name(i);
    }
    resign(cert, signer.issuer.key())
}

/// An AD CS-style name in DER order: `DC=com, DC=fabrikam, CN=cn` (Windows shows
/// `CN=cn, DC=fabrikam, DC=com`).
pub fn ad_cs_name(cn: &str) -> Vec<String> {
    vec!["DC=com".into(), "DC=fabrikam".into(), format!("CN={cn}")]
}

/// A three-tier AD CS PKI with AD CS-style names: root, policy CA, issuing CA (each a
/// [`TestCa`] whose certificate carries [`ad_cs_name`]s).
pub struct AdCsPki {
    /// The self-signed root.
    pub root: TestCa,
    /// The policy CA under the root.
    pub policy: TestCa,
    /// The issuing CA under the policy CA.
    pub issuing: TestCa,
}

impl AdCsPki {
    /// A new PKI: "Fabrikam Root CA", "Fabrikam Policy CA", "Fabrikam Issuing CA 1".
    pub fn new() -> Self {
        let root_ca = root("Fabrikam Root CA");
        let policy = intermediate("Fabrikam Policy CA", &root_ca);
        let issuing = intermediate("Fabrikam Issuing CA 1", &policy);
        let (r, p, i) = (
            ad_cs_name("Fabrikam Root CA"),
            ad_cs_name("Fabrikam Policy CA"),
            ad_cs_name("Fabrikam Issuing CA 1"),
        );
        let root_der = renamed(&root_ca.der, Some(&r), Some(&r), &root_ca);
        let policy_der = renamed(&policy.der, Some(&p), Some(&r), &root_ca);
        let issuing_der = renamed(&issuing.der, Some(&i), Some(&p), &policy);
        AdCsPki {
            root: TestCa {
                der: root_der,
                issuer: root_ca.issuer,
            },
            policy: TestCa {
                der: policy_der,
                issuer: policy.issuer,
            },
            issuing: TestCa {
                der: issuing_der,
                issuer: issuing.issuer,
            },
        }
    }
    /// `leaf` issued by the issuing CA, its issuer name the issuing CA's AD CS-style name.
    pub fn leaf(&self, leaf: &Leaf) -> Vec<u8> {
        renamed(
            &leaf.signed_by(&self.issuing),
            None,
            Some(&ad_cs_name("Fabrikam Issuing CA 1")),
            &self.issuing,
        )
    }
}

impl Default for AdCsPki {
    fn default() -> Self {
        Self::new()
    }
}

/// A root CA whose certificate names it `cn` (UTF8String, as rcgen writes it) but which writes
/// `issuer_dn` as the issuer name of what it signs (e.g. the same name as PrintableString, in
/// other case and spacing): the same key and key id.
pub fn root_naming_itself(cn: &str, issuer_dn: DistinguishedName) -> TestCa {
    let key = KeyPair::generate().expect("keygen");
    let p = ca_params(cn, (2020, 2040));
    let cert = p.self_signed(&key).expect("self-signed");
    let mut as_issuer = ca_params(cn, (2020, 2040));
    as_issuer.distinguished_name = issuer_dn;
    TestCa {
        der: cert.der().to_vec(),
        issuer: Issuer::new(as_issuer, key),
    }
}
