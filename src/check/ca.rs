//! The reference CA — "the CA used by the internal servers" — and whether a certificate was
//! issued by it.

use super::assign;
use crate::certs::{key_id_hex, CertFile, CertStore, Certificate, SignatureCheck};
use crate::graph::ServerGraph;
use crate::model::Topology;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A `--ca` file and the certificates in it.
#[derive(Debug, Clone)]
pub struct GivenCa {
    /// The file.
    pub path: PathBuf,
    /// Its certificates (root or issuing CA).
    pub certs: Vec<Certificate>,
}

/// Where the reference CA came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaSource {
    /// `--ca FILE`.
    Flag,
    /// The issuer of most certificates of the internal Lync servers.
    Inferred,
}

/// One reference CA.
#[derive(Debug, Clone)]
pub struct ReferenceCa {
    /// Subject DN for display.
    pub subject: String,
    /// Raw subject DN.
    pub subject_raw: Vec<u8>,
    /// Subject key identifier (of the CA certificate, or the AKI of the certificates it issued).
    pub key_id: Option<Vec<u8>>,
    /// The CA certificate, when known: used to verify signatures.
    pub cert: Option<Certificate>,
    /// Where it came from.
    pub source: CaSource,
    /// How it was chosen, for people.
    pub how: String,
}

/// The outcome of looking for the reference CA.
#[derive(Debug, Clone)]
pub enum CaResolution {
    /// One or more reference CAs (several `--ca`, or one inferred).
    Known(Vec<ReferenceCa>),
    /// No `--ca`, and no single issuer issued most internal server certificates.
    Ambiguous {
        /// The tied issuers: display DN, key id, number of servers.
        tied: Vec<(String, Option<Vec<u8>>, usize)>,
    },
    /// No `--ca` and no internal server certificate to infer from.
    Unknown,
}

impl CaResolution {
    /// The reference CAs, empty when unknown or ambiguous.
    pub fn cas(&self) -> &[ReferenceCa] {
        match self {
            CaResolution::Known(v) => v,
            _ => &[],
        }
    }
}

/// Is a certificate from the reference CA?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaVerdict {
    /// Issued by a reference CA (directly or through an intermediate in the folder), and the
    /// signature verified.
    FromReference {
        /// Subject of the reference CA.
        ca: String,
    },
    /// Issuer DN and key id match an inferred CA whose certificate is not in the folder, or
    /// whose signature algorithm cannot be checked: a match without signature proof.
    FromReferenceUnverified {
        /// Subject of the reference CA.
        ca: String,
    },
    /// Not from the reference CA.
    Foreign {
        /// Why, for people.
        why: String,
    },
    /// There is no reference CA to compare with.
    NoReference,
}

