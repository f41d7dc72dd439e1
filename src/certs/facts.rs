//! What every certificate source knows ([`CertFacts`]) and a server certificate from either
//! source ([`Leaf`]): a parsed certificate file, or a row of a certificate inventory that has
//! the facts but not the certificate itself.

use super::cert::{name_matches, Certificate};
use super::inventory::InventoryCert;
use serde::Serialize;

/// The facts that both a certificate file and an inventory row (`Get-CsCertificate`) give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertFacts {
    /// Subject DN for display ("CN=lyncse01.fabrikam.com, O=Fabrikam").
    pub subject: String,
    /// Issuer DN for display.
    pub issuer: String,
    /// First subject common name, if any.
    pub common_name: Option<String>,
    /// DNS subject alternative names, as written.
    pub dns_names: Vec<String>,
    /// Serial number, upper-case hex without separators.
    pub serial: String,
    /// Start of validity (unix seconds).
    pub not_before: i64,
    /// End of validity (unix seconds).
    pub not_after: i64,
    /// Upper-case hex SHA-1 of the DER (the Windows "thumbprint").
    pub sha1_thumbprint: String,
}

impl CertFacts {
    /// The DNS identities used for name checks: the DNS SANs, or the CN when there are none.
    pub fn names(&self) -> Vec<&str> {
        if self.dns_names.is_empty() {
            self.common_name.iter().map(String::as_str).collect()
        } else {
            self.dns_names.iter().map(String::as_str).collect()
        }
    }

    /// True when the certificate is valid for `fqdn` (see [`Self::names`] and [`name_matches`]).
    pub fn covers_name(&self, fqdn: &str) -> bool {
        self.names().into_iter().any(|p| name_matches(p, fqdn))
    }

    /// True when `at` (unix seconds) lies within notBefore..=notAfter.
    pub fn is_valid_at(&self, at: i64) -> bool {
        self.not_before <= at && at <= self.not_after
    }
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
