//! Distinguished names as text: rendering a certificate's DN the way Windows shows it
//! (`windows_text`: `CN=fe01.fabrikam.com, OU=IT, O=Fabrikam`, most specific first), and
//! comparing DN strings regardless of RDN order ([`same_dn`], [`DnKey`]).
//!
//! Comparing DN strings is the weaker identity an inventory allows: two CAs with the same name
//! but different keys compare equal here; only a certificate file tells them apart.

use x509_parser::oid_registry::{OID_PKCS9_EMAIL_ADDRESS, OID_X509_STATE_OR_PROVINCE_NAME};
use x509_parser::x509::{AttributeTypeAndValue, RelativeDistinguishedName, X509Name};

/// A certificate's DN as Windows shows it (certutil, the Certificates MMC, `Get-CsCertificate`):
/// RDNs most specific first, the reverse of their DER order (as RFC 4514 writes them); the
/// attributes of a multi-valued RDN stay together, in their encoded order, joined by ` + `.
/// Values and most attribute types are x509-parser's text; `S` and `E` are written for
/// stateOrProvinceName and emailAddress, as Windows does. This is the only place a DN becomes
/// text.
pub(crate) fn windows_text(name: &X509Name<'_>) -> String {
    let rdns: Vec<&RelativeDistinguishedName<'_>> = name.iter().collect();
    rdns.iter()
        .rev()
        .map(|rdn| {
            rdn.iter()
                .map(attribute_text)
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One `type=value` of a DN: x509-parser's text of the attribute alone, with Windows' spelling of
/// the types it abbreviates differently.
fn attribute_text(attr: &AttributeTypeAndValue<'_>) -> String {
    let alone: X509Name<'_> =
        std::iter::once(std::iter::once(attr.clone()).collect::<RelativeDistinguishedName<'_>>())
            .collect();
    let text = alone.to_string();
    let windows_type = if *attr.attr_type() == OID_X509_STATE_OR_PROVINCE_NAME {
        Some("S")
    } else if *attr.attr_type() == OID_PKCS9_EMAIL_ADDRESS {
        Some("E")
    } else {
        None
    };
    let Some((kind, value)) = text.split_once('=') else {
        return text;
    };
    format!("{}={}", windows_type.unwrap_or(kind), quoted(value))
}

/// A value as Windows writes it in a DN: in double quotes (inner quotes doubled) when it holds
/// a separator or other special character or starts or ends with a space, so that
/// `O="Fabrikam, Inc."` reads back as one value; as it is otherwise.
fn quoted(value: &str) -> std::borrow::Cow<'_, str> {
    let special = value.chars().any(|c| {
        matches!(
            c,
            ',' | '+' | '=' | '"' | '<' | '>' | '#' | ';' | '\n' | '\r'
        )
    });
    if special || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\"")).into()
    } else {
        value.into()
    }
}

/// A certificate's Name reduced for comparison as RFC 5280 §7.1 asks (RFC 4518 string
/// preparation, simplified): the RDNs in their encoded order, each RDN's attributes sorted (an
/// RDN is a set), attribute types kept, and every directory-string value decoded from its string
/// type (PrintableString, UTF8String, BMPString...), case-folded and with whitespace trimmed and
/// collapsed to one space. Values of other types are kept as their bytes. Two names are the same
/// name when their keys are equal; the key is not text for people (`windows_text` is).
pub fn name_key(name: &X509Name<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    for rdn in name.iter() {
        let mut attrs: Vec<Vec<u8>> = rdn
            .iter()
            .map(|a| {
                let mut one = Vec::new();
                push_part(&mut one, a.attr_type().as_bytes());
                match directory_string(a.attr_value()) {
                    Some(text) => {
                        one.push(b's');
                        push_part(&mut one, prepare(&text).as_bytes());
                    }
                    None => {
                        one.push(b'b');
                        push_part(&mut one, &a.attr_value().tag().0.to_be_bytes());
                        push_part(&mut one, a.attr_value().data);
                    }
                }
                one
            })
            .collect();
        attrs.sort();
        out.push(b'{');
        for a in attrs {
            push_part(&mut out, &a);
        }
        out.push(b'}');
    }
    // Kept with the certificate: no room left over from growing.
    out.shrink_to_fit();
    out
}

