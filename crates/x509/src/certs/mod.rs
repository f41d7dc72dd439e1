//! Certificates: parsing ([`Certificate`]), name matching (`name_matches`, [`NameCover`],
//! [`file_stem_matches`]), reading one file (`load_file`), walking folders ([`load_dir`]),
//! what was found ([`CertStore`]), PKCS#7 bundles ([`pkcs7`]), certificate inventories
//! ([`inventory`]), DN strings ([`dn`]), the facts every source has ([`CertFacts`]), where each
//! came from ([`Origin`]), and the name index that maps server FQDNs to certificate files
//! ([`NameIndex`]).

pub mod ber;
mod cert;
pub mod dn;
pub mod endpoint;
mod facts;
mod index;
pub mod inventory;
mod names;
mod origin;
pub mod pkcs7;
mod read;
mod store;
mod walk;
use topocert_base::{sniff, usage};

#[cfg(test)]
mod tests;

pub use cert::{
    key_id_hex, sha1_thumbprint, CertParseError, Certificate, Eku, KeyUsage, NameKey, PublicKey,
    SignatureAlgorithm, SignatureCheck, SignatureHash, KNOWN_EXTENSIONS,
};
pub use facts::{CertFacts, Leaf, NameMatch, Thumbprint};
pub use index::NameIndex;
pub use names::{file_stem_matches, name_keys, normalize_name, NameCover, CERT_EXTENSIONS};
pub use origin::{short_name, Fetched, Origin};
pub use read::{load_bytes, load_ca_file, CertLoadError, MAX_FILE_SIZE};
pub use store::{add_file, CertFile, CertStore, Unreadable};
pub use usage::Usage;
pub use walk::{load_dir, load_dir_into, CertDirError, MAX_DEPTH};
