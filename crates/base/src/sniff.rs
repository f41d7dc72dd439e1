//! What a certificate-like file holds, told from its first bytes without parsing it: used to
//! refuse a `.pfx` before opening it, and to say what a file given as the topology is instead.

/// How far into a file [`sniff`] looks for PEM armour.
const PEM_WINDOW: usize = 64 * 1024;

/// The kind of a certificate, key or PKCS#12 file, as far as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertFileKind {
    /// PEM `CERTIFICATE` blocks (and no private key).
    PemCertificate,
    /// A DER X.509 certificate (a SEQUENCE starting with a SEQUENCE, of the file's length).
    DerCertificate,
    /// A PKCS#7 certificate bundle (`.p7b`), DER or PEM.
    Bundle,
    /// A private key alone (PEM `... PRIVATE KEY`, or DER PKCS#1/PKCS#8/SEC 1).
    PrivateKey,
    /// A PEM file with both certificates and a private key.
    CertificateAndKey,
    /// A PKCS#12 / PFX container (`.pfx`, `.p12`): a certificate with its private key.
    Pkcs12,
    /// A PEM certificate request (CSR).
    Request,
}

impl CertFileKind {
    /// What the file is, for a sentence "FILE is ...".
    pub fn describe(self) -> &'static str {
        match self {
            CertFileKind::PemCertificate => "a PEM certificate",
            CertFileKind::DerCertificate => "a DER certificate",
            CertFileKind::Bundle => "a PKCS#7 certificate bundle",
            CertFileKind::PrivateKey => "a private key",
            CertFileKind::CertificateAndKey => "a PEM certificate with its private key",
            CertFileKind::Pkcs12 => "a PKCS#12 (.pfx) file",
            CertFileKind::Request => "a certificate request (CSR)",
        }
    }

    /// True when the file holds a private key.
    pub fn has_private_key(self) -> bool {
        matches!(
            self,
            CertFileKind::PrivateKey | CertFileKind::CertificateAndKey | CertFileKind::Pkcs12
        )
    }
}

/// True for the PEM labels of an X.509 certificate block.
pub fn is_cert_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "X.509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

/// The offset just past a DER/BER tag and length header at `at` (not checked against the data).
fn skip_header(data: &[u8], at: usize) -> Option<usize> {
    let len = *data.get(at + 1)?;
    Some(if len < 0x80 {
        at + 2
    } else {
        at + 2 + usize::from(len & 0x7f)
    })
}

/// True when `data` starts like a PKCS#12 PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data
/// ... } } (DER or BER).
pub fn looks_like_pkcs12(data: &[u8]) -> bool {
    if data.first() != Some(&0x30) {
        return false;
    }
    let Some(at) = skip_header(data, 0) else {
        return false;
    };
    if data.get(at..at + 3) != Some(&[0x02, 0x01, 0x03][..]) {
        return false;
    }
    let at = at + 3;
    if data.get(at) != Some(&0x30) {
        return false;
    }
    let Some(at) = skip_header(data, at) else {
        return false;
    };
    const DATA_OID: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    data.get(at..at + DATA_OID.len()) == Some(&DATA_OID[..])
}

/// The labels of the PEM blocks that begin within [`PEM_WINDOW`] bytes (upper case, at most
/// 64 bytes each; a `-----BEGIN ` without a closing `-----` on its line is not a label).
fn pem_labels(data: &[u8]) -> impl Iterator<Item = String> + '_ {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let window = &data[..data.len().min(PEM_WINDOW)];
    memchr::memmem::find_iter(window, BEGIN).filter_map(move |at| {
        let rest = &data[at + BEGIN.len()..];
        let rest = &rest[..rest.len().min(64)];
        let end = memchr::memmem::find(rest, b"-----")?;
        let label = std::str::from_utf8(&rest[..end]).ok()?;
        (!label.contains(['\n', '\r'])).then(|| label.trim().to_ascii_uppercase())
    })
}

/// What the file holds when it is a certificate, key, request or PKCS#12 file; `None` for
/// anything else, including every file whose first non-blank character is `<` (XML).
pub fn sniff(data: &[u8]) -> Option<CertFileKind> {
    if looks_like_pkcs12(data) {
        return Some(CertFileKind::Pkcs12);
    }
    if data.first() == Some(&0x30) {
        return sniff_der(data);
    }
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    if text[start] == b'<' {
        return None;
    }
    let (mut cert, mut key, mut bundle, mut request) = (false, false, false, false);
    for label in pem_labels(text) {
        cert |= is_cert_label(&label);
        key |= label.ends_with("PRIVATE KEY");
        bundle |= label == "PKCS7" || label == "CMS";
        request |= label.ends_with("CERTIFICATE REQUEST");
    }
    match (cert, key) {
        (true, true) => Some(CertFileKind::CertificateAndKey),
        (true, false) => Some(CertFileKind::PemCertificate),
        (false, true) => Some(CertFileKind::PrivateKey),
        (false, false) if bundle => Some(CertFileKind::Bundle),
        (false, false) if request => Some(CertFileKind::Request),
        (false, false) => None,
    }
}

