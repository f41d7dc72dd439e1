//! What every certificate source knows ([`CertFacts`]) and a server certificate from either
//! source ([`Leaf`]): a parsed certificate file, or a row of a certificate inventory that has
//! the facts but not the certificate itself.

use super::cert::Certificate;
use super::inventory::InventoryCert;
use super::names::name_matches;
use serde::Serialize;

/// The facts that both a certificate file and an inventory row (`Get-CsCertificate`) give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertFacts {
    /// Subject DN for display ("CN=lyncse01.fabrikam.com, O=Fabrikam").
    pub subject: Box<str>,
    /// Issuer DN for display (one shared copy per name among the certificates of a folder).
    pub issuer: std::sync::Arc<str>,
    /// First subject common name, if any.
    pub common_name: Option<Box<str>>,
    /// DNS subject alternative names, as written.
    pub dns_names: Box<[String]>,
    /// Serial number, upper-case hex without separators.
    pub serial: Box<str>,
    /// Start of validity (unix seconds).
    pub not_before: i64,
    /// End of validity (unix seconds).
    pub not_after: i64,
    /// SHA-1 of the DER (the Windows "thumbprint").
    pub sha1_thumbprint: Thumbprint,
}

/// A SHA-1 thumbprint, kept as its 20 bytes and shown as 40 upper-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thumbprint(pub [u8; 20]);

impl Thumbprint {
    /// The thumbprint that 40 hex digits (either case) spell; `None` for any other text.
    pub fn from_hex(hex: &str) -> Option<Thumbprint> {
        let digits = hex.as_bytes();
        if digits.len() != 40 {
            return None;
        }
        let mut bytes = [0u8; 20];
        for (b, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            if !text.bytes().all(|d| d.is_ascii_hexdigit()) {
                return None;
            }
            *b = u8::from_str_radix(text, 16).ok()?;
        }
        Some(Thumbprint(bytes))
    }
}

impl std::fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

impl Serialize for Thumbprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl CertFacts {
    /// The DNS identities used for name checks: the DNS SANs, or the CN when there are none.
    pub fn names(&self) -> Vec<&str> {
        if self.dns_names.is_empty() {
            self.common_name.iter().map(|n| &**n).collect()
        } else {
            self.dns_names.iter().map(String::as_str).collect()
        }
    }

    /// True when the certificate is valid for `fqdn` (see [`Self::names`] and `name_matches`).
    pub fn covers_name(&self, fqdn: &str) -> bool {
        self.names().into_iter().any(|p| name_matches(p, fqdn))
    }

    /// How the certificate's names cover `fqdn`: an exact name first, else a wildcard.
    pub fn name_match(&self, fqdn: &str) -> NameMatch<'_> {
        let names = self.names();
        if let Some(n) = names
            .iter()
            .find(|p| !p.contains('*') && name_matches(p, fqdn))
        {
            return NameMatch::Exact(n);
        }
        match names.into_iter().find(|p| name_matches(p, fqdn)) {
            Some(w) => NameMatch::Wildcard(w),
            None => NameMatch::None,
        }
    }

    /// True when a name without a wildcard covers `fqdn` (Lync accepts no wildcard for a
    /// server or pool FQDN).
    pub fn covers_name_exactly(&self, fqdn: &str) -> bool {
        matches!(self.name_match(fqdn), NameMatch::Exact(_))
    }

    /// True when `at` (unix seconds) lies within notBefore..=notAfter.
    pub fn is_valid_at(&self, at: i64) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// How a certificate's names cover a host (see [`CertFacts::name_match`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch<'a> {
    /// A name without a wildcard equals the host.
    Exact(&'a str),
    /// Only this wildcard name covers the host.
    Wildcard(&'a str),
    /// No name covers it.
    None,
}

/// A server certificate: from a certificate file (every fact and the X.509 details), or from an
/// inventory row (the facts only). Dereferences to its [`CertFacts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaf {
    /// Parsed from a certificate file.
    File(Certificate),
    /// Read from a certificate inventory.
    Inventory(InventoryCert),
}

impl Leaf {
    /// The parsed certificate, when it came from a file; `None` for an inventory row.
    pub fn x509(&self) -> Option<&Certificate> {
        match self {
            Leaf::File(c) => Some(c),
            Leaf::Inventory(_) => None,
        }
    }
    /// The inventory row, when it came from an inventory.
    pub fn inventory(&self) -> Option<&InventoryCert> {
        match self {
            Leaf::File(_) => None,
            Leaf::Inventory(i) => Some(i),
        }
    }
}

impl std::ops::Deref for Leaf {
    type Target = CertFacts;
    fn deref(&self) -> &CertFacts {
        match self {
            Leaf::File(c) => &c.facts,
            Leaf::Inventory(i) => &i.facts,
        }
    }
}
