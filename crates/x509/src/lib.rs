//! topocert-x509: certificates — parsing, files and folders, PKCS#7/BER, inventories, DNs,
//! origins, the name index, and the plain records of fetched endpoints. It knows nothing of
//! Lync topologies, servers, rules, TLS or output formats. With the `test-pki` feature (tests
//! only), `test_pki` builds small rcgen PKIs.

pub mod certs;
#[cfg(any(test, feature = "test-pki"))]
pub mod test_pki;

// The lower crate's modules under their names in topocert, so `crate::error::…` paths resolve.
#[cfg(test)]
use topocert_base::time;
use topocert_base::{decode, input};