/// Appends a length-prefixed part, so that no two different sequences of parts make one key.
fn push_part(out: &mut Vec<u8>, part: &[u8]) {
    out.extend_from_slice(&(part.len() as u64).to_be_bytes());
    out.extend_from_slice(part);
}

/// The text of a value of one of the string types a Name uses; `None` for other types or bytes
/// that do not decode.
fn directory_string(v: &x509_parser::der_parser::asn1_rs::Any<'_>) -> Option<String> {
    use x509_parser::der_parser::asn1_rs::Tag;
    let data = v.data;
    match v.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString
        | Tag::T61String => std::str::from_utf8(data).ok().map(str::to_string),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

/// RFC 4518-style preparation of a value for matching: case folded, leading and trailing
/// whitespace removed, inner runs of whitespace one space.
fn prepare(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A DN string reduced for comparison: (attribute type upper-case, value prepared as for
/// [`name_key`]) pairs, sorted, so that RDN order, letter case and whitespace do not matter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DnKey(Vec<(String, String)>);

/// Windows and OpenSSL spell a few attribute types differently.
fn canonical_type(t: &str) -> String {
    let up = t.trim().to_ascii_uppercase();
    match up.as_str() {
        "S" => "ST".into(),
        "E" | "EMAIL" | "EMAILADDRESS" | "1.2.840.113549.1.9.1" => "EMAILADDRESS".into(),
        "OID.2.5.4.3" | "2.5.4.3" => "CN".into(),
        _ => up,
    }
}

/// Splits a DN string into its `type=value` parts: separators are `,` or `;` outside double
/// quotes and not escaped by a backslash.
fn split_rdns(dn: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '"' => quoted = !quoted,
            ',' | ';' | '+' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

impl DnKey {
    /// Parses a DN display string. Parts without `=` are kept as values of an empty type.
    pub fn parse(dn: &str) -> Self {
        let mut v: Vec<(String, String)> = split_rdns(dn)
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| match p.split_once('=') {
                Some((t, val)) => (canonical_type(t), prepare(val)),
                None => (String::new(), prepare(&p)),
            })
            .collect();
        v.sort();
        DnKey(v)
    }
}

/// True when two DN strings name the same entity, ignoring RDN order, case and the spelling of
/// attribute types.
pub fn same_dn(a: &str, b: &str) -> bool {
    DnKey::parse(a) == DnKey::parse(b)
}

/// The first common name of a DN string, as written (case kept).
pub fn common_name(dn: &str) -> Option<String> {
    split_rdns(dn).into_iter().find_map(|p| {
        let (t, v) = p.split_once('=')?;
        (canonical_type(t) == "CN").then(|| v.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certs::Certificate;
    use crate::test_pki::self_signed_with_rdns;

    /// An AD CS enterprise CA names itself after the domain: DER order `DC=com, DC=fabrikam,
    /// CN=...`, which Windows shows most specific first.
    fn ad_cs_ca() -> Certificate {
        let der = self_signed_with_rdns(&["DC=com", "DC=fabrikam", "CN=Fabrikam Issuing CA"]);
        Certificate::from_der(&der).expect("parses")
    }

    #[test]
    fn subject_and_issuer_read_as_windows_shows_them() {
        let ca = ad_cs_ca();
        assert_eq!(&*ca.subject, "CN=Fabrikam Issuing CA, DC=fabrikam, DC=com");
        assert_eq!(&*ca.issuer, "CN=Fabrikam Issuing CA, DC=fabrikam, DC=com");
        assert_eq!(ca.common_name.as_deref(), Some("Fabrikam Issuing CA"));
    }

    #[test]
    fn der_order_is_not_what_is_printed() {
        let ca = ad_cs_ca();
        let (_, x) = x509_parser::parse_x509_certificate(&ca.der).expect("parses");
        let der_order = x.subject().to_string();
        assert_eq!(der_order, "DC=com, DC=fabrikam, CN=Fabrikam Issuing CA");
        assert_ne!(&*ca.subject, der_order);
        assert_eq!(windows_text(x.subject()), &*ca.subject);
        // Still the same name for every comparison that ignores order.
        assert!(same_dn(&ca.subject, &der_order));
    }

    #[test]
    fn a_multi_valued_rdn_stays_together() {
        let der = self_signed_with_rdns(&[
            "DC=com",
            "DC=fabrikam",
            "OU=Lync+OU=Servers",
            "CN=fe01.fabrikam.com",
        ]);
        let c = Certificate::from_der(&der).expect("parses");
        assert_eq!(
            &*c.subject,
            "CN=fe01.fabrikam.com, OU=Lync + OU=Servers, DC=fabrikam, DC=com"
        );
    }

    #[test]
    fn state_and_email_are_spelled_as_windows_spells_them() {
        let der = self_signed_with_rdns(&[
            "C=US",
            "ST=WA",
            "L=Redmond",
            "CN=pki",
            "emailAddress=pki@fabrikam.com",
        ]);
        let c = Certificate::from_der(&der).expect("parses");
        assert_eq!(
            &*c.subject,
            "E=pki@fabrikam.com, CN=pki, L=Redmond, S=WA, C=US"
        );
        assert!(same_dn(
            &c.subject,
            "C=US, ST=WA, L=Redmond, CN=pki, emailAddress=pki@fabrikam.com"
        ));
    }

    #[test]
    fn a_value_with_a_comma_is_quoted_as_windows_quotes_it_and_compares_as_one_value() {
        let der = self_signed_with_rdns(&["C=US", "O=Fabrikam\\, Inc.", "CN=Fabrikam Issuing CA"]);
        let c = Certificate::from_der(&der).expect("parses");
        assert_eq!(
            &*c.subject,
            "CN=Fabrikam Issuing CA, O=\"Fabrikam, Inc.\", C=US"
        );
        // The inventory row Windows writes for it names the same CA; another organisation does
        // not.
        assert!(same_dn(
            &c.subject,
            "CN=Fabrikam Issuing CA, O=\"Fabrikam, Inc.\", C=US"
        ));
        assert!(!same_dn(
            &c.subject,
            "CN=Fabrikam Issuing CA, O=Fabrikam, C=US"
        ));
        assert_eq!(quoted("plain value"), "plain value");
        assert_eq!(quoted("say \"hi\", then"), "\"say \"\"hi\"\", then\"");
    }

    #[test]
    fn an_empty_name_is_empty_text() {
        let der = self_signed_with_rdns(&[]);
        let c = Certificate::from_der(&der).expect("parses");
        assert_eq!(&*c.subject, "");
    }

    #[test]
    fn windows_order_equals_der_order() {
        assert!(same_dn(
            "CN=Fabrikam Issuing CA, O=Fabrikam, C=US",
            "C=US, O=Fabrikam, CN=Fabrikam Issuing CA"
        ));
        assert!(same_dn(
            "CN=x, S=WA, E=a@b.c",
            "emailAddress=A@B.C, ST=WA, CN=X"
        ));
    }

    #[test]
    fn different_names_differ() {
        assert!(!same_dn(
            "CN=Fabrikam Issuing CA, O=Fabrikam",
            "CN=Contoso Public CA, O=Contoso"
        ));
        assert!(!same_dn("CN=a, O=b", "CN=a"));
    }

    #[test]
    fn quoted_commas_stay_in_the_value() {
        assert_eq!(
            common_name(r#"CN="fe01, the first", O="Fabrikam, Inc.""#).as_deref(),
            Some("fe01, the first")
        );
        assert!(!same_dn(r#"O="Fabrikam, Inc.""#, "O=Fabrikam, O=Inc."));
        assert_eq!(common_name("O=Fabrikam"), None);
    }
}