fn key_ids_compatible(aki: &Option<Vec<u8>>, ski: &Option<Vec<u8>>) -> bool {
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// True when `cert` was issued by `issuer`: same DN, key ids equal when both exist, and the
/// signature verifies (or cannot be checked for its algorithm, reported by the weak-signature rule).
fn issued_by(cert: &Certificate, issuer: &Certificate) -> Option<SignatureCheck> {
    if cert.issuer_raw != issuer.subject_raw
        || !key_ids_compatible(&cert.authority_key_id, &issuer.subject_key_id)
    {
        return None;
    }
    Some(cert.signature_check(issuer))
}

fn describe_issuer(cert: &Certificate) -> String {
    match &cert.authority_key_id {
        Some(k) => format!("{} (key id {})", cert.issuer, key_id_hex(k)),
        None => cert.issuer.clone(),
    }
}

/// Decides whether `file`'s leaf was issued by one of the reference CAs. Intermediates are
/// looked for in the file's own chain and among every CA certificate of the folder.
pub fn verdict(res: &CaResolution, file: &CertFile, store: &CertStore) -> CaVerdict {
    let cas = res.cas();
    if cas.is_empty() {
        return CaVerdict::NoReference;
    }
    let leaf = &file.leaf;
    let mut same_dn_other_key = false;
    for ca in cas {
        match &ca.cert {
            Some(ca_cert) => match issued_by(leaf, ca_cert) {
                Some(SignatureCheck::Valid) => {
                    return CaVerdict::FromReference {
                        ca: ca.subject.clone(),
                    }
                }
                Some(SignatureCheck::Unsupported) => {
                    return CaVerdict::FromReferenceUnverified {
                        ca: ca.subject.clone(),
                    }
                }
                Some(SignatureCheck::Invalid) => same_dn_other_key = true,
                None => {
                    if leaf.issuer_raw == ca_cert.subject_raw {
                        same_dn_other_key = true;
                    }
                    // One intermediate between the leaf and a root given with --ca.
                    let intermediates = file.chain.iter().chain(store.all_ca_certs());
                    for inter in intermediates {
                        if issued_by(leaf, inter) == Some(SignatureCheck::Valid)
                            && issued_by(inter, ca_cert) == Some(SignatureCheck::Valid)
                        {
                            return CaVerdict::FromReference {
                                ca: format!("{} (through {})", ca.subject, inter.subject),
                            };
                        }
                    }
                }
            },
            None => {
                if leaf.issuer_raw == ca.subject_raw {
                    if key_ids_compatible(&leaf.authority_key_id, &ca.key_id) {
                        return CaVerdict::FromReferenceUnverified {
                            ca: ca.subject.clone(),
                        };
                    }
                    same_dn_other_key = true;
                }
            }
        }
    }
    let why = if same_dn_other_key {
        format!(
            "issued by {}: the same name as the reference CA but another key (the signature does not verify with the reference CA's key)",
            describe_issuer(leaf)
        )
    } else {
        format!("issued by {}", describe_issuer(leaf))
    };
    CaVerdict::Foreign { why }
}

/// An issuer's identity: raw DN and authority key id.
type IssuerKey = (Vec<u8>, Option<Vec<u8>>);

/// Resolves the reference CA: every certificate of the `--ca` files, or else the issuer of
/// most certificates assigned (see `assignments`, one per machine) to internal Lync servers (every pool but Edge, SQL, file store
/// and Office Web Apps).
pub fn resolve(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    assignments: &[Option<assign::Assignment>],
    given: &[GivenCa],
) -> CaResolution {
    if !given.is_empty() {
        return CaResolution::Known(
            given
                .iter()
                .flat_map(|g| {
                    g.certs.iter().map(move |c| ReferenceCa {
                        subject: c.subject.clone(),
                        subject_raw: c.subject_raw.clone(),
                        key_id: c.subject_key_id.clone(),
                        cert: Some(c.clone()),
                        source: CaSource::Flag,
                        how: format!("given with --ca {}", g.path.display()),
                    })
                })
                .collect(),
        );
    }
    let mut counts: BTreeMap<IssuerKey, (String, usize)> = BTreeMap::new();
    for (i, m) in topo.machines.iter().enumerate() {
        if !graph.pool_kinds[m.pool.0].is_internal_lync_server() {
            continue;
        }
        if let Some(a) = &assignments[i] {
            let leaf = &store.files[a.file].leaf;
            let e = counts
                .entry((leaf.issuer_raw.clone(), leaf.authority_key_id.clone()))
                .or_insert_with(|| (leaf.issuer.clone(), 0));
            e.1 += 1;
        }
    }
    let Some(max) = counts.values().map(|v| v.1).max() else {
        return CaResolution::Unknown;
    };
    let top: Vec<_> = counts.iter().filter(|(_, v)| v.1 == max).collect();
    if top.len() > 1 {
        return CaResolution::Ambiguous {
            tied: top
                .into_iter()
                .map(|((_, kid), (name, n))| (name.clone(), kid.clone(), *n))
                .collect(),
        };
    }
    let ((raw, kid), (name, n)) = top[0];
    let total: usize = counts.values().map(|v| v.1).sum();
    let cert = store
        .all_ca_certs()
        .find(|c| &c.subject_raw == raw && key_ids_compatible(kid, &c.subject_key_id))
        .cloned();
    CaResolution::Known(vec![ReferenceCa {
        subject: name.clone(),
        subject_raw: raw.clone(),
        key_id: kid
            .clone()
            .or_else(|| cert.as_ref().and_then(|c| c.subject_key_id.clone())),
        source: CaSource::Inferred,
        how: format!(
            "inferred: it issued {n} of the {total} certificates found for internal Lync servers{}",
            if cert.is_some() {
                ""
            } else {
                " (its CA certificate is not in the folder, so signatures are not verified)"
            }
        ),
        cert,
    }])
}
