//! Certificates: parsing ([`cert`]), loading files and folders ([`load`]), PKCS#7 bundles
//! ([`pkcs7`]), certificate inventories ([`inventory`]), DN strings ([`dn`]), the facts every
//! source has ([`facts`]), where each came from ([`origin`]), the name index that maps server
//! FQDNs to certificate files ([`index`]), and telling certificate, key and PKCS#12 files apart
//! by content ([`sniff`]).

pub mod ber;
pub mod cert;
pub mod dn;
pub mod endpoint;
pub mod facts;
pub mod index;
pub mod inventory;
pub mod load;
pub mod origin;
pub mod pkcs7;
pub use topocert_base::sniff;
pub use topocert_base::usage;

#[cfg(test)]
mod tests;

pub use cert::{
    key_id_hex, name_matches, CertParseError, Certificate, Eku, KeyUsage, PublicKey,
    SignatureAlgorithm, SignatureCheck, SignatureHash,
};
pub use facts::{CertFacts, Leaf, NameMatch};
pub use index::NameIndex;
pub use inventory::{Inventory, InventoryCert, InventoryError};
pub use load::{
    file_stem_matches, load_bytes, load_ca_file, load_dir, load_file, CertDirError, CertFile,
    CertLoadError, CertStore, Unreadable,
};
pub use origin::Origin;
pub use usage::Usage;