/// A DER SEQUENCE whose announced length fits the data: a PKCS#7 bundle, a certificate or a
/// private key by what it starts with.
fn sniff_der(data: &[u8]) -> Option<CertFileKind> {
    let total = der_total_len(data)?;
    if total > data.len() {
        return None;
    }
    if looks_like_pkcs7(data) {
        return Some(CertFileKind::Bundle);
    }
    let inner = skip_header(data, 0)?;
    match data.get(inner..inner + 3)? {
        [0x30, _, _] => Some(CertFileKind::DerCertificate),
        // PKCS#1 and PKCS#8 keys start with version 0, SEC 1 EC keys with version 1.
        [0x02, 0x01, 0x00 | 0x01] => Some(CertFileKind::PrivateKey),
        _ => None,
    }
}

/// DER encoding of the id-signedData OID including its tag and length.
const SIGNED_DATA_OID_TLV: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];

/// True when `data` starts like a DER/BER ContentInfo whose content type is SignedData.
pub fn looks_like_pkcs7(data: &[u8]) -> bool {
    if data.first() != Some(&0x30) {
        return false;
    }
    let Some(len_byte) = data.get(1) else {
        return false;
    };
    let header = if *len_byte < 0x80 {
        2
    } else {
        2 + usize::from(len_byte & 0x7f)
    };
    data.get(header..header + SIGNED_DATA_OID_TLV.len()) == Some(&SIGNED_DATA_OID_TLV[..])
}

/// Total length (header + content) a definite-length DER TLV at the start of `data` announces,
/// or `None` if the header itself is incomplete or uses the indefinite form.
pub fn der_total_len(data: &[u8]) -> Option<usize> {
    let first_len = *data.get(1)?;
    if first_len < 0x80 {
        return Some(2 + usize::from(first_len));
    }
    let n = usize::from(first_len & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let bytes = data.get(2..2 + n)?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    len.checked_add(2 + n)
}

#[cfg(test)]
mod tests {
    use super::{sniff, CertFileKind};

    fn pem(label: &str) -> String {
        format!("-----BEGIN {label}-----\nMIIB\n-----END {label}-----\n")
    }

    #[test]
    fn pem_files_are_told_by_their_labels() {
        let cert = pem("CERTIFICATE");
        let key = pem("PRIVATE KEY");
        assert_eq!(sniff(cert.as_bytes()), Some(CertFileKind::PemCertificate));
        assert_eq!(
            sniff(format!("\u{feff}\r\n{cert}").as_bytes()),
            Some(CertFileKind::PemCertificate)
        );
        assert_eq!(sniff(key.as_bytes()), Some(CertFileKind::PrivateKey));
        assert_eq!(
            sniff(pem("RSA PRIVATE KEY").as_bytes()),
            Some(CertFileKind::PrivateKey)
        );
        assert_eq!(
            sniff(format!("Bag Attributes\n    localKeyID: 01\n{cert}{key}").as_bytes()),
            Some(CertFileKind::CertificateAndKey)
        );
        assert_eq!(sniff(pem("PKCS7").as_bytes()), Some(CertFileKind::Bundle));
        assert_eq!(
            sniff(pem("NEW CERTIFICATE REQUEST").as_bytes()),
            Some(CertFileKind::Request)
        );
        assert_eq!(sniff(pem("PUBLIC KEY").as_bytes()), None);
    }

    #[test]
    fn xml_and_text_are_not_certificate_files() {
        let xml = format!(
            "<?xml version=\"1.0\"?>\n<!-- {} -->\n<Topology/>",
            pem("CERTIFICATE")
        );
        assert_eq!(sniff(xml.as_bytes()), None);
        assert_eq!(sniff(b"  \n<Topology/>"), None);
        assert_eq!(sniff(b"0 is a number, not a SEQUENCE"), None);
        assert_eq!(sniff(b"-----BEGIN CERTIFICATE\nno closing dashes"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn der_files_are_told_by_their_first_element() {
        // SEQUENCE { SEQUENCE {} } of the file's length.
        assert_eq!(
            sniff(&[0x30, 0x03, 0x30, 0x01, 0x00]),
            Some(CertFileKind::DerCertificate)
        );
        assert_eq!(
            sniff(&[0x30, 0x03, 0x02, 0x01, 0x00]),
            Some(CertFileKind::PrivateKey)
        );
        // The announced length is longer than the file: not told.
        assert_eq!(sniff(&[0x30, 0x7f, 0x30, 0x01, 0x00]), None);
        let pfx = [
            0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
            0x0d, 0x01, 0x07, 0x01,
        ];
        assert_eq!(sniff(&pfx), Some(CertFileKind::Pkcs12));
    }
}
