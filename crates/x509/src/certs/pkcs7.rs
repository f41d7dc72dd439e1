//! PKCS#7 / CMS SignedData certificate bundles (`.p7b`, `.p7c`): extracting the embedded
//! certificates, and building a certificates-only bundle (used by tests and the sample
//! generator).
//!
//! Decoding uses RustCrypto's `cms`, which requires DER: a bundle that is not DER (indefinite
//! lengths, as some Windows and Java tools write) is converted with [`super::ber::to_der`] first.
//! Bundles listing the same certificate twice are rejected with [`Pkcs7Error::Decode`].

use cms::cert::x509::Certificate as CmsCertificate;
use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerInfos};
use der::asn1::{Any, ObjectIdentifier, SetOfVec};
use der::{Decode, Encode};
use thiserror::Error;

/// id-signedData (1.2.840.113549.1.7.2).
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-data (1.2.840.113549.1.7.1).
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");

/// A PKCS#7 bundle that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Pkcs7Error {
    /// Not DER-decodable as a CMS ContentInfo / SignedData.
    #[error("malformed PKCS#7 bundle: {0}")]
    Decode(String),
    /// A ContentInfo of another type (enveloped data, ...).
    #[error("PKCS#7 content type {0} is not SignedData")]
    NotSignedData(String),
    /// The bundle could not be encoded.
    #[error("cannot encode PKCS#7 bundle: {0}")]
    Encode(String),
}

pub(crate) use super::sniff::looks_like_pkcs7;

/// Returns the DER of every certificate in a SignedData bundle (in DER set order).
/// Attribute certificates and other certificate formats are skipped.
pub(crate) fn certificates_der(data: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    let ci = match ContentInfo::from_der(data) {
        Ok(ci) => ci,
        Err(der_error) => {
            // Not DER: perhaps BER (indefinite lengths). Report the DER error if it is not BER
            // either, or the DER error of the converted bundle.
            let der =
                super::ber::to_der(data).map_err(|_| Pkcs7Error::Decode(der_error.to_string()))?;
            ContentInfo::from_der(&der).map_err(|e| Pkcs7Error::Decode(e.to_string()))?
        }
    };
    if ci.content_type != ID_SIGNED_DATA {
        return Err(Pkcs7Error::NotSignedData(ci.content_type.to_string()));
    }
    certificates_of(ci)
}

fn certificates_of(ci: ContentInfo) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    let sd: SignedData = ci
        .content
        .decode_as()
        .map_err(|e| Pkcs7Error::Decode(e.to_string()))?;
    let mut out = Vec::new();
    if let Some(set) = sd.certificates {
        for choice in set.0.iter() {
            if let CertificateChoices::Certificate(c) = choice {
                out.push(c.to_der().map_err(|e| Pkcs7Error::Decode(e.to_string()))?);
            }
        }
    }
    Ok(out)
}

/// Builds a degenerate (certificates-only, unsigned) SignedData bundle, DER encoded, like
/// Windows' "Cryptographic Message Syntax Standard - PKCS #7 Certificates (.P7B)" export.
pub fn build_bundle(certs_der: &[&[u8]]) -> Result<Vec<u8>, Pkcs7Error> {
    let enc = |e: der::Error| Pkcs7Error::Encode(e.to_string());
    let mut set = SetOfVec::new();
    for der_bytes in certs_der {
        let c = CmsCertificate::from_der(der_bytes).map_err(enc)?;
        set.insert(CertificateChoices::Certificate(c))
            .map_err(enc)?;
    }
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(set)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::new()),
    };
    let ci = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(enc)?,
    };
    ci.to_der().map_err(enc)
}
