//! Distinguished names as text: comparing the DN strings Windows shows (`CN=fe01.fabrikam.com,
//! OU=IT, O=Fabrikam`, most specific first) with the ones x509-parser prints (DER order).
//!
//! This is the weaker identity an inventory allows: two CAs with the same name but different
//! keys compare equal here; only a certificate file tells them apart.

/// A DN reduced for comparison: (attribute type upper-case, value trimmed and lower-case) pairs,
/// sorted, so that RDN order and letter case do not matter.
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
                Some((t, val)) => (canonical_type(t), val.trim().to_lowercase()),
                None => (String::new(), p.trim().to_lowercase()),
            })
            .collect();
        v.sort();
        DnKey(v)
    }

    /// The first value of an attribute type (e.g. `CN`), lower-cased.
    pub fn first(&self, attr: &str) -> Option<&str> {
        let attr = canonical_type(attr);
        self.0
            .iter()
            .find(|(t, _)| *t == attr)
            .map(|(_, v)| v.as_str())
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
